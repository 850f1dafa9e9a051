using NumKit.Generators.Helpers;

namespace NumKit.Generators.Equations;

/// <summary>What is wrong with a spec. Each kind is one NK diagnostic id (see DiagnosticDescriptors).</summary>
internal enum ProblemKind
{
    UnknownCharacter = 1,
    UnbalancedParenthesis = 2,
    ExpectedExpression = 3,
    MalformedStatement = 4,
    UnknownName = 5,
    AssignmentToBuiltIn = 6,
    AssignmentToHyperparameter = 7,
    ParameterNeverUpdated = 8,
    UnusedVariable = 9,
    HyperparameterNotFloat = 10,
    NotPartialStruct = 11,
    MissingLearningRate = 12,
    WrongArgumentCount = 13,
    UnknownFunction = 14,
    TypeMismatch = 15,
    InvalidInitialValue = 16,
    EquationsNotConstant = 17,
    InvalidNumber = 18,
    UnsupportedDeclaration = 19,
    StateNotAllowed = 20,
    SelfAssignment = 21,
    ConstantNotFinite = 22,
    ReservedMemberName = 23,
    TooManyStates = 24,
    KeptNotState = 25,
    InvalidPeriod = 26,
    PeriodicNotOneBlock = 27,
    InvalidHyperparameterRange = 30,
    ReductionOfNonElement = 31,
    ReductionScopeNotSupported = 32,
    StateRateNotSupported = 33,
    StateReadAfterReduction = 34,
    ReassignedWithReductions = 35,
    GroupAndTensorReductions = 36,
    RankWithoutMatrices = 40,
    MatrixStateInitialValue = 41,
    NestedReduction = 42,
    MatrixCondition = 43,
}

/// <summary>One problem in a spec: its kind, where it is in the equations text, and the message arguments.</summary>
internal sealed record Problem(ProblemKind Kind, EquationSpan Span, EquatableArray<string> Arguments)
{
    public static Problem Create(ProblemKind kind, EquationSpan span, params string[] arguments) => new(kind, span, new EquatableArray<string>(arguments));

    /// <summary>Whether the problem stops code generation (everything but the unused-variable warning).</summary>
    public bool IsError => Kind != ProblemKind.UnusedVariable;
}
