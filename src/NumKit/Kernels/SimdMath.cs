namespace NumKit.Kernels;

/// <summary>
/// The functions of the equation language for per-step values (computed once per step in double
/// precision), with the same NaN rules as their per-element forms on <see cref="ISimd{TSelf, TVector, T}"/>.
/// </summary>
public static class SimdMath
{
    /// <summary>min(a, b) for per-step values, with the same NaN rule as the vector form.</summary>
    public static double Min(double a, double b) => a < b || double.IsNaN(a) ? a : b;

    /// <summary>max(a, b) for per-step values, with the same NaN rule as the vector form.</summary>
    public static double Max(double a, double b) => a > b || double.IsNaN(a) ? a : b;

    /// <summary>clamp(x, lo, hi) = min(max(x, lo), hi) for per-step values; never throws when lo &gt; hi.</summary>
    public static double Clamp(double x, double lo, double hi) => Min(Max(x, lo), hi);

    /// <summary>sign(x) for per-step values: 1, -1, or x itself for ±0 and NaN.</summary>
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x;
}
