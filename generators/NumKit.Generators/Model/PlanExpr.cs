using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>
/// An expression of a <see cref="RulePlan"/>: what to compute, with no C# in it. Every node says
/// which value it reads — a hyperparameter, the step number, a version of a per-step name, a hoisted
/// per-step value, a per-element value — and every operation says how it is computed (an integer
/// power is a product; a per-element condition selects lanes; a per-step one chooses once). The
/// emitter alone turns this into C# and chooses identifiers. Records, so equal trees compare equal.
/// </summary>
internal abstract record PlanExpr
{
    /// <summary>Whether this expression reads the per-element value <paramref name="name"/> anywhere.</summary>
    public bool ReadsElement(string name) => this switch
    {
        PlanElementValue value => value.Name == name,
        PlanNegate negate => negate.Operand.ReadsElement(name),
        PlanBinary binary => binary.Left.ReadsElement(name) || binary.Right.ReadsElement(name),
        PlanPower power => power.Base.ReadsElement(name) || power.Exponent.ReadsElement(name),
        PlanIntegerPower power => power.Base.ReadsElement(name),
        PlanCall call => System.Linq.Enumerable.Any(call.Arguments, a => a.ReadsElement(name)),
        PlanSelect select => select.Mask.ReadsElement(name) || select.WhenTrue.ReadsElement(name) || select.WhenFalse.ReadsElement(name),
        PlanChoose choose => choose.Condition.ReadsElement(name) || choose.WhenTrue.ReadsElement(name) || choose.WhenFalse.ReadsElement(name),
        _ => false,
    };

    /// <summary>This node and every node below it.</summary>
    public System.Collections.Generic.IEnumerable<PlanExpr> DescendantsAndSelf()
    {
        yield return this;
        PlanExpr[] operands = this switch
        {
            PlanNegate negate => new[] { negate.Operand },
            PlanBinary binary => new[] { binary.Left, binary.Right },
            PlanPower power => new[] { power.Base, power.Exponent },
            PlanIntegerPower power => new[] { power.Base },
            PlanCall call => System.Linq.Enumerable.ToArray(call.Arguments),
            PlanSelect select => new[] { select.Mask, select.WhenTrue, select.WhenFalse },
            PlanChoose choose => new[] { choose.Condition, choose.WhenTrue, choose.WhenFalse },
            _ => System.Array.Empty<PlanExpr>(),
        };
        foreach (PlanExpr operand in operands)
        {
            foreach (PlanExpr node in operand.DescendantsAndSelf())
            {
                yield return node;
            }
        }
    }
}

/// <summary>A number.</summary>
internal sealed record PlanConstant(double Value) : PlanExpr;

/// <summary>A hyperparameter's value this step, in double precision (a bool property is a per-step condition).</summary>
internal sealed record PlanHyperparameter(string Name) : PlanExpr;

/// <summary>The step number, as a double; <paramref name="Name"/> is what the dialect calls it (<c>t</c> or <c>step</c>).</summary>
internal sealed record PlanStepNumber(string Name) : PlanExpr;

/// <summary>
/// A per-step name as of a point in the equations: <paramref name="Version"/> 0 is a per-step state's
/// value from the last step; n is the value the name's n-th assignment in this step gave it.
/// </summary>
internal sealed record PlanStepValue(string Name, int Version) : PlanExpr;

/// <summary>Per element: the hoisted per-step value at <paramref name="Index"/> in <see cref="RulePlan.Hoisted"/>, the same in every lane.</summary>
internal sealed record PlanHoisted(int Index) : PlanExpr;

/// <summary>Per element: the current value of <c>w</c>, <c>g</c>, an element state or a temporary.</summary>
internal sealed record PlanElementValue(string Name) : PlanExpr;

/// <summary>Unary minus.</summary>
internal sealed record PlanNegate(PlanExpr Operand) : PlanExpr;

/// <summary>+ - * / (never a power), or a comparison giving a condition.</summary>
internal sealed record PlanBinary(BinaryOperator Operator, PlanExpr Left, PlanExpr Right) : PlanExpr;

/// <summary><c>pow(x, y)</c>: the general power.</summary>
internal sealed record PlanPower(PlanExpr Base, PlanExpr Exponent) : PlanExpr;

/// <summary>x^n for a whole n ≥ 1, as the product x · x · ... · x taken left to right.</summary>
internal sealed record PlanIntegerPower(PlanExpr Base, int Exponent) : PlanExpr;

/// <summary>A function of the language's table, by name.</summary>
internal sealed record PlanCall(string Function, EquatableArray<PlanExpr> Arguments) : PlanExpr;

/// <summary>Per element: lane by lane, <paramref name="WhenTrue"/> where the per-element <paramref name="Mask"/> holds, else <paramref name="WhenFalse"/>.</summary>
internal sealed record PlanSelect(PlanExpr Mask, PlanExpr WhenTrue, PlanExpr WhenFalse) : PlanExpr;

/// <summary>A choice made once per step: <paramref name="WhenTrue"/> if the per-step <paramref name="Condition"/> holds, else <paramref name="WhenFalse"/>.</summary>
internal sealed record PlanChoose(PlanExpr Condition, PlanExpr WhenTrue, PlanExpr WhenFalse) : PlanExpr;

/// <summary>Per step: whether this step is one of the periodic statements' steps (k, 2k, 3k, ... of <see cref="RulePlan.Period"/>).</summary>
internal sealed record PlanDue : PlanExpr;

/// <summary>
/// The finished value of reduction <paramref name="Index"/> of <see cref="RulePlan.Reductions"/> (one number per
/// tensor), in double precision: computed between passes, read like a per-step value.
/// </summary>
internal sealed record PlanReductionValue(int Index) : PlanExpr;

/// <summary>
/// Per element: the value of row or column slot <paramref name="Slot"/> (<see cref="RulePlan.RowValues"/> or
/// <see cref="RulePlan.ColumnValues"/>) for the element's row or column — a row value is the same in every lane
/// of a row, a column value differs lane by lane.
/// </summary>
internal sealed record PlanMatrixValue(bool Column, int Slot) : PlanExpr;

/// <summary>The tensor's rank (its number of dimensions), as a double: a per-tensor value.</summary>
internal sealed record PlanTensorRank : PlanExpr;
