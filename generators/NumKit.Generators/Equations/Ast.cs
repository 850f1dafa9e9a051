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
internal abstract record Expr(EquationSpan Span);

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
/// One line: <c>name = expression</c>, or <c>init name = expression</c> to declare the value a state
/// starts from. <paramref name="Text"/> is the line as written, for comments in the generated code.
/// </summary>
internal sealed record Statement(string Target, EquationSpan TargetSpan, Expr Value, bool IsInitializer, string Text, EquationSpan Span);
