namespace NumKit.Generators.Equations;

/// <summary>The kinds of token the equation language has.</summary>
internal enum TokenKind
{
    Name,
    Number,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    OpenParen,
    CloseParen,
    Comma,
    Assign,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    Question,
    Colon,
    EndOfLine,

    /// <summary>A character the language does not know; already reported by the lexer.</summary>
    Unknown,
    EndOfText,
}

/// <summary>One token: its kind, its text and where it is.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, EquationSpan Span);
