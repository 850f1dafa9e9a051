using System.Linq;
using System.Text;

namespace NumKit.Generators.Equations;

/// <summary>
/// Prints an expression back in the equation language with the fewest parentheses that keep its
/// tree: <c>Parse(Print(e))</c> gives <c>e</c> again (spans aside).
/// </summary>
internal static class Printer
{
    public static string Print(Expr expr)
    {
        var builder = new StringBuilder();
        Print(builder, expr, 0);
        return builder.ToString();
    }

    public static string Print(Statement statement)
        => (statement.IsInitializer ? Language.Init + " " : statement.IsKept ? Language.Keep + " " : string.Empty) + statement.Target + " = " + Print(statement.Value);

    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Power => "^",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "==",
        _ => "!=",
    };

    /// <summary>Binding strength, loosest first, as the parser's grammar has it.</summary>
    public static int Precedence(Expr expr) => expr switch
    {
        BinaryExpr { Operator: >= BinaryOperator.Less } => 2,
        BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 3,
        BinaryExpr { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => 4,
        NegateExpr => 5,
        BinaryExpr { Operator: BinaryOperator.Power } => 6,
        _ => 7,
    };

    private static void Print(StringBuilder builder, Expr expr, int context)
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
                builder.Append(number.Text);
                break;
            case NameExpr name:
                builder.Append(name.Name);
                break;
            case NegateExpr negate:
                builder.Append('-');
                Print(builder, negate.Operand, precedence);
                break;
            case BinaryExpr { Operator: BinaryOperator.Power } power:
                // Right-associative: a^b^c is a^(b^c), so the left operand needs the tighter context.
                Print(builder, power.Left, precedence + 1);
                builder.Append('^');
                Print(builder, power.Right, NegateContext(power.Right, precedence));
                break;
            case BinaryExpr binary:
                // Left-associative: a - b - c keeps its tree; a - (b - c) keeps its parentheses.
                Print(builder, binary.Left, binary.Operator >= BinaryOperator.Less ? precedence + 1 : precedence);
                builder.Append(' ').Append(Symbol(binary.Operator)).Append(' ');
                Print(builder, binary.Right, precedence + 1);
                break;
            case CallExpr call:
                builder.Append(call.Function).Append('(');
                AppendArguments(builder, call.Arguments.ToArray());
                builder.Append(')');
                break;
            case ConditionalExpr conditional:
                builder.Append("if(");
                AppendArguments(builder, conditional.Condition, conditional.WhenTrue, conditional.WhenFalse);
                builder.Append(')');
                break;
        }

        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    // The exponent of '^' is parsed as a unary expression, so a negation needs no parentheses there.
    private static int NegateContext(Expr exponent, int powerPrecedence) => exponent is NegateExpr ? 5 : powerPrecedence;

    private static void AppendArguments(StringBuilder builder, params Expr[] arguments)
    {
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Print(builder, arguments[i], 0);
        }
    }
}
