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

    // The locals and parameters the multi-pass kernels declare (some through Fresh, some as written), and the
    // families they number (columnSums0, columnSums1…). Only equation names are kept off them: the kernel's own
    // Fresh calls still get these names as they are, so the generated text of a rule that does not use them is
    // unchanged. PassLocalNameCollisionTests reads the names off the generated code and tries each one.
    private static readonly HashSet<string> s_passNames = new()
    {
        "block", "blockCount", "blocksPerMatrix", "chunk", "chunks", "column", "columnCount", "columnState", "columnSums",
        "columnValues", "columns", "dimensions", "due", "endRow", "firstBlock", "firstRow", "group", "groupValues", "lanes",
        "lanesRef", "line", "matrix", "partials", "pass", "row", "rowCount", "rowRegister", "rowRegisterRef", "rowState",
        "rowValues", "rows", "run", "runs", "scalars", "shape", "start", "stride", "sums", "tensorValues", "totals",
    };

    private static readonly string[] s_numberedPassNames = { "columnSums", "columnSumsRef", "columnValues", "columnValuesRef", "sum" };

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
            identifier = Fresh(IsPassName(name) ? name + "_" : name);
            _byEquationName[name] = identifier;
        }

        return identifier;
    }

    private static bool IsPassName(string name)
    {
        if (s_passNames.Contains(name))
        {
            return true;
        }

        foreach (string prefix in s_numberedPassNames)
        {
            if (name.Length > prefix.Length && name.StartsWith(prefix, System.StringComparison.Ordinal) && IsDigits(name, prefix.Length))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDigits(string name, int from)
    {
        for (int i = from; i < name.Length; i++)
        {
            if (name[i] < '0' || name[i] > '9')
            {
                return false;
            }
        }

        return true;
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
