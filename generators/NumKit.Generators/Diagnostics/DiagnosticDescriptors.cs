using Microsoft.CodeAnalysis;
using NumKit.Generators.Equations;

namespace NumKit.Generators;

/// <summary>
/// Every diagnostic NumKit reports. None carries a help link: the project has no public home yet, and a
/// link that does not resolve is worse than none (the README's "Diagnostics" table explains each id).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NumKit.Equations";

    public static readonly DiagnosticDescriptor UnknownCharacter = Error("NK0001", "Unknown character", "Unknown character '{0}' in the equations");
    public static readonly DiagnosticDescriptor UnbalancedParenthesis = Error("NK0002", "Unbalanced parenthesis", "Unbalanced parenthesis: {0}");
    public static readonly DiagnosticDescriptor ExpectedExpression = Error("NK0003", "Expected an expression", "Expected an expression: {0}");
    public static readonly DiagnosticDescriptor MalformedStatement = Error("NK0004", "Malformed statement", "Malformed statement: {0} (found {1})");
    public static readonly DiagnosticDescriptor UnknownName = Error("NK0005", "Unknown name", "Unknown name '{0}': {1}");
    public static readonly DiagnosticDescriptor AssignmentToBuiltIn = Error("NK0006", "Assignment to an input", "Cannot assign to '{0}', {1}: it is an input to the step");
    public static readonly DiagnosticDescriptor AssignmentToHyperparameter = Error("NK0007", "Assignment to a hyperparameter", "Cannot assign to '{0}', {1}: the equations read hyperparameters but never assign them; give the value a new name");
    public static readonly DiagnosticDescriptor ParameterNeverUpdated = Error("NK0008", "The output is never assigned", "The equations never assign '{0}'; add a statement such as '{1}'");
    public static readonly DiagnosticDescriptor UnusedVariable = Warning("NK0009", "Value never used", "'{0}' is assigned but never used to compute '{1}'");
    public static readonly DiagnosticDescriptor HyperparameterNotFloat = Error("NK0010", "Hyperparameter is not a float property", "'{0}' is {1}; hyperparameters must be public float (or, for conditions, bool) properties");
    public static readonly DiagnosticDescriptor NotPartialStruct = Error("NK0011", "Must be a partial struct", "The [{1}] type '{0}' must be declared 'partial struct' so the generator can add its generated half");
    public static readonly DiagnosticDescriptor MissingLearningRate = Error("NK0012", "Missing LearningRate", "'{0}' needs a public float property 'LearningRate' with get and set: {1}");
    public static readonly DiagnosticDescriptor WrongArgumentCount = Error("NK0013", "Wrong number of arguments", "'{0}' takes {1} argument(s) but is given {2}");
    public static readonly DiagnosticDescriptor UnknownFunction = Error("NK0014", "Unknown function", "Unknown function '{0}': {1}");
    public static readonly DiagnosticDescriptor TypeMismatch = Error("NK0015", "Number and condition mixed", "{0}");
    public static readonly DiagnosticDescriptor InvalidInitialValue = Error("NK0016", "Invalid initial value", "Invalid initial value: {0}");
    public static readonly DiagnosticDescriptor EquationsNotConstant = Error("NK0017", "Equations are not a constant string", "The [{0}] equations must be a constant string");
    public static readonly DiagnosticDescriptor InvalidNumber = Error("NK0018", "Invalid number", "'{0}' is not a valid number{1}");
    public static readonly DiagnosticDescriptor StateNotAllowed = Error("NK0020", "A schedule keeps no state", "'{0}' is read before it is assigned, but a schedule is a function of the step alone and keeps no state; assign it first");
    public static readonly DiagnosticDescriptor SelfAssignment = Error("NK0021", "Assignment of a name to itself", "'{0} = {0}' changes nothing; remove it, or assign '{0}' a new value");
    public static readonly DiagnosticDescriptor ConstantNotFinite = Error("NK0022", "Constant arithmetic without a finite value", "'{0}' {1} on every step; the equations must compute finite values from constants");
    public static readonly DiagnosticDescriptor ReservedMemberName = Error("NK0023", "Member name taken by the generated code", "'{0}' is the name of the generated {1}; rename the member");
    public static readonly DiagnosticDescriptor TooManyStates = Error("NK0024", "Too many state buffers", "The equations keep {0} state values; a rule may keep at most {1}");
    public static readonly DiagnosticDescriptor KeptNotState = Error("NK0025", "Kept value is not state", "'{0}' is marked 'keep' but is not state: only a name the equations read before they assign it is stored between steps, where the caller can read it");
    public static readonly DiagnosticDescriptor InvalidHyperparameterRange = Error("NK0030", "Invalid hyperparameter range", "The [HyperparameterRange] on '{0}' cannot be used: {1}");
    public static readonly DiagnosticDescriptor InvalidPeriod = Error("NK0026", "Invalid period", "'every {0}': {1}");
    public static readonly DiagnosticDescriptor PeriodicNotOneBlock = Error("NK0027", "Periodic statements apart", "{0}");
    public static readonly DiagnosticDescriptor ReductionOfNonElement = Error("NK0031", "Reduction of a value that is not per element", "'{0}({1})' reduces a value that is {2}; a reduction runs over per-element values such as w, g, the state or what the equations compute from them");
    public static readonly DiagnosticDescriptor ReductionScopeNotSupported = Error("NK0032", "Reduction scope not compiled yet", "'{0}' reduces over {1}, which this version of the generator does not compile yet; reduce over each tensor (sum, mean, norm, rms, maxabs)");
    public static readonly DiagnosticDescriptor StateRateNotSupported = Error("NK0033", "State of an unsupported rate", "'{0}' is state, and what it is assigned is {1}; state may be one value per element, per row or column of a matrix, one number per step or one number per group");
    public static readonly DiagnosticDescriptor StateReadAfterReduction = Error("NK0034", "State read before a reduction that needs it", "'{0}' is read here as it was before this step's update, but this is computed after the reduction '{1}', which needs the updated '{0}' (the update has been stored by then); read '{0}' after its update, or reduce a value computed before it");
    public static readonly DiagnosticDescriptor ReassignedWithReductions = Error("NK0035", "Name assigned twice in equations with reductions", "'{0}' is assigned more than once; in equations with reductions, which run in several passes over the elements, each per-element name is assigned once per step");
    public static readonly DiagnosticDescriptor GroupAndTensorReductions = Error("NK0036", "Group and tensor reductions in one rule", "'{0}' reduces over each tensor, row or column, and '{1}' over the whole group; a rule reduces over the group or over its tensors, not both (its passes run group by group or tensor by tensor)");
    public static readonly DiagnosticDescriptor RankWithoutMatrices = Error("NK0040", "Rank read by a rule that does not reduce rows or columns", "'rank' is each tensor's number of dimensions, which a rule knows only when it reduces rows or columns (rowmean, colmean, ...); branch on it in such a rule, or give the property another name");
    public static readonly DiagnosticDescriptor MatrixStateInitialValue = Error("NK0041", "Initial value of a per-row or per-column state", "'{0}' is {1} and starts at zero; 'init' declares the start of per-element and per-step state only");
    public static readonly DiagnosticDescriptor NestedReduction = Error("NK0042", "Reduction of a reduction", "'{0}' reduces a value that contains the reduction '{1}'; assign the inner value a name first (x = {1}), then reduce x");
    public static readonly DiagnosticDescriptor MatrixCondition = Error("NK0043", "Condition per row or column", "'{0}' is a condition per {1}; write the comparison inside if(...) where it is used, or assign a number");
    public static readonly DiagnosticDescriptor UnsupportedDeclaration = Error("NK0019", "Unsupported declaration", "The [{2}] type '{0}' cannot be generated: {1}");

    /// <summary>The descriptor of a problem kind: NK and the kind's number, four digits.</summary>
    public static DiagnosticDescriptor For(ProblemKind kind) => kind switch
    {
        ProblemKind.UnknownCharacter => UnknownCharacter,
        ProblemKind.UnbalancedParenthesis => UnbalancedParenthesis,
        ProblemKind.ExpectedExpression => ExpectedExpression,
        ProblemKind.MalformedStatement => MalformedStatement,
        ProblemKind.UnknownName => UnknownName,
        ProblemKind.AssignmentToBuiltIn => AssignmentToBuiltIn,
        ProblemKind.AssignmentToHyperparameter => AssignmentToHyperparameter,
        ProblemKind.ParameterNeverUpdated => ParameterNeverUpdated,
        ProblemKind.UnusedVariable => UnusedVariable,
        ProblemKind.HyperparameterNotFloat => HyperparameterNotFloat,
        ProblemKind.NotPartialStruct => NotPartialStruct,
        ProblemKind.MissingLearningRate => MissingLearningRate,
        ProblemKind.WrongArgumentCount => WrongArgumentCount,
        ProblemKind.UnknownFunction => UnknownFunction,
        ProblemKind.TypeMismatch => TypeMismatch,
        ProblemKind.InvalidInitialValue => InvalidInitialValue,
        ProblemKind.EquationsNotConstant => EquationsNotConstant,
        ProblemKind.InvalidNumber => InvalidNumber,
        ProblemKind.StateNotAllowed => StateNotAllowed,
        ProblemKind.SelfAssignment => SelfAssignment,
        ProblemKind.ConstantNotFinite => ConstantNotFinite,
        ProblemKind.ReservedMemberName => ReservedMemberName,
        ProblemKind.TooManyStates => TooManyStates,
        ProblemKind.KeptNotState => KeptNotState,
        ProblemKind.InvalidHyperparameterRange => InvalidHyperparameterRange,
        ProblemKind.InvalidPeriod => InvalidPeriod,
        ProblemKind.PeriodicNotOneBlock => PeriodicNotOneBlock,
        ProblemKind.ReductionOfNonElement => ReductionOfNonElement,
        ProblemKind.ReductionScopeNotSupported => ReductionScopeNotSupported,
        ProblemKind.StateRateNotSupported => StateRateNotSupported,
        ProblemKind.StateReadAfterReduction => StateReadAfterReduction,
        ProblemKind.ReassignedWithReductions => ReassignedWithReductions,
        ProblemKind.GroupAndTensorReductions => GroupAndTensorReductions,
        ProblemKind.RankWithoutMatrices => RankWithoutMatrices,
        ProblemKind.MatrixStateInitialValue => MatrixStateInitialValue,
        ProblemKind.NestedReduction => NestedReduction,
        ProblemKind.MatrixCondition => MatrixCondition,
        _ => UnsupportedDeclaration,
    };

    private static DiagnosticDescriptor Error(string id, string title, string message) => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) => new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
