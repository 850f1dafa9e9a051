using System.Collections.Generic;
using System.Linq;

namespace NumKit.Generators.Equations;

/// <summary>
/// One function of the equation language: its name, how many arguments it takes, what it computes
/// (the README's table says this), and the C# for each rate: <paramref name="ScalarForm"/> computes it
/// once per step in double precision, <paramref name="VectorForm"/> per element on the kernel's blocks
/// (a static of the kernel's <c>V</c>, which implements <c>ISimd</c>).
/// </summary>
internal sealed record Function(string Name, int Arity, string Meaning, string ScalarForm, string VectorForm)
{
    /// <summary>The call as the README writes it, such as <c>min(a, b)</c>.</summary>
    public string Signature => Name + "(" + (Arity switch { 1 => "x", 2 => "a, b", _ => "x, lo, hi" }) + ")";
}

/// <summary>
/// The one table of functions. The checker (names and arity), the emitter (the C# forms), the fuzz
/// test (its vocabulary) and the README's table (a test compares them) all read this list. A new
/// function is a row here, its per-element form on <c>ISimd</c> and its per-step form on <c>SimdMath</c>.
/// </summary>
internal static class Functions
{
    // Not Math.Min/Max/Clamp/Sign: SimdMath's agree with the vector forms on NaN and never throw.
    private const string SimdMath = "global::NumKit.Kernels.SimdMath.";

    /// <summary><c>if(c, a, b)</c>: parsed as a conditional, not a call, but named and counted like a function.</summary>
    public const string Conditional = "if";

    /// <summary>Every function, in the order the README and the diagnostics list them.</summary>
    public static readonly IReadOnlyList<Function> All = new[]
    {
        new Function("sqrt", 1, "square root", "double.Sqrt", "V.Sqrt"),
        new Function("abs", 1, "absolute value", "double.Abs", "V.Abs"),
        new Function("sign", 1, "1, -1, or `x` itself for ±0 and NaN", SimdMath + "Sign", "V.Sign"),
        new Function("exp", 1, "e^x", "double.Exp", "V.Exp"),
        new Function("log", 1, "natural logarithm", "double.Log", "V.Log"),
        new Function("floor", 1, "the largest whole number not above `x`", "double.Floor", "V.Floor"),
        new Function("cos", 1, "cosine (radians)", "double.Cos", "V.Cos"),
        new Function("min", 2, "the smaller; NaN if either is NaN (like `torch.minimum`)", SimdMath + "Min", "V.Min"),
        new Function("max", 2, "the larger; NaN if either is NaN", SimdMath + "Max", "V.Max"),
        new Function("clamp", 3, "`min(max(x, lo), hi)`", SimdMath + "Clamp", "V.Clamp"),
        new Function("tanh", 1, "hyperbolic tangent", "double.Tanh", "V.Tanh"),
        new Function("sigmoid", 1, "the logistic function 1 / (1 + e^-x)", SimdMath + "Sigmoid", "V.Sigmoid"),
    };

    private static readonly Dictionary<string, Function> s_byName = All.ToDictionary(f => f.Name);

    /// <summary>Every name a call may use, <c>if</c> last: for suggestions and messages.</summary>
    public static IEnumerable<string> Names => All.Select(f => f.Name).Concat(new[] { Conditional });

    /// <summary>How many arguments <paramref name="name"/> takes, if it is a function (or <c>if</c>).</summary>
    public static bool TryGetArity(string name, out int arity)
    {
        if (name == Conditional)
        {
            arity = 3;
            return true;
        }

        bool found = s_byName.TryGetValue(name, out Function? function);
        arity = found ? function!.Arity : 0;
        return found;
    }

    /// <summary>The function named <paramref name="name"/>; the checker has made sure it exists.</summary>
    public static Function Get(string name) => s_byName[name];
}
