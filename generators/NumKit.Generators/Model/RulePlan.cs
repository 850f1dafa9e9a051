using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>
/// What the emitter writes, decided and free of C#: the equations split into the work done once per
/// step (in double precision, before the loop) and the work done per element (in the loop). Names are
/// the equations' own; the emitter turns them into identifiers. One model for both dialects: a
/// <c>[Schedule]</c> plan has only per-step work and an <see cref="Output"/>. Immutable and equatable,
/// so the incremental pipeline caches it.
/// </summary>
/// <param name="Names">Every name the equations use — built-ins, assigned names, hyperparameters — in the order the generated code claims identifiers for them.</param>
/// <param name="ElementStates">State kept per element: one buffer each.</param>
/// <param name="ScalarStates">State kept per step: one double each.</param>
/// <param name="Hyperparameters">The hyperparameters the per-step work reads, in the order it first reads them.</param>
/// <param name="StepAssignments">The per-step statements, in order.</param>
/// <param name="Hoisted">The per-step values the per-element statements use, each computed once per step.</param>
/// <param name="ElementAssignments">The per-element statements, in order.</param>
/// <param name="ScalarStateWrites">The per-step states this step changes, and the version that is their new value.</param>
/// <param name="Output">A schedule's result: the version of its output (<c>lr</c>) the last statement gave; null for an optimizer.</param>
/// <param name="Period">The period of the statements applied <c>every k</c> steps; null when there are none.</param>
/// <param name="Passes">
/// For equations with reductions, the passes over the elements (then <paramref name="Hoisted"/> and
/// <paramref name="ElementAssignments"/> are empty: each pass has its own); empty for one pass.
/// </param>
/// <param name="Reductions">The reductions the passes accumulate, each once.</param>
/// <param name="ReducesOverGroups">
/// The reductions run over every tensor of a parameter group (<c>groupsum</c>, ...): each pass runs over the whole
/// group before the values between passes are computed, and those values are the group's.
/// </param>
/// <param name="RowValues">The per-row values between passes (row reductions' results, per-row statements): one slot each.</param>
/// <param name="ColumnValues">The per-column values between passes: one slot each.</param>
/// <param name="TensorAssignments">The per-tensor statements that need no pass (such as <c>factored = rank >= 2</c>): computed before each pass.</param>
/// <param name="RowStates">The per-row states and the version that is their new value (the incoming value is version 0's slot).</param>
/// <param name="ColumnStates">The per-column states, likewise.</param>
/// <param name="ReadsRank">Whether the equations read the tensor's rank.</param>
internal sealed record RulePlan(
    EquatableArray<string> Names,
    EquatableArray<StateSlot> ElementStates,
    EquatableArray<StateSlot> ScalarStates,
    EquatableArray<HyperparameterRead> Hyperparameters,
    EquatableArray<StepAssignment> StepAssignments,
    EquatableArray<HoistedValue> Hoisted,
    EquatableArray<ElementAssignment> ElementAssignments,
    EquatableArray<ScalarStateWrite> ScalarStateWrites,
    PlanStepValue? Output,
    PeriodicSchedule? Period = null,
    EquatableArray<PassPlan> Passes = default,
    EquatableArray<ReductionSlot> Reductions = default,
    bool ReducesOverGroups = false,
    EquatableArray<MatrixValueSlot> RowValues = default,
    EquatableArray<MatrixValueSlot> ColumnValues = default,
    EquatableArray<StepAssignment> TensorAssignments = default,
    EquatableArray<ScalarStateWrite> RowStates = default,
    EquatableArray<ScalarStateWrite> ColumnStates = default,
    bool ReadsRank = false)
{
    /// <summary>
    /// Whether the equations reduce rows or columns (or use their values): then every pass walks each tensor as a batch
    /// of matrices, row by row, and the tensors need rank 2 or more.
    /// </summary>
    public bool ReducesMatrices => RowValues.Count > 0 || ColumnValues.Count > 0;

    /// <summary>Whether some per-element statements apply only every k steps, so the loop comes in two forms: with them and without.</summary>
    public bool HasPeriodicElementWork => Period is not null && System.Linq.Enumerable.Any(ElementAssignments, a => a.IsPeriodic);

    /// <summary>Whether a step makes more than the one pass of element-wise rules (it has reductions).</summary>
    public bool IsMultiPass => Passes.Count > 0;
}

/// <summary>
/// When the statements written <c>every k</c> apply: on steps k, 2k, 3k, ... <paramref name="Period"/> is a
/// <see cref="PlanConstant"/> (a whole number, checked by the checker) or a <see cref="PlanHyperparameter"/>
/// (checked by the kernel on every call); <paramref name="Text"/> is k as written.
/// </summary>
internal sealed record PeriodicSchedule(PlanExpr Period, string Text);

/// <summary>
/// One pass over the elements of equations with reductions: the per-step values hoisted for its loop, its
/// per-element statements in order (those it runs, and the temporaries it recomputes from stored state),
/// the reductions it accumulates (each after the first <see cref="Accumulation.Position"/> statements), the
/// names whose spans it stores, and the values between passes (per tensor) computed once it is done — with the
/// reductions over each matrix's rows or columns of per-row or per-column values (<paramref name="LineReductions"/>,
/// each after the first <see cref="Accumulation.Position"/> of them, its argument a per-step expression of the row's values).
/// </summary>
internal sealed record PassPlan(
    int Number,
    EquatableArray<HoistedValue> Hoisted,
    EquatableArray<ElementAssignment> Assignments,
    EquatableArray<Accumulation> Accumulations,
    EquatableArray<string> Stores,
    EquatableArray<StepAssignment> After,
    EquatableArray<Accumulation> LineReductions = default);

/// <summary>Adds <paramref name="Value"/> (per element) to reduction <paramref name="Reduction"/>, after the pass's first <paramref name="Position"/> statements.</summary>
internal sealed record Accumulation(int Reduction, int Position, PlanExpr Value);

/// <summary>A reduction: what it computes (<see cref="ReductionKind"/>), in which pass, of what (as written, for comments).</summary>
internal sealed record ReductionSlot(int Index, string Function, ReductionKind Kind, int Pass, string Equation, string? ArgumentName, ReductionScope Scope = ReductionScope.Tensor, Rate Over = Rate.PerElement)
{
    /// <summary>Its value is one per row (a row reduction, or one over each matrix's rows of a per-row value).</summary>
    public bool IsRowValue => Scope == ReductionScope.Row || Over == Rate.PerRow;

    /// <summary>Its value is one per column.</summary>
    public bool IsColumnValue => Scope == ReductionScope.Column || Over == Rate.PerColumn;

    /// <summary>Each element adds x² (norm, rms).</summary>
    public bool Squares => Kind is ReductionKind.Norm or ReductionKind.Rms;

    /// <summary>The lanes keep the largest |x| instead of a sum.</summary>
    public bool IsMax => Kind == ReductionKind.MaxAbs;
}

/// <summary>
/// One state: its name, its declared starting value (numbers and hyperparameters) and that value as
/// written, if any. A state whose starting value reads the parameter (<paramref name="StartsFromParameter"/>)
/// has no constant <paramref name="Initializer"/>: the kernel sets it from w on step 1.
/// </summary>
internal sealed record StateSlot(string Name, PlanExpr? Initializer, string? InitializerText, bool StartsFromParameter = false);

/// <summary>A per-step statement: version <paramref name="Version"/> of <paramref name="Name"/> is <paramref name="Value"/>, under the equation it computes.</summary>
/// <remarks>A value between passes has the rate <paramref name="Rate"/>: per tensor, or one per row or column of each matrix.</remarks>
internal sealed record StepAssignment(string Name, int Version, PlanExpr Value, string Equation, bool IsCondition, Rate Rate = Rate.PerStep)
{
    /// <summary>The value this statement gives, as later expressions read it.</summary>
    public PlanStepValue Result => new(Name, Version);
}

/// <summary>
/// A per-step value an element statement uses: computed once, converted to T, broadcast before the
/// loop. <paramref name="Equation"/> is the expression as written, for the comment beside it.
/// </summary>
internal sealed record HoistedValue(PlanExpr Value, string Equation, bool IsCondition);

/// <summary>
/// A per-element statement in the loop: <paramref name="Target"/> = <paramref name="Value"/> (declaring a temporary on
/// its first assignment); <paramref name="IsPeriodic"/> when it runs only on the steps of <see cref="RulePlan.Period"/>.
/// </summary>
internal sealed record ElementAssignment(string Target, bool Declares, PlanExpr Value, string Equation, bool IsPeriodic = false);

/// <summary>A per-step state whose new value is version <paramref name="FinalVersion"/>, written back for the next step.</summary>
internal sealed record ScalarStateWrite(string Name, int FinalVersion);

/// <summary>A hyperparameter the per-step work reads, once; a bool property is a condition.</summary>
internal sealed record HyperparameterRead(string Name, bool IsCondition);

/// <summary>
/// A per-row or per-column value between passes: the result of reduction <paramref name="Reduction"/> (≥ 0), or
/// version <paramref name="Version"/> of the per-row or per-column name <paramref name="Name"/>.
/// </summary>
internal sealed record MatrixValueSlot(int Reduction, string? Name, int Version);
