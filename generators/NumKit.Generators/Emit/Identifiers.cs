using System.Collections.Generic;

namespace NumKit.Generators.Emit;

/// <summary>
/// Hands out C# identifiers for a generated kernel: equation names stay as written where C# allows,
/// and the kernel's own names (loop index, spans, hoisted values) never collide with them.
/// </summary>
internal sealed class Identifiers
{
    private static readonly HashSet<string> s_keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        // Contextual keywords that would read badly or mean something else as locals.
        "var", "dynamic", "nameof", "value", "await", "yield", "record", "scoped", "file", "required", "managed", "unmanaged",
    };

    // The names the kernel's own code uses; an equation name equal to one of them gets a trailing '_'.
    private static readonly HashSet<string> s_kernelNames = new()
    {
        "rule", "index", "length", "perStep", "T", "V", "TVector", "at", "state", "stateStride", "scalarState", "global", "System", "NumKit",
    };

    private readonly HashSet<string> _taken = new();
    private readonly Dictionary<string, string> _byEquationName = new();

    /// <summary>Hands out identifiers that also avoid <paramref name="reserved"/> (such as renamed type parameters).</summary>
    public Identifiers(IEnumerable<string>? reserved = null)
    {
        if (reserved is not null)
        {
            _taken.UnionWith(reserved);
        }
    }

    /// <summary>The identifier for an equation name (or a built-in): the name itself unless C# or the kernel needs it.</summary>
    public string ForEquationName(string name)
    {
        if (!_byEquationName.TryGetValue(name, out string? identifier))
        {
            identifier = Fresh(name);
            _byEquationName[name] = identifier;
        }

        return identifier;
    }

    /// <summary>A fresh identifier based on <paramref name="preferred"/>, distinct from every one handed out so far.</summary>
    public string Fresh(string preferred)
    {
        string identifier = s_keywords.Contains(preferred) ? "@" + preferred : preferred;
        while (_taken.Contains(identifier) || s_kernelNames.Contains(identifier))
        {
            identifier += "_";
        }

        _taken.Add(identifier);
        return identifier;
    }
}
