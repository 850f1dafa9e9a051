using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NumKit.Generators.Helpers;

/// <summary>
/// Maps a character of a string literal's value back to where it is written in the source, through
/// escapes, verbatim quotes and the indentation a raw string literal strips — so a diagnostic can
/// underline the exact characters of an equation.
/// </summary>
internal sealed class StringLiteralMap
{
    private readonly int _tokenStart;
    private readonly int[] _offsets; // value index -> offset in the token's text; one extra for the end

    private StringLiteralMap(int tokenStart, int[] offsets)
    {
        _tokenStart = tokenStart;
        _offsets = offsets;
    }

    /// <summary>The map for <paramref name="token"/>, or null if it is not a literal this can map exactly.</summary>
    public static StringLiteralMap? Create(SyntaxToken token)
    {
        string text = token.Text;
        string value = token.ValueText;
        List<int>? offsets = token.Kind() switch
        {
            SyntaxKind.StringLiteralToken when text.StartsWith("@", System.StringComparison.Ordinal) => Verbatim(text),
            SyntaxKind.StringLiteralToken => Regular(text),
            SyntaxKind.SingleLineRawStringLiteralToken => SingleLineRaw(text),
            SyntaxKind.MultiLineRawStringLiteralToken => MultiLineRaw(text, value),
            _ => null,
        };

        // Only trust a map that accounts for every character of the value.
        if (offsets is null || offsets.Count != value.Length + 1)
        {
            return null;
        }

        return new StringLiteralMap(token.SpanStart, offsets.ToArray());
    }

    /// <summary>The source span of value characters [start, start + length): from the first one's source to just past the last one's.</summary>
    public TextSpan Map(int start, int length)
    {
        int from = _tokenStart + _offsets[Clamp(start)];
        int to = length <= 0 ? from : _tokenStart + _offsets[Clamp(start + length - 1)] + 1;
        return TextSpan.FromBounds(from, System.Math.Max(from, to));
    }

    private int Clamp(int index) => index < 0 ? 0 : index >= _offsets.Length ? _offsets.Length - 1 : index;

    private static List<int> Regular(string text)
    {
        var offsets = new List<int>();
        int i = 1;
        int end = text.Length - 1;
        while (i < end)
        {
            int start = i;
            if (text[i] != '\\')
            {
                offsets.Add(i++);
                continue;
            }

            char kind = i + 1 < end ? text[i + 1] : '\0';
            int produced = 1;
            switch (kind)
            {
                case 'x':
                    i += 2;
                    for (int digits = 0; digits < 4 && i < end && System.Uri.IsHexDigit(text[i]); digits++)
                    {
                        i++;
                    }

                    break;
                case 'u':
                    i += 6;
                    break;
                case 'U':
                    int code = 0;
                    bool parsed = i + 10 <= end && int.TryParse(text.Substring(i + 2, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out code);
                    produced = parsed && code > 0xFFFF ? 2 : 1;
                    i += 10;
                    break;
                default:
                    i += 2;
                    break;
            }

            for (int k = 0; k < produced; k++)
            {
                offsets.Add(start);
            }
        }

        offsets.Add(end);
        return offsets;
    }

    private static List<int> Verbatim(string text)
    {
        var offsets = new List<int>();
        int i = 2;
        int end = text.Length - 1;
        while (i < end)
        {
            offsets.Add(i);
            i += text[i] == '"' ? 2 : 1;
        }

        offsets.Add(end);
        return offsets;
    }

    private static List<int> SingleLineRaw(string text)
    {
        int quotes = 0;
        while (quotes < text.Length && text[quotes] == '"')
        {
            quotes++;
        }

        var offsets = new List<int>();
        for (int i = quotes; i <= text.Length - quotes; i++)
        {
            offsets.Add(i);
        }

        return offsets;
    }

    // """ newline, content lines each with the closing line's indentation removed, newline, indentation """.
    private static List<int>? MultiLineRaw(string text, string value)
    {
        int quotes = 0;
        while (quotes < text.Length && text[quotes] == '"')
        {
            quotes++;
        }

        int closingLineStart = text.LastIndexOf('\n', text.Length - quotes - 1) + 1;
        int indentation = text.Length - quotes - closingLineStart;
        int contentStart = text.IndexOf('\n', quotes) + 1;
        if (contentStart <= 0 || closingLineStart <= contentStart)
        {
            return null;
        }

        // The newline that ends the last content line belongs to the delimiter, not the value.
        int contentEnd = closingLineStart - 1;
        if (contentEnd > contentStart && text[contentEnd - 1] == '\r')
        {
            contentEnd--;
        }

        var offsets = new List<int>();
        var rebuilt = new System.Text.StringBuilder();
        int lineStart = contentStart;
        while (lineStart <= contentEnd)
        {
            int lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0 || lineEnd > contentEnd)
            {
                lineEnd = contentEnd;
            }

            int contentOfLine = lineEnd;
            if (contentOfLine > lineStart && text[contentOfLine - 1] == '\r' && lineEnd != contentEnd)
            {
                contentOfLine--;
            }

            // Whitespace-only lines may be shorter than the indentation; they contribute nothing before their newline.
            int skip = System.Math.Min(indentation, contentOfLine - lineStart);
            for (int i = lineStart + skip; i < lineEnd; i++)
            {
                offsets.Add(i);
                rebuilt.Append(text[i]);
            }

            if (lineEnd == contentEnd)
            {
                break;
            }

            offsets.Add(lineEnd);
            rebuilt.Append('\n');
            lineStart = lineEnd + 1;
        }

        offsets.Add(contentEnd);
        return rebuilt.ToString() == value ? offsets : null;
    }
}
