using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NumKit.Generators.Equations;

namespace NumKit.Generators.Emit;

/// <summary>
/// Prints a lowered equation tree as C#: per-step trees as double arithmetic, per-element trees as
/// calls of the kernel's operations <c>V</c> on its blocks (<c>V.Add(a, b)</c>), nested as the tree is.
/// Parentheses and calls follow the tree exactly, so C# evaluates in the order the equations were
/// written (a + b + c stays (a + b) + c).
/// </summary>
internal sealed class CSharpExpression
{
    private readonly bool _vector;
    private readonly HashSet<string> _perStepConditions;

    private CSharpExpression(bool vector, HashSet<string> perStepConditions)
    {
        _vector = vector;
        _perStepConditions = perStepConditions;
    }

    /// <summary>Prints a per-step tree in double precision.</summary>
    public static string Scalar(Expr expr) => new CSharpExpression(false, new HashSet<string>()).Print(expr);

    /// <summary>Prints a per-element tree over <c>V</c>; <paramref name="perStepConditions"/> name the hoisted bools.</summary>
    public static string Vector(Expr expr, HashSet<string> perStepConditions) => new CSharpExpression(true, perStepConditions).Print(expr);

    /// <summary>A double literal that C# reads back as the same double.</summary>
    public static string Literal(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    private string Print(Expr expr)
    {
        var builder = new StringBuilder();
        Print(builder, expr, 0);
        return builder.ToString();
    }

    // C# precedence, loosest first: ?: (1), equality (2), relational (3), additive (4), multiplicative (5), unary (6), primary (7).
    private int Precedence(Expr expr) => expr switch
    {
        // Per element, every operation is a call: primary.
        BinaryExpr or NegateExpr when _vector => 7,
        ConditionalExpr when !IsMask(expr) => 1,
        BinaryExpr { Operator: BinaryOperator.Equal or BinaryOperator.NotEqual } when !_vector => 2,
        BinaryExpr { Operator: >= BinaryOperator.Less } when !_vector => 3,
        BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 4,
        BinaryExpr { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => 5,
        NegateExpr => 6,
        _ => 7,
    };

    private bool IsMask(Expr expr) => _vector && expr is ConditionalExpr conditional && !IsPerStepCondition(conditional.Condition);

    private bool IsPerStepCondition(Expr condition) => condition is NameExpr name && _perStepConditions.Contains(name.Name);

    private void Print(StringBuilder builder, Expr expr, int context)
    {
        int precedence = Precedence(expr);
        bool parenthesize = precedence < context;
        if (parenthesize)
        {
            builder.Append('(');
        }

        switch (expr)
        {
            case NumberExpr number:
                builder.Append(Literal(number.Value));
                break;
            case NameExpr name:
                builder.Append(name.Name);
                break;
            case NegateExpr negate when _vector:
                Call(builder, "V.Negate", negate.Operand);
                break;
            case NegateExpr negate:
                builder.Append('-');
                // "- -x" must not become the decrement operator "--x".
                if (negate.Operand is NegateExpr)
                {
                    builder.Append(' ');
                }

                Print(builder, negate.Operand, precedence);
                break;
            case BinaryExpr { Operator: BinaryOperator.Power } power:
                PrintPower(builder, power);
                break;
            case BinaryExpr binary when binary.Operator >= BinaryOperator.Less && _vector:
                Call(builder, "V." + VectorComparison(binary.Operator), binary.Left, binary.Right);
                break;
            case BinaryExpr binary when _vector:
                Call(builder, "V." + VectorArithmetic(binary.Operator), binary.Left, binary.Right);
                break;
            case BinaryExpr binary:
                // Left-associative: the left operand may share the operator's precedence, the right may not.
                Print(builder, binary.Left, precedence);
                builder.Append(' ').Append(Printer.Symbol(binary.Operator)).Append(' ');
                Print(builder, binary.Right, precedence + 1);
                break;
            case CallExpr call:
                Call(builder, FunctionName(call.Function), call.Arguments.ToArray());
                break;
            case ConditionalExpr conditional when IsMask(conditional):
                Call(builder, "V.Select", conditional.Condition, conditional.WhenTrue, conditional.WhenFalse);
                break;
            case ConditionalExpr conditional:
                Print(builder, conditional.Condition, 2);
                builder.Append(" ? ");
                Print(builder, conditional.WhenTrue, 1);
                builder.Append(" : ");
                Print(builder, conditional.WhenFalse, 1);
                break;
        }

        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    private void PrintPower(StringBuilder builder, BinaryExpr power)
    {
        if (!_vector)
        {
            Call(builder, "double.Pow", power.Left, power.Right);
        }
        else if (power.Right is NumberExpr { Value: 2 or 3 } exponent && power.Left is NameExpr name)
        {
            // A small power of a name is the product it is: g^2 is g * g, (g * g) * g for g^3.
            string product = "V.Multiply(" + name.Name + ", " + name.Name + ")";
            builder.Append(exponent.Value == 2 ? product : "V.Multiply(" + product + ", " + name.Name + ")");
        }
        else if (power.Right is NumberExpr whole)
        {
            builder.Append("V.Power(");
            Print(builder, power.Left, 0);
            builder.Append(", ").Append(((int)whole.Value).ToString(CultureInfo.InvariantCulture)).Append(')');
        }
        else
        {
            Call(builder, "V.Pow", power.Left, power.Right);
        }
    }

    private void Call(StringBuilder builder, string function, params Expr[] arguments)
    {
        builder.Append(function).Append('(');
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Print(builder, arguments[i], 0);
        }

        builder.Append(')');
    }

    private string FunctionName(string function)
    {
        if (_vector)
        {
            return "V." + char.ToUpperInvariant(function[0]) + function.Substring(1);
        }

        return function switch
        {
            "sqrt" or "abs" or "exp" or "log" or "floor" or "cos" => "double." + char.ToUpperInvariant(function[0]) + function.Substring(1),
            // Not Math.Min/Max/Clamp/Sign: these agree with the vector forms on NaN and never throw.
            _ => "global::NumKit.Kernels.SimdMath." + char.ToUpperInvariant(function[0]) + function.Substring(1),
        };
    }

    private static string VectorArithmetic(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "Add",
        BinaryOperator.Subtract => "Subtract",
        BinaryOperator.Multiply => "Multiply",
        _ => "Divide",
    };

    private static string VectorComparison(BinaryOperator op) => op switch
    {
        BinaryOperator.Less => "LessThan",
        BinaryOperator.LessOrEqual => "LessThanOrEqual",
        BinaryOperator.Greater => "GreaterThan",
        BinaryOperator.GreaterOrEqual => "GreaterThanOrEqual",
        BinaryOperator.Equal => "Equal",
        _ => "NotEqual",
    };
}
