using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// The operations the equation language compiles to, on a block of <see cref="Count"/> values of
/// <typeparamref name="T"/> held in <typeparamref name="TVector"/> — a <c>Vector512&lt;T&gt;</c>,
/// <c>Vector256&lt;T&gt;</c> or <c>Vector128&lt;T&gt;</c>, or a single <typeparamref name="T"/>.
/// </summary>
/// <remarks>
/// Generated kernels write each equation once, generic over this interface, and the loop runs it at
/// every width the machine has, widest first, then the scalar tail. The kernel's values are the
/// runtime's own vector types, not a wrapper around them, so the JIT sees the same code as in a
/// hand-written loop and folds each load into the arithmetic that uses it. Every implementation performs
/// the same IEEE operations in the same order (no fused multiply-add, comparisons as masks, selects
/// as bit operations), so a kernel produces the same bits whichever width computes an element.
/// <para>
/// Part of <c>NumKit.Kernels</c>, the building blocks generated kernels compile against in your project:
/// public only so generated code can reach them, hidden from IntelliSense, outside the reviewed public
/// API (PublicAPI.Shipped.txt) and free to change in any version.
/// </para>
/// </remarks>
/// <typeparam name="TSelf">The implementing type, which holds no data: its static methods are the operations.</typeparam>
/// <typeparam name="TVector">The block: a vector of <typeparamref name="T"/>, or <typeparamref name="T"/> itself.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISimd<TSelf, TVector, T>
    where TSelf : struct, ISimd<TSelf, TVector, T>
    where TVector : struct
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many values one block holds.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on this machine and is allowed on this thread (see <see cref="VectorPaths"/>).</summary>
    static abstract bool IsEnabled { get; }

    /// <summary>A block with every lane set to <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(T value);

    /// <summary>Loads the block that starts <paramref name="index"/> elements after <paramref name="source"/>.</summary>
    static abstract TVector Load(ref T source, nuint index);

    /// <summary>Stores <paramref name="value"/> <paramref name="index"/> elements after <paramref name="destination"/>.</summary>
    static abstract void Store(TVector value, ref T destination, nuint index);

    /// <summary>Lane-wise sum.</summary>
    static abstract TVector Add(TVector left, TVector right);

    /// <summary>Lane-wise difference.</summary>
    static abstract TVector Subtract(TVector left, TVector right);

    /// <summary>Lane-wise product (never fused with a following add).</summary>
    static abstract TVector Multiply(TVector left, TVector right);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TVector Divide(TVector left, TVector right);

    /// <summary>Lane-wise negation.</summary>
    static abstract TVector Negate(TVector value);

    /// <summary>Lane-wise correctly rounded square root.</summary>
    static abstract TVector Sqrt(TVector x);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TVector Abs(TVector x);

    /// <summary>
    /// Applies <typeparamref name="TFunction"/> to each lane on its own: how a function without a vector
    /// instruction (exp, log, cos, ...) is computed, the same bits at every width.
    /// </summary>
    static abstract TVector PerLane<TFunction>(TVector x)
        where TFunction : ILaneFunction<T>;

    /// <summary>Applies the two-argument <typeparamref name="TFunction"/> to each pair of lanes on its own.</summary>
    static abstract TVector PerLane<TFunction>(TVector x, TVector y)
        where TFunction : ILaneFunction2<T>;

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &lt; <paramref name="right"/>, else zero.</summary>
    static abstract TVector LessThan(TVector left, TVector right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &lt;= <paramref name="right"/>, else zero.</summary>
    static abstract TVector LessThanOrEqual(TVector left, TVector right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &gt; <paramref name="right"/>, else zero.</summary>
    static abstract TVector GreaterThan(TVector left, TVector right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &gt;= <paramref name="right"/>, else zero.</summary>
    static abstract TVector GreaterThanOrEqual(TVector left, TVector right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> == <paramref name="right"/>, else zero.</summary>
    static abstract TVector Equal(TVector left, TVector right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> != <paramref name="right"/> (true for NaN), else zero.</summary>
    static abstract TVector NotEqual(TVector left, TVector right);

    /// <summary>Lane-wise bitwise AND of two masks.</summary>
    static abstract TVector And(TVector left, TVector right);

    /// <summary>Lane-wise bitwise OR of two masks.</summary>
    static abstract TVector Or(TVector left, TVector right);

    /// <summary>Takes <paramref name="whenTrue"/>'s bits where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>'s.</summary>
    static abstract TVector Select(TVector mask, TVector whenTrue, TVector whenFalse);

    // The functions below are built from the operations above, once for every width, so they agree bit for bit.
    // A lane-by-lane function is one line: its PerLane form, with its lane function from SimdMath.

    /// <summary>Lane-wise e^x (the runtime's scalar <c>Exp</c> on each lane, so every width agrees).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Exp(TVector x) => TSelf.PerLane<SimdMath.ExpLane<T>>(x);

    /// <summary>Lane-wise natural logarithm (the runtime's scalar <c>Log</c> on each lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Log(TVector x) => TSelf.PerLane<SimdMath.LogLane<T>>(x);

    /// <summary>Lane-wise largest whole number not above x (the runtime's scalar <c>Floor</c> on each lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Floor(TVector x) => TSelf.PerLane<SimdMath.FloorLane<T>>(x);

    /// <summary>Lane-wise cosine (the runtime's scalar <c>Cos</c> on each lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Cos(TVector x) => TSelf.PerLane<SimdMath.CosLane<T>>(x);

    /// <summary>Lane-wise x^y (the runtime's scalar <c>Pow</c> on each lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Pow(TVector x, TVector y) => TSelf.PerLane<SimdMath.PowLane<T>>(x, y);

    /// <summary>Lane-wise hyperbolic tangent (the runtime's scalar <c>Tanh</c> on each lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Tanh(TVector x) => TSelf.PerLane<SimdMath.TanhLane<T>>(x);

    /// <summary>Lane-wise logistic function 1 / (1 + e^-x), on each lane as <see cref="SimdMath.Sigmoid(double)"/> computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Sigmoid(TVector x) => TSelf.PerLane<SimdMath.SigmoidLane<T>>(x);

    /// <summary>Lane-wise min(a, b): the smaller value, NaN if either is NaN (like <c>torch.minimum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Min(TVector a, TVector b)
        // a is taken when it is smaller or NaN; otherwise b, which is NaN when b is.
        => TSelf.Select(TSelf.Or(TSelf.LessThan(a, b), TSelf.NotEqual(a, a)), a, b);

    /// <summary>Lane-wise max(a, b): the larger value, NaN if either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Max(TVector a, TVector b)
        => TSelf.Select(TSelf.Or(TSelf.GreaterThan(a, b), TSelf.NotEqual(a, a)), a, b);

    /// <summary>Lane-wise clamp(x, lo, hi) = min(max(x, lo), hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Clamp(TVector x, TVector lo, TVector hi) => TSelf.Min(TSelf.Max(x, lo), hi);

    /// <summary>Lane-wise sign(x): 1 for positive, -1 for negative, x itself for ±0 and NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Sign(TVector x)
    {
        TVector zero = TSelf.Broadcast(T.Zero);
        return TSelf.Select(TSelf.GreaterThan(x, zero), TSelf.Broadcast(T.One),
               TSelf.Select(TSelf.LessThan(x, zero), TSelf.Broadcast(-T.One), x));
    }

    /// <summary>Lane-wise x^n for a whole n ≥ 1, as the product x * x * ... * x taken left to right.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Power(TVector x, int n)
    {
        TVector result = x;
        for (int i = 1; i < n; i++)
        {
            result = TSelf.Multiply(result, x);
        }

        return result;
    }
}
