using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NumKit.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// Parameters and gradients of any element type an optimizer takes (float, <see cref="Half"/>,
/// <see cref="BFloat16"/>) widened to the float a kernel computes in, and the results narrowed back — to
/// nearest even, or stochastically with bits keyed by each element's index. Every conversion rounds each
/// element on its own, so every vector path and every cut of the span gives the same bits.
/// </summary>
internal static class ParameterConversion
{
    /// <summary>Whether <typeparamref name="T"/> is a 16-bit type the optimizer steps through float tiles.</summary>
    public static bool IsLowPrecision<T>() => typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    /// <summary>Writes each value of <paramref name="source"/> as a float (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(BFloat16))
        {
            StorageConversion.Widen(MemoryMarshal.Cast<T, BFloat16>(source), destination);
        }
        else if (typeof(T) == typeof(Half))
        {
            StorageConversion.Widen(MemoryMarshal.Cast<T, Half>(source), destination);
        }
        else
        {
            MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
        }
    }

    /// <summary>Rounds each float of <paramref name="source"/> to the nearest <typeparamref name="T"/>, ties to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowToNearest<T>(ReadOnlySpan<float> source, Span<T> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(BFloat16))
        {
            StorageConversion.NarrowToNearestEven(source, MemoryMarshal.Cast<T, BFloat16>(destination));
        }
        else if (typeof(T) == typeof(Half))
        {
            StorageConversion.NarrowToNearestEven(source, MemoryMarshal.Cast<T, Half>(destination));
        }
        else
        {
            source.CopyTo(MemoryMarshal.Cast<T, float>(destination));
        }
    }

    /// <summary>
    /// Rounds each float of <paramref name="source"/> to one of the two <typeparamref name="T"/> values around it,
    /// unbiased, with the random bits of <paramref name="key"/> and the element's index (<paramref name="firstIndex"/> for the first).
    /// </summary>
    public static void NarrowStochastic<T>(ReadOnlySpan<float> source, Span<T> destination, uint key, int firstIndex)
        where T : unmanaged
    {
        if (typeof(T) == typeof(BFloat16))
        {
            StorageConversion.NarrowStochastic(source, MemoryMarshal.Cast<T, BFloat16>(destination), key, firstIndex);
        }
        else if (typeof(T) == typeof(Half))
        {
            Span<Half> halves = MemoryMarshal.Cast<T, Half>(destination);
            for (int i = 0; i < source.Length; i++)
            {
                halves[i] = RoundStochastic(source[i], CounterRandom.Bits(key, firstIndex + i));
            }
        }
        else
        {
            source.CopyTo(MemoryMarshal.Cast<T, float>(destination));
        }
    }

    /// <summary>
    /// <paramref name="x"/> rounded to the Half below or above it, up with probability (x − below) / (above − below)
    /// measured against <paramref name="random"/>'s low 16 bits. Exact values, NaN, ±∞ and values past Half's
    /// range round to nearest.
    /// </summary>
    public static Half RoundStochastic(float x, uint random)
    {
        Half nearest = (Half)x;
        float back = (float)nearest;
        if (back == x || !float.IsFinite(back))
        {
            return nearest;
        }

        Half other = back < x ? Half.BitIncrement(nearest) : Half.BitDecrement(nearest);
        float otherBack = (float)other;
        if (!float.IsFinite(otherBack))
        {
            return nearest;
        }

        (float below, Half belowHalf, float above, Half aboveHalf) = back < x ? (back, nearest, otherBack, other) : (otherBack, other, back, nearest);
        float up = (x - below) / (above - below);
        return (random & 0xFFFF) < up * 65536f ? aboveHalf : belowHalf;
    }
}
