using System.Text;

namespace NumKit.Generators.Emit;

/// <summary>Writes generated C# line by line with four-space indentation and '\n' line endings, whatever the OS.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4).Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents what follows.</summary>
    public IndentedWriter Open()
    {
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> (with <paramref name="suffix"/>, such as ";").</summary>
    public IndentedWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public IndentedWriter Indent()
    {
        _indent++;
        return this;
    }

    public IndentedWriter Unindent()
    {
        _indent--;
        return this;
    }

    public override string ToString() => _builder.ToString();
}
