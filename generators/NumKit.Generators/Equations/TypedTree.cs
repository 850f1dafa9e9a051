using System.Collections.Generic;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Equations;

/// <summary>
/// How often a value is computed: once per step, per group, per tensor, per row or column of a
/// matrix-shaped tensor, or per element. The rates form a lattice (<see cref="Rates.Join"/>): a value
/// computed from others has the finest of their rates, and a row value with a column value is per element.
/// </summary>
internal enum Rate
{
    PerStep,
    PerElement,
    PerGroup,
    PerTensor,
    PerRow,
    PerColumn,
}

/// <summary>The lattice of rates.</summary>
internal static class Rates
{
    /// <summary>The rate of a value computed from values of rates <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static Rate Join(Rate a, Rate b)
    {
        if (a == b)
        {
            return a;
        }

        if ((a == Rate.PerRow && b == Rate.PerColumn) || (a == Rate.PerColumn && b == Rate.PerRow))
        {
            return Rate.PerElement;
        }

        return Rank(a) >= Rank(b) ? a : b;
    }

    /// <summary>Whether a value of this rate is computed between passes over the elements (per group, tensor, row or column).</summary>
    public static bool IsBetweenPasses(Rate rate) => rate is Rate.PerGroup or Rate.PerTensor or Rate.PerRow or Rate.PerColumn;

    /// <summary>How the rate reads in a message.</summary>
    public static string Describe(Rate rate) => rate switch
    {
        Rate.PerStep => "one number per step",
        Rate.PerGroup => "one number per group",
        Rate.PerTensor => "one number per tensor",
        Rate.PerRow => "one number per row",
        Rate.PerColumn => "one number per column",
        _ => "one value per element",
    };

    private static int Rank(Rate rate) => rate switch
    {
        Rate.PerStep => 0,
        Rate.PerGroup => 1,
        Rate.PerTensor => 2,
        Rate.PerRow or Rate.PerColumn => 3,
        _ => 4,
    };
}

/// <summary>Whether a value is a number or a condition.</summary>
internal enum ValueType
{
    Number,
    Condition,
}

/// <summary>How a power <c>x^y</c> is computed, decided once by the checker from the exponent as written.</summary>
internal enum PowerForm
{
    /// <summary>Any exponent: <c>pow(x, y)</c>.</summary>
    General,

    /// <summary>A whole exponent n with |n| ≤ 64: per element a product (<c>g^2</c> is <c>g * g</c>, as PyTorch computes it).</summary>
    Whole,

    /// <summary>The exponent 0.5: per element a square root.</summary>
    SquareRoot,
}

/// <summary>
/// A checked expression: the checker's verdict on every node — its <see cref="Rate"/> and its
/// <see cref="ValueType"/> — decided there and nowhere else. <see cref="Syntax"/> is the tree as
/// written, for comments and messages.
/// </summary>
internal abstract record TypedExpr(Rate Rate, ValueType Type, Expr Syntax)
{
    /// <summary>The direct operands, left to right.</summary>
    public abstract IReadOnlyList<TypedExpr> Operands { get; }

    /// <summary>This node and every node below it, parents before children, left to right. Iterative, so deep trees are safe.</summary>
    public IEnumerable<TypedExpr> DescendantsAndSelf()
    {
        var stack = new Stack<TypedExpr>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            TypedExpr node = stack.Pop();
            yield return node;
            for (int i = node.Operands.Count - 1; i >= 0; i--)
            {
                stack.Push(node.Operands[i]);
            }
        }
    }
}

/// <summary>A number literal.</summary>
internal sealed record TypedNumber(double Value, Expr Syntax) : TypedExpr(Rate.PerStep, ValueType.Number, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => System.Array.Empty<TypedExpr>();
}

/// <summary>What a name refers to.</summary>
internal enum NameKind
{
    /// <summary>A per-element built-in: <c>w</c> or <c>g</c>.</summary>
    ElementInput,

    /// <summary>The step number: <c>t</c> or <c>step</c>.</summary>
    StepNumber,

    /// <summary>A float (number) or bool (condition) property of the struct.</summary>
    Hyperparameter,

    /// <summary>A name the equations assign: state or temporary.</summary>
    Variable,

    /// <summary>The tensor's rank (<see cref="Language.Rank"/>): a number per tensor.</summary>
    TensorRank,

    /// <summary>A name already reported as an error (unknown, or a member that is no hyperparameter).</summary>
    Unresolved,
}

/// <summary>A name, resolved.</summary>
internal sealed record TypedName(string Name, NameKind Kind, Rate Rate, ValueType Type, Expr Syntax) : TypedExpr(Rate, Type, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => System.Array.Empty<TypedExpr>();
}

/// <summary>Unary minus.</summary>
internal sealed record TypedNegate(TypedExpr Operand, Rate Rate, Expr Syntax) : TypedExpr(Rate, ValueType.Number, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => new[] { Operand };
}

/// <summary>Arithmetic (a number) or a comparison (a condition); never a power.</summary>
internal sealed record TypedBinary(BinaryOperator Operator, TypedExpr Left, TypedExpr Right, Rate Rate, ValueType Type, Expr Syntax) : TypedExpr(Rate, Type, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => new[] { Left, Right };
}

/// <summary><c>x^y</c>, with the form it is computed in; <paramref name="WholeExponent"/> is n when the form is <see cref="PowerForm.Whole"/>.</summary>
internal sealed record TypedPower(TypedExpr Base, TypedExpr Exponent, PowerForm Form, int WholeExponent, Rate Rate, Expr Syntax) : TypedExpr(Rate, ValueType.Number, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => new[] { Base, Exponent };
}

/// <summary>A call of a function from <see cref="Functions"/> (by name: an unknown one is already an error).</summary>
internal sealed record TypedCall(string Function, EquatableArray<TypedExpr> Arguments, Rate Rate, Expr Syntax) : TypedExpr(Rate, ValueType.Number, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => Arguments;
}

/// <summary><c>if(c, a, b)</c> or <c>c ? a : b</c>; its <see cref="TypedExpr.Rate"/> covers the condition's and both branches'.</summary>
internal sealed record TypedConditional(TypedExpr Condition, TypedExpr WhenTrue, TypedExpr WhenFalse, Rate Rate, Expr Syntax) : TypedExpr(Rate, ValueType.Number, Syntax)
{
    public override IReadOnlyList<TypedExpr> Operands => new[] { Condition, WhenTrue, WhenFalse };
}

/// <summary>
/// A reduction of a per-element <paramref name="Argument"/> over its scope (<see cref="Reductions"/>);
/// its <see cref="TypedExpr.Rate"/> is the scope's, whatever the argument's. A tensor-scope reduction of a per-row
/// (per-column) value runs over the rows (columns) of each matrix: its value is one per matrix, read per row (column).
/// </summary>
internal sealed record TypedReduction(Reduction Reduction, TypedExpr Argument, Expr Syntax) : TypedExpr(ResultRate(Reduction, Argument), ValueType.Number, Syntax)
{
    /// <summary>Whether the argument is a per-row or per-column value, reduced between passes rather than accumulated in one.</summary>
    public bool IsOverLines => Reduction.Scope == ReductionScope.Tensor && Argument.Rate is Rate.PerRow or Rate.PerColumn;

    /// <summary>The rate of a reduction's value: its scope's, or, over a per-row or per-column value, that value's.</summary>
    public static Rate ResultRate(Reduction reduction, TypedExpr argument)
        => reduction.Scope == ReductionScope.Tensor && argument.Rate is Rate.PerRow or Rate.PerColumn ? argument.Rate : reduction.Rate;

    public override IReadOnlyList<TypedExpr> Operands => new[] { Argument };
}

/// <summary>
/// One checked update statement: the assigned name (null <see cref="Variable"/> for the dialect's built-in
/// output <c>w</c>) and its value; <paramref name="IsPeriodic"/> when it applies only every k steps
/// (<see cref="CheckedSpec.Period"/>), leaving its name unchanged on the other steps.
/// </summary>
internal sealed record TypedStatement(string Target, Variable? Variable, TypedExpr Value, string Text, bool IsPeriodic = false, EquationSpan TargetSpan = default);
