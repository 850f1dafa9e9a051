using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// A block of <see cref="Count"/> values of <typeparamref name="T"/> — a 512-, 256- or 128-bit vector,
/// or a single scalar — with the operations the equation language compiles to.
/// </summary>
/// <remarks>
/// Generated kernels write each equation once, generic over this interface, and the loop runs it at
/// every width the machine has, widest first, then the scalar tail. Every implementation performs
/// the same IEEE operations in the same order (no fused multiply-add, comparisons as masks, selects
/// as bit operations), so a kernel produces the same bits whichever width computes an element.
/// </remarks>
/// <typeparam name="TSelf">The implementing block type.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ISimd<TSelf, T>
    where TSelf : struct, ISimd<TSelf, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many values one block holds.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on this machine and is allowed on this thread (see <see cref="VectorPaths"/>).</summary>
    static abstract bool IsEnabled { get; }

    /// <summary>A block with every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(T value);

    /// <summary>Loads the block that starts <paramref name="index"/> elements after <paramref name="source"/>.</summary>
    static abstract TSelf Load(ref T source, nuint index);

    /// <summary>Stores <paramref name="value"/> <paramref name="index"/> elements after <paramref name="destination"/>.</summary>
    static abstract void Store(TSelf value, ref T destination, nuint index);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Lane-wise product (never fused with a following add).</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>Lane-wise negation.</summary>
    static abstract TSelf operator -(TSelf value);

    /// <summary>Lane-wise correctly rounded square root.</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>Lane-wise e^x (the runtime's scalar <c>Exp</c> on each lane, so every width agrees).</summary>
    static abstract TSelf Exp(TSelf x);

    /// <summary>Lane-wise natural logarithm (the runtime's scalar <c>Log</c> on each lane).</summary>
    static abstract TSelf Log(TSelf x);

    /// <summary>Lane-wise largest whole number not above x (the runtime's scalar <c>Floor</c> on each lane).</summary>
    static abstract TSelf Floor(TSelf x);

    /// <summary>Lane-wise cosine (the runtime's scalar <c>Cos</c> on each lane).</summary>
    static abstract TSelf Cos(TSelf x);

    /// <summary>Lane-wise x^y (the runtime's scalar <c>Pow</c> on each lane).</summary>
    static abstract TSelf Pow(TSelf x, TSelf y);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &lt; <paramref name="right"/>, else zero.</summary>
    static abstract TSelf LessThan(TSelf left, TSelf right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &lt;= <paramref name="right"/>, else zero.</summary>
    static abstract TSelf LessThanOrEqual(TSelf left, TSelf right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &gt; <paramref name="right"/>, else zero.</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> &gt;= <paramref name="right"/>, else zero.</summary>
    static abstract TSelf GreaterThanOrEqual(TSelf left, TSelf right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> == <paramref name="right"/>, else zero.</summary>
    static abstract TSelf Equal(TSelf left, TSelf right);

    /// <summary>Lane-wise all-ones mask where <paramref name="left"/> != <paramref name="right"/> (true for NaN), else zero.</summary>
    static abstract TSelf NotEqual(TSelf left, TSelf right);

    /// <summary>Lane-wise bitwise AND of two masks.</summary>
    static abstract TSelf And(TSelf left, TSelf right);

    /// <summary>Lane-wise bitwise OR of two masks.</summary>
    static abstract TSelf Or(TSelf left, TSelf right);

    /// <summary>Takes <paramref name="whenTrue"/>'s bits where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>'s.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    // The functions below are built from the operations above, once for every width, so they agree bit for bit.

    /// <summary>Lane-wise min(a, b): the smaller value, NaN if either is NaN (like <c>torch.minimum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Min(TSelf a, TSelf b)
        // a is taken when it is smaller or NaN; otherwise b, which is NaN when b is.
        => TSelf.Select(TSelf.Or(TSelf.LessThan(a, b), TSelf.NotEqual(a, a)), a, b);

    /// <summary>Lane-wise max(a, b): the larger value, NaN if either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Max(TSelf a, TSelf b)
        => TSelf.Select(TSelf.Or(TSelf.GreaterThan(a, b), TSelf.NotEqual(a, a)), a, b);

    /// <summary>Lane-wise clamp(x, lo, hi) = min(max(x, lo), hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Clamp(TSelf x, TSelf lo, TSelf hi) => TSelf.Min(TSelf.Max(x, lo), hi);

    /// <summary>Lane-wise sign(x): 1 for positive, -1 for negative, x itself for ±0 and NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Sign(TSelf x)
    {
        TSelf zero = TSelf.Broadcast(T.Zero);
        return TSelf.Select(TSelf.GreaterThan(x, zero), TSelf.Broadcast(T.One),
               TSelf.Select(TSelf.LessThan(x, zero), TSelf.Broadcast(-T.One), x));
    }

    /// <summary>Lane-wise x^n for a whole n ≥ 1, as the product x * x * ... * x taken left to right.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Power(TSelf x, int n)
    {
        TSelf result = x;
        for (int i = 1; i < n; i++)
        {
            result *= x;
        }

        return result;
    }
}
