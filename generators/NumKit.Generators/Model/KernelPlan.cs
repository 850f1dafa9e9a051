using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>
/// What the emitter writes, decided: the equations split into the work done once per step (in
/// double precision, before the loop) and the work done per element (in the loop), with every name
/// already a C# identifier. Expressions are equation trees whose <see cref="NameExpr"/>s hold those
/// identifiers. Immutable and equatable, so the incremental pipeline caches it.
/// </summary>
internal sealed record KernelPlan(
    EquatableArray<StateSlot> ElementStates,
    EquatableArray<StateSlot> ScalarStates,
    EquatableArray<HyperparameterRead> Hyperparameters,
    EquatableArray<StepAssignment> StepAssignments,
    EquatableArray<HoistedValue> Hoisted,
    EquatableArray<ElementAssignment> ElementAssignments,
    EquatableArray<ScalarStateWrite> ScalarStateWrites,
    bool ReadsStepNumber);

/// <summary>One state: its name in the equations, its C# identifier, and its declared starting value (a per-step expression) if any.</summary>
internal sealed record StateSlot(string Name, string Identifier, Expr? Initializer, string? InitializerText);

/// <summary>A per-step statement: <c>double Local = Value;</c>, under the equation it computes.</summary>
internal sealed record StepAssignment(string Local, Expr Value, string Equation, bool IsCondition);

/// <summary>
/// A per-step value an element statement uses: computed once, converted to T, broadcast before the
/// loop. <paramref name="Equation"/> is the expression as written, for the comment beside it.
/// </summary>
internal sealed record HoistedValue(string Name, Expr Value, string Equation, bool IsCondition);

/// <summary>A per-element statement in the loop: <c>Target = Value;</c> (declaring a temporary on its first assignment).</summary>
internal sealed record ElementAssignment(string Target, bool Declares, Expr Value, string Equation);

/// <summary>Writes the final value of a per-step scalar state back through its <c>ref</c> parameter.</summary>
internal sealed record ScalarStateWrite(string Identifier, string FinalLocal);

/// <summary>A hyperparameter the per-step code reads, copied once into a double (or, for a bool property, bool) local named <paramref name="Identifier"/>.</summary>
internal sealed record HyperparameterRead(string Name, string Identifier, bool IsCondition);

/// <summary>A schedule's formula, decided: per-step statements in order, and the local that holds the learning rate.</summary>
internal sealed record SchedulePlan(EquatableArray<HyperparameterRead> Hyperparameters, EquatableArray<StepAssignment> StepAssignments, string Result);
