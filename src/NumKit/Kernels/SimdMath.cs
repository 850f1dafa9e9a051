using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// The functions of the equation language that <see cref="System.Math"/> lacks or words differently:
/// per-step forms (computed once per step in double precision, with the same NaN rules as their
/// per-element forms on <see cref="ISimd{TSelf, TVector, T}"/>), and the lane functions the per-element
/// forms apply lane by lane.
/// </summary>
/// <remarks>
/// Part of <c>NumKit.Kernels</c>, the building blocks that generated kernels compile against in your
/// project: public only so generated code can reach them, hidden from IntelliSense, outside the
/// reviewed public API (PublicAPI.Shipped.txt) and free to change in any version. Call the generated
/// <c>Update</c> kernels or <c>Optimizer&lt;TRule&gt;</c> instead.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
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

    /// <summary>The logistic function 1 / (1 + e^-x) for per-step values.</summary>
    public static double Sigmoid(double x) => 1 / (1 + double.Exp(-x));

    // Lane functions: one struct per function that has no vector instruction; ISimd applies it per lane.

    /// <summary>e^x on one lane.</summary>
    public readonly struct ExpLane<T> : ILaneFunction<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x) => T.Exp(x);
    }

    /// <summary>ln x on one lane.</summary>
    public readonly struct LogLane<T> : ILaneFunction<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x) => T.Log(x);
    }

    /// <summary>floor(x) on one lane.</summary>
    public readonly struct FloorLane<T> : ILaneFunction<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x) => T.Floor(x);
    }

    /// <summary>cos(x) on one lane.</summary>
    public readonly struct CosLane<T> : ILaneFunction<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x) => T.Cos(x);
    }

    /// <summary>x^y on one lane.</summary>
    public readonly struct PowLane<T> : ILaneFunction2<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x, T y) => T.Pow(x, y);
    }

    /// <summary>tanh(x) on one lane.</summary>
    public readonly struct TanhLane<T> : ILaneFunction<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x) => T.Tanh(x);
    }

    /// <summary>1 / (1 + e^-x) on one lane.</summary>
    public readonly struct SigmoidLane<T> : ILaneFunction<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply(T x) => T.One / (T.One + T.Exp(-x));
    }
}
