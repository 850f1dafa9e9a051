using System.Globalization;
using System.Linq;
using System.Text;
using NumKit.Generators.Equations;
using NumKit.Generators.Model;

namespace NumKit.Generators.Emit;

/// <summary>
/// Prints a plan expression as C#: per-step expressions as double arithmetic, per-element ones as
/// calls of the kernel's operations <c>V</c> on its blocks (<c>V.Add(a, b)</c>), nested as the tree is.
/// Parentheses and calls follow the tree exactly, so C# evaluates in the order the equations were
/// written (a + b + c stays (a + b) + c).
/// </summary>
internal sealed class CSharpExpression
{
    private readonly PlanNames _names;
    private readonly bool _vector;
    private readonly bool _initializer;

    private CSharpExpression(PlanNames names, bool vector, bool initializer)
    {
        _names = names;
        _vector = vector;
        _initializer = initializer;
    }

    /// <summary>Prints a per-step expression in double precision, inside the kernel (hyperparameters are its double locals).</summary>
    public static string Scalar(PlanExpr expr, PlanNames names) => new CSharpExpression(names, false, false).Print(expr);

    /// <summary>Prints a state's initial value, in an instance member of the rule (hyperparameters are its properties).</summary>
    public static string Initializer(PlanExpr expr, PlanNames names) => new CSharpExpression(names, false, true).Print(expr);

    /// <summary>Prints a per-element expression over <c>V</c>.</summary>
    public static string Vector(PlanExpr expr, PlanNames names) => new CSharpExpression(names, true, false).Print(expr);

    /// <summary>A double literal that C# reads back as the same double.</summary>
    public static string Literal(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    private string Print(PlanExpr expr)
    {
        var builder = new StringBuilder();
        Print(builder, expr, 0);
        return builder.ToString();
    }

    // C# precedence, loosest first: ?: (1), equality (2), relational (3), additive (4), multiplicative (5), unary (6), primary (7).
    private int Precedence(PlanExpr expr) => expr switch
    {
        PlanChoose => 1,
        // Per element, every other operation is a call: primary.
        _ when _vector => 7,
        PlanBinary { Operator: BinaryOperator.Equal or BinaryOperator.NotEqual } => 2,
        PlanBinary { Operator: >= BinaryOperator.Less } => 3,
        PlanBinary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 4,
        PlanBinary { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => 5,
        PlanNegate => 6,
        _ => 7,
    };

    private void Print(StringBuilder builder, PlanExpr expr, int context)
    {
        int precedence = Precedence(expr);
        bool parenthesize = precedence < context;
        if (parenthesize)
        {
            builder.Append('(');
        }

        switch (expr)
        {
            case PlanConstant constant:
                builder.Append(Literal(constant.Value));
                break;
            case PlanHyperparameter hyperparameter:
                builder.Append(_initializer ? "(double)this." + hyperparameter.Name : _names.Of(hyperparameter.Name));
                break;
            case PlanStepNumber step:
                builder.Append("(double)").Append(_names.Of(step.Name));
                break;
            case PlanStepValue value:
                builder.Append(_names.Of(value));
                break;
            case PlanHoisted hoisted:
                builder.Append(_names.Hoisted(hoisted.Index));
                break;
            case PlanDue:
                builder.Append(_names.Due);
                break;
            case PlanReductionValue reduction:
                builder.Append(_names.Reduction(reduction.Index));
                break;
            case PlanElementValue value:
                builder.Append(_names.Of(value.Name));
                break;
            case PlanMatrixValue value:
                builder.Append(_names.MatrixValue(value.Column, value.Slot));
                break;
            case PlanTensorRank:
                builder.Append(_names.Of(Language.Rank));
                break;
            case PlanNegate negate when _vector:
                Call(builder, "V.Negate", negate.Operand);
                break;
            case PlanNegate negate:
                builder.Append('-');
                // "- -x" must not become the decrement operator "--x".
                if (negate.Operand is PlanNegate)
                {
                    builder.Append(' ');
                }

                Print(builder, negate.Operand, precedence);
                break;
            case PlanBinary binary when _vector:
                Call(builder, "V." + VectorOperation(binary.Operator), binary.Left, binary.Right);
                break;
            case PlanBinary binary:
                // Left-associative: the left operand may share the operator's precedence, the right may not.
                Print(builder, binary.Left, precedence);
                builder.Append(' ').Append(Printer.Symbol(binary.Operator)).Append(' ');
                Print(builder, binary.Right, precedence + 1);
                break;
            case PlanPower power:
                Call(builder, _vector ? "V.Pow" : "double.Pow", power.Base, power.Exponent);
                break;
            case PlanIntegerPower power when power.Exponent is 2 or 3 && power.Base is PlanElementValue or PlanHoisted:
                // A small power of a name is the product it is: g^2 is g * g, (g * g) * g for g^3.
                string name = power.Base is PlanElementValue element ? _names.Of(element.Name) : _names.Hoisted(((PlanHoisted)power.Base).Index);
                string product = "V.Multiply(" + name + ", " + name + ")";
                builder.Append(power.Exponent == 2 ? product : "V.Multiply(" + product + ", " + name + ")");
                break;
            case PlanIntegerPower power:
                builder.Append("V.Power(");
                Print(builder, power.Base, 0);
                builder.Append(", ").Append(power.Exponent.ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            case PlanCall call:
                Function function = Functions.Get(call.Function);
                Call(builder, _vector ? function.VectorForm : function.ScalarForm, call.Arguments.ToArray());
                break;
            case PlanSelect select:
                Call(builder, "V.Select", select.Mask, select.WhenTrue, select.WhenFalse);
                break;
            case PlanChoose choose:
                Print(builder, choose.Condition, 2);
                builder.Append(" ? ");
                Print(builder, choose.WhenTrue, 1);
                builder.Append(" : ");
                Print(builder, choose.WhenFalse, 1);
                break;
        }

        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    private void Call(StringBuilder builder, string function, params PlanExpr[] arguments)
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

    private static string VectorOperation(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "Add",
        BinaryOperator.Subtract => "Subtract",
        BinaryOperator.Multiply => "Multiply",
        BinaryOperator.Divide => "Divide",
        BinaryOperator.Less => "LessThan",
        BinaryOperator.LessOrEqual => "LessThanOrEqual",
        BinaryOperator.Greater => "GreaterThan",
        BinaryOperator.GreaterOrEqual => "GreaterThanOrEqual",
        BinaryOperator.Equal => "Equal",
        _ => "NotEqual",
    };
}
