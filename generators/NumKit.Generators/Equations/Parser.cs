using System.Collections.Generic;
using System.Globalization;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Equations;

/// <summary>
/// Parses equations text into statements. Grammar, loosest binding first:
/// <code>
/// statement   = ["init" | "keep"] name "=" conditional ["every" additive]
/// conditional = comparison ["?" conditional ":" conditional]
/// comparison  = additive [("&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!=") additive]
/// additive    = term {("+" | "-") term}
/// term        = unary {("*" | "/") unary}
/// unary       = ("-" | "+") unary | power
/// power       = primary ["^" unary]          (right-associative: -x^2 is -(x^2), a^b^c is a^(b^c))
/// primary     = number | name | name "(" [conditional {"," conditional}] ")" | "(" conditional ")"
/// </code>
/// A line with a syntax error is reported and skipped, so one mistake does not hide the next.
/// </summary>
internal sealed class Parser
{
    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly List<Problem> _problems;
    private int _position;

    // Guards against pathological input: recursion depth and nodes per statement are bounded, so a
    // fuzzed spec with ten thousand '(' is a diagnostic rather than a stack overflow in the compiler.
    private const int MaxDepth = 64;
    private const int MaxNodes = 2000;
    private int _depth;
    private int _nodes;

    // The names that lines skipped for a syntax error assign, so the checker does not call them unknown.
    private readonly ISet<string>? _skippedTargets;

    private Parser(string text, List<Token> tokens, List<Problem> problems, ISet<string>? skippedTargets)
    {
        _text = text;
        _tokens = tokens;
        _problems = problems;
        _skippedTargets = skippedTargets;
    }

    /// <summary>Parses every statement; syntax problems are added to <paramref name="problems"/>.</summary>
    public static List<Statement> Parse(string text, List<Problem> problems)
        => Parse(text, problems, null);

    /// <summary>
    /// Parses every statement; syntax problems are added to <paramref name="problems"/>, and the name each
    /// skipped line assigns (a line that starts <c>name =</c>) to <paramref name="skippedTargets"/>.
    /// </summary>
    public static List<Statement> Parse(string text, List<Problem> problems, ISet<string>? skippedTargets)
    {
        List<Token> tokens = Lexer.Tokenize(text, problems);
        return new Parser(text, tokens, problems, skippedTargets).ParseStatements();
    }

    private Token Current => _tokens[_position];

    private List<Statement> ParseStatements()
    {
        var statements = new List<Statement>();
        while (Current.Kind != TokenKind.EndOfText)
        {
            if (Current.Kind == TokenKind.EndOfLine)
            {
                _position++;
                continue;
            }

            if (LineHasUnknownCharacter())
            {
                // Already reported by the lexer; parsing the rest of the line would only report its echoes.
                RecordSkippedTarget();
                SkipToEndOfLine();
                continue;
            }

            int start = _position;
            try
            {
                statements.Add(ParseStatement());
            }
            catch (SyntaxError error)
            {
                _problems.Add(error.Problem);
                _position = start;
                RecordSkippedTarget();
                SkipToEndOfLine();
            }
        }

        return statements;
    }

    // At the start of a line about to be skipped: the name it assigns, if it starts '[init] name ='.
    private void RecordSkippedTarget()
    {
        int at = Current.Kind == TokenKind.Name && Current.Text == "init" && Peek(1).Kind == TokenKind.Name ? 1 : 0;
        if (Peek(at).Kind == TokenKind.Name && Peek(at + 1).Kind == TokenKind.Assign)
        {
            _skippedTargets?.Add(Peek(at).Text);
        }
    }

    private Statement ParseStatement()
    {
        _depth = 0;
        _nodes = 0;
        Token first = Current;
        bool isInitializer = false;
        bool isKept = false;
        if (first.Kind == TokenKind.Name && first.Text == Language.Init && Peek(1).Kind == TokenKind.Name)
        {
            isInitializer = true;
            _position++;
        }
        else if (first.Kind == TokenKind.Name && first.Text == Language.Keep && Peek(1).Kind == TokenKind.Name)
        {
            isKept = true;
            _position++;
        }

        Token target = Current;
        if (target.Kind != TokenKind.Name)
        {
            throw Error(ProblemKind.MalformedStatement, target.Span, "a statement must start with the name it assigns, as in 'm = Beta1 * m + (1 - Beta1) * g'", Describe(target));
        }

        _position++;
        if (Current.Kind != TokenKind.Assign)
        {
            throw Error(ProblemKind.MalformedStatement, Current.Span, $"expected '=' after '{target.Text}'", Describe(Current));
        }

        _position++;
        Expr value = ParseConditional();
        if (Current.Kind == TokenKind.CloseParen)
        {
            throw Error(ProblemKind.UnbalancedParenthesis, Current.Span, "this ')' closes no '('");
        }

        // 'every k' after the value: the statement applies on steps k, 2k, ...; the checker decides what k may be.
        Expr? period = null;
        if (Current.Kind == TokenKind.Name && Current.Text == Language.Every)
        {
            Token every = Current;
            if (isInitializer)
            {
                throw Error(ProblemKind.MalformedStatement, every.Span, "an 'init' statement sets a state's starting value once; it cannot apply 'every' k steps", Describe(every));
            }

            _position++;
            if (Current.Kind is TokenKind.EndOfLine or TokenKind.EndOfText)
            {
                throw Error(ProblemKind.ExpectedExpression, every.Span, "'every' needs a period after it, a whole number or a hyperparameter, as in 'every SyncPeriod'");
            }

            period = ParseAdditive();
        }

        if (Current.Kind != TokenKind.EndOfLine && Current.Kind != TokenKind.EndOfText)
        {
            throw Error(ProblemKind.MalformedStatement, Current.Span, "expected the end of the statement (one statement per line)", Describe(Current));
        }

        // To the last token of the statement, so a closing parenthesis is part of the statement's text.
        EquationSpan span = EquationSpan.Cover(first.Span, _tokens[_position - 1].Span);
        return new Statement(target.Text, target.Span, value, isInitializer, _text.Substring(span.Start, span.Length), span, isKept, period);
    }

    private Expr ParseConditional()
    {
        Enter();
        Expr condition = ParseComparison();
        if (Current.Kind != TokenKind.Question)
        {
            _depth--;
            return condition;
        }

        _position++;
        Expr whenTrue = ParseConditional();
        if (Current.Kind != TokenKind.Colon)
        {
            throw Error(ProblemKind.MalformedStatement, Current.Span, "expected ':' in 'condition ? a : b'", Describe(Current));
        }

        _position++;
        Expr whenFalse = ParseConditional();
        _depth--;
        return new ConditionalExpr(condition, whenTrue, whenFalse, EquationSpan.Cover(condition.Span, whenFalse.Span));
    }

    private void Enter()
    {
        if (++_depth > MaxDepth || ++_nodes > MaxNodes)
        {
            throw Error(ProblemKind.MalformedStatement, Current.Span, $"the statement nests deeper than {MaxDepth} levels or has more than {MaxNodes} parts; split it into temporaries", Describe(Current));
        }
    }

    private Expr ParseComparison()
    {
        Expr left = ParseAdditive();
        BinaryOperator? op = Current.Kind switch
        {
            TokenKind.Less => BinaryOperator.Less,
            TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
            TokenKind.Greater => BinaryOperator.Greater,
            TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
            TokenKind.Equal => BinaryOperator.Equal,
            TokenKind.NotEqual => BinaryOperator.NotEqual,
            _ => null,
        };
        if (op is null)
        {
            return left;
        }

        _position++;
        Expr right = ParseAdditive();
        return new BinaryExpr(op.Value, left, right, EquationSpan.Cover(left.Span, right.Span));
    }

    private Expr ParseAdditive()
    {
        Expr left = ParseTerm();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            BinaryOperator op = Current.Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            _position++;
            Enter();
            _depth--;
            Expr right = ParseTerm();
            left = new BinaryExpr(op, left, right, EquationSpan.Cover(left.Span, right.Span));
        }

        return left;
    }

    private Expr ParseTerm()
    {
        Expr left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash)
        {
            BinaryOperator op = Current.Kind == TokenKind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide;
            _position++;
            Enter();
            _depth--;
            Expr right = ParseUnary();
            left = new BinaryExpr(op, left, right, EquationSpan.Cover(left.Span, right.Span));
        }

        return left;
    }

    private Expr ParseUnary()
    {
        Token token = Current;
        if (token.Kind is TokenKind.Minus or TokenKind.Plus)
        {
            _position++;
            Enter();
            Expr operand = ParseUnary();
            _depth--;
            return token.Kind == TokenKind.Plus
                ? operand
                : new NegateExpr(operand, EquationSpan.Cover(token.Span, operand.Span));
        }

        return ParsePower();
    }

    private Expr ParsePower()
    {
        Expr left = ParsePrimary();
        if (Current.Kind != TokenKind.Caret)
        {
            return left;
        }

        _position++;
        Enter();
        Expr right = ParseUnary();
        _depth--;
        return new BinaryExpr(BinaryOperator.Power, left, right, EquationSpan.Cover(left.Span, right.Span));
    }

    private Expr ParsePrimary()
    {
        Token token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _position++;
                if (!double.TryParse(token.Text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value))
                {
                    throw Error(ProblemKind.InvalidNumber, token.Span, token.Text, string.Empty);
                }

                // The kernels run in float too: a literal must be a finite float, and not 0 unless it is written as 0.
                if (double.IsInfinity(value) || System.Math.Abs(value) > float.MaxValue)
                {
                    throw Error(ProblemKind.InvalidNumber, token.Span, token.Text, ": it is beyond the largest float (about 3.4e38), so it would be infinity");
                }

                if ((value == 0 && WritesNonZeroDigit(token.Text)) || (value != 0 && (float)value == 0))
                {
                    throw Error(ProblemKind.InvalidNumber, token.Span, token.Text, ": it is below the smallest float (about 1.4e-45), so it would be 0");
                }

                return new NumberExpr(value, token.Text, token.Span);

            case TokenKind.Name when Peek(1).Kind == TokenKind.OpenParen:
                return ParseCall();

            case TokenKind.Name:
                _position++;
                return new NameExpr(token.Text, token.Span);

            case TokenKind.OpenParen:
                _position++;
                Expr inner = ParseConditional();
                if (Current.Kind != TokenKind.CloseParen)
                {
                    throw UnclosedParenthesis(token);
                }

                _position++;
                return inner;

            default:
                throw ExpectedExpression(token);
        }
    }

    private Expr ParseCall()
    {
        Token name = Current;
        Token open = Peek(1);
        _position += 2;
        var arguments = new List<Expr>();
        if (Current.Kind != TokenKind.CloseParen)
        {
            arguments.Add(ParseConditional());
            while (Current.Kind == TokenKind.Comma)
            {
                _position++;
                arguments.Add(ParseConditional());
            }
        }

        if (Current.Kind != TokenKind.CloseParen)
        {
            throw UnclosedParenthesis(open);
        }

        Token close = Current;
        _position++;
        EquationSpan span = EquationSpan.Cover(name.Span, close.Span);
        return name.Text == Functions.Conditional && arguments.Count == 3
            ? new ConditionalExpr(arguments[0], arguments[1], arguments[2], span)
            : new CallExpr(name.Text, name.Span, arguments.ToEquatableArray(), span);
    }

    private SyntaxError UnclosedParenthesis(Token open)
    {
        // At the end of the line the '(' is what needs fixing; elsewhere the stray token is.
        return Current.Kind is TokenKind.EndOfLine or TokenKind.EndOfText
            ? Error(ProblemKind.UnbalancedParenthesis, open.Span, "this '(' is never closed")
            : Error(ProblemKind.MalformedStatement, Current.Span, "expected ')' or ','", Describe(Current));
    }

    private SyntaxError ExpectedExpression(Token token)
    {
        // Point at what stands where an operand should be; at the end of a line, at the operator left dangling.
        if (token.Kind is TokenKind.EndOfLine or TokenKind.EndOfText && _position > 0)
        {
            Token previous = _tokens[_position - 1];
            return Error(ProblemKind.ExpectedExpression, previous.Span, $"'{previous.Text}' needs an operand after it");
        }

        return Error(ProblemKind.ExpectedExpression, token.Span, $"expected a number, a name or '(' but found {Describe(token)}");
    }

    private bool LineHasUnknownCharacter()
    {
        for (int i = _position; _tokens[i].Kind is not (TokenKind.EndOfLine or TokenKind.EndOfText); i++)
        {
            if (_tokens[i].Kind == TokenKind.Unknown)
            {
                return true;
            }
        }

        return false;
    }

    // Whether a number's digits before its exponent include one that is not 0.
    private static bool WritesNonZeroDigit(string text)
    {
        foreach (char c in text)
        {
            if (c is 'e' or 'E')
            {
                break;
            }

            if (c is >= '1' and <= '9')
            {
                return true;
            }
        }

        return false;
    }

    private Token Peek(int offset) => _tokens[System.Math.Min(_position + offset, _tokens.Count - 1)];

    private void SkipToEndOfLine()
    {
        while (Current.Kind is not (TokenKind.EndOfLine or TokenKind.EndOfText))
        {
            _position++;
        }
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.EndOfLine or TokenKind.EndOfText => "the end of the line",
        _ => $"'{token.Text}'",
    };

    private static SyntaxError Error(ProblemKind kind, EquationSpan span, params string[] arguments)
        => new(Problem.Create(kind, span, arguments));

    /// <summary>Unwinds the parse of one line; caught per line, never escapes the parser.</summary>
    private sealed class SyntaxError : System.Exception
    {
        public SyntaxError(Problem problem) => Problem = problem;

        public Problem Problem { get; }
    }
}
