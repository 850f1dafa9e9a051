using System.Collections.Generic;

namespace NumKit.Generators.Equations;

/// <summary>
/// Splits equations text into tokens. Statements end at line breaks (or ';'); '#' starts a comment
/// that runs to the end of the line. An unknown character is reported and skipped.
/// </summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text, List<Problem> problems)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n' || c == ';')
            {
                tokens.Add(new Token(TokenKind.EndOfLine, c.ToString(), new EquationSpan(i, 1)));
                i++;
            }
            else if (c == ' ' || c == '\t' || c == '\r')
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (IsNameStart(c))
            {
                int start = i;
                while (i < text.Length && IsNamePart(text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, text.Substring(start, i - start), new EquationSpan(start, i - start)));
            }
            else if (IsDigit(c) || (c == '.' && i + 1 < text.Length && IsDigit(text[i + 1])))
            {
                int start = i;
                i = ScanNumber(text, i);
                tokens.Add(new Token(TokenKind.Number, text.Substring(start, i - start), new EquationSpan(start, i - start)));
            }
            else if (TryOperator(text, i, out TokenKind kind, out int length))
            {
                tokens.Add(new Token(kind, text.Substring(i, length), new EquationSpan(i, length)));
                i += length;
            }
            else
            {
                problems.Add(Problem.Create(ProblemKind.UnknownCharacter, new EquationSpan(i, 1), Describe(c)));
                tokens.Add(new Token(TokenKind.Unknown, c.ToString(), new EquationSpan(i, 1)));
                i++;
            }
        }

        tokens.Add(new Token(TokenKind.EndOfText, string.Empty, new EquationSpan(text.Length, 0)));
        return tokens;
    }

    // digits [. digits] [(e|E) [+|-] digits]; a malformed exponent is left for the parser to reject as a number.
    private static int ScanNumber(string text, int i)
    {
        while (i < text.Length && IsDigit(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int exponent = i + 1;
            if (exponent < text.Length && (text[exponent] == '+' || text[exponent] == '-'))
            {
                exponent++;
            }

            if (exponent < text.Length && IsDigit(text[exponent]))
            {
                i = exponent;
                while (i < text.Length && IsDigit(text[i]))
                {
                    i++;
                }
            }
            else
            {
                // "1e" or "2e+": take the letters so the parser reports one bad number, not a number and a name.
                i = exponent;
            }
        }

        // "1.5x" or "3abc": a number glued to letters is one malformed number.
        while (i < text.Length && IsNamePart(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool TryOperator(string text, int i, out TokenKind kind, out int length)
    {
        char c = text[i];
        char next = i + 1 < text.Length ? text[i + 1] : '\0';
        length = 1;
        switch (c)
        {
            case '+': kind = TokenKind.Plus; return true;
            case '-': kind = TokenKind.Minus; return true;
            case '*': kind = TokenKind.Star; return true;
            case '/': kind = TokenKind.Slash; return true;
            case '^': kind = TokenKind.Caret; return true;
            case '(': kind = TokenKind.OpenParen; return true;
            case ')': kind = TokenKind.CloseParen; return true;
            case ',': kind = TokenKind.Comma; return true;
            case '?': kind = TokenKind.Question; return true;
            case ':': kind = TokenKind.Colon; return true;
            case '<':
                kind = next == '=' ? TokenKind.LessOrEqual : TokenKind.Less;
                length = next == '=' ? 2 : 1;
                return true;
            case '>':
                kind = next == '=' ? TokenKind.GreaterOrEqual : TokenKind.Greater;
                length = next == '=' ? 2 : 1;
                return true;
            case '=':
                kind = next == '=' ? TokenKind.Equal : TokenKind.Assign;
                length = next == '=' ? 2 : 1;
                return true;
            case '!' when next == '=':
                kind = TokenKind.NotEqual;
                length = 2;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    private static string Describe(char c)
        => c < ' ' || c > '~' ? $"U+{(int)c:X4}" : c.ToString();

    internal static bool IsNameStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    internal static bool IsNamePart(char c) => IsNameStart(c) || IsDigit(c);

    private static bool IsDigit(char c) => c >= '0' && c <= '9';
}
