using System.Collections.Generic;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Equations;

/// <summary>The binary operators, comparisons included.</summary>
internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

/// <summary>An expression of the equation language. Records, so two trees compare by content.</summary>
internal abstract record Expr(EquationSpan Span)
{
    /// <summary>This node and every node below it, parents before children, left to right. Iterative, so deep trees are safe.</summary>
    public IEnumerable<Expr> DescendantsAndSelf()
    {
        var stack = new Stack<Expr>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            Expr node = stack.Pop();
            yield return node;
            switch (node)
            {
                case NegateExpr negate:
                    stack.Push(negate.Operand);
                    break;
                case BinaryExpr binary:
                    stack.Push(binary.Right);
                    stack.Push(binary.Left);
                    break;
                case CallExpr call:
                    for (int i = call.Arguments.Count - 1; i >= 0; i--)
                    {
                        stack.Push(call.Arguments[i]);
                    }

                    break;
                case ConditionalExpr conditional:
                    stack.Push(conditional.WhenFalse);
                    stack.Push(conditional.WhenTrue);
                    stack.Push(conditional.Condition);
                    break;
            }
        }
    }
}

/// <summary>A number literal, with its text as written.</summary>
internal sealed record NumberExpr(double Value, string Text, EquationSpan Span) : Expr(Span);

/// <summary>A name: a built-in, a hyperparameter, a state or a temporary.</summary>
internal sealed record NameExpr(string Name, EquationSpan Span) : Expr(Span);

/// <summary>Unary minus (unary plus is dropped by the parser).</summary>
internal sealed record NegateExpr(Expr Operand, EquationSpan Span) : Expr(Span);

/// <summary>An arithmetic operator or a comparison.</summary>
internal sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right, EquationSpan Span) : Expr(Span);

/// <summary>A call of a built-in function, such as sqrt(v) or min(a, b).</summary>
internal sealed record CallExpr(string Function, EquationSpan NameSpan, EquatableArray<Expr> Arguments, EquationSpan Span) : Expr(Span);

/// <summary><c>if(c, a, b)</c> or <c>c ? a : b</c>.</summary>
internal sealed record ConditionalExpr(Expr Condition, Expr WhenTrue, Expr WhenFalse, EquationSpan Span) : Expr(Span);

/// <summary>
/// One line: <c>name = expression</c>; <c>init name = expression</c> to declare the value a state
/// starts from; or <c>keep name = expression</c>, an update whose state is a result kept for the
/// caller (ASGD's averaged iterate), which need not feed the output. An update may end with
/// <c>every k</c> (<paramref name="Period"/> is k): it applies on steps k, 2k, 3k, ... and leaves its
/// name as it was on the others. <paramref name="Text"/> is the line as written, for comments in the
/// generated code.
/// </summary>
internal sealed record Statement(string Target, EquationSpan TargetSpan, Expr Value, bool IsInitializer, string Text, EquationSpan Span, bool IsKept = false, Expr? Period = null)
{
    /// <summary>Whether the statement applies only on a schedule of steps (<c>every k</c>).</summary>
    public bool IsPeriodic => Period is not null;
}
