using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NumKit.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// Widening of compact storage (bfloat16, Half) to the float a kernel computes in, and narrowing back:
/// at every vector width the machine has (and <see cref="VectorPaths"/> allows), widest first, then one
/// element at a time. Every path gives the same bits: widening is exact, narrowing rounds each element on
/// its own, to nearest even or stochastically with bits keyed by the element's index.
/// </summary>
internal static class StorageConversion
{
    /// <summary>Writes each bfloat16 of <paramref name="source"/> as a float (exact: its bits are the float's top half).</summary>
    public static void Widen(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        ref ushort s = ref Unsafe.As<BFloat16, ushort>(ref MemoryMarshal.GetReference(source));
        ref uint d = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        nuint length = (nuint)source.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
        {
            for (; i + (nuint)Vector512<ushort>.Count <= length; i += (nuint)Vector512<ushort>.Count)
            {
                (Vector512<uint> lower, Vector512<uint> upper) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                Vector512.ShiftLeft(lower, 16).StoreUnsafe(ref d, i);
                Vector512.ShiftLeft(upper, 16).StoreUnsafe(ref d, i + (nuint)Vector512<uint>.Count);
            }
        }

        if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            for (; i + (nuint)Vector256<ushort>.Count <= length; i += (nuint)Vector256<ushort>.Count)
            {
                (Vector256<uint> lower, Vector256<uint> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                Vector256.ShiftLeft(lower, 16).StoreUnsafe(ref d, i);
                Vector256.ShiftLeft(upper, 16).StoreUnsafe(ref d, i + (nuint)Vector256<uint>.Count);
            }
        }

        if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            for (; i + (nuint)Vector128<ushort>.Count <= length; i += (nuint)Vector128<ushort>.Count)
            {
                (Vector128<uint> lower, Vector128<uint> upper) = Vector128.Widen(Vector128.LoadUnsafe(ref s, i));
                Vector128.ShiftLeft(lower, 16).StoreUnsafe(ref d, i);
                Vector128.ShiftLeft(upper, 16).StoreUnsafe(ref d, i + (nuint)Vector128<uint>.Count);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = (uint)Unsafe.Add(ref s, i) << 16;
        }
    }

    /// <summary>Rounds each float of <paramref name="source"/> to the nearest bfloat16, ties to even (NaN stays a quiet NaN).</summary>
    public static void NarrowToNearestEven(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        ref uint s = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref ushort d = ref Unsafe.As<BFloat16, ushort>(ref MemoryMarshal.GetReference(destination));
        nuint length = (nuint)source.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
        {
            for (; i + (nuint)Vector512<ushort>.Count <= length; i += (nuint)Vector512<ushort>.Count)
            {
                Vector512<uint> lower = Round(Vector512.LoadUnsafe(ref s, i));
                Vector512<uint> upper = Round(Vector512.LoadUnsafe(ref s, i + (nuint)Vector512<uint>.Count));
                Vector512.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            for (; i + (nuint)Vector256<ushort>.Count <= length; i += (nuint)Vector256<ushort>.Count)
            {
                Vector256<uint> lower = Round(Vector256.LoadUnsafe(ref s, i));
                Vector256<uint> upper = Round(Vector256.LoadUnsafe(ref s, i + (nuint)Vector256<uint>.Count));
                Vector256.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            for (; i + (nuint)Vector128<ushort>.Count <= length; i += (nuint)Vector128<ushort>.Count)
            {
                Vector128<uint> lower = Round(Vector128.LoadUnsafe(ref s, i));
                Vector128<uint> upper = Round(Vector128.LoadUnsafe(ref s, i + (nuint)Vector128<uint>.Count));
                Vector128.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = BFloat16.RoundToNearestEven(Unsafe.Add(ref s, i));
        }
    }

    /// <summary>
    /// Rounds each float of <paramref name="source"/> to one of the two bfloat16 values around it, up with
    /// probability equal to its distance from the lower one over the gap (so the expected value is the float):
    /// a 16-bit random number from <paramref name="key"/> and the element's index (<paramref name="firstIndex"/>
    /// for the first) is added below the kept bits and the sum truncated. NaN stays a quiet NaN.
    /// </summary>
    public static void NarrowStochastic(ReadOnlySpan<float> source, Span<BFloat16> destination, uint key, int firstIndex)
    {
        ref uint s = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref ushort d = ref Unsafe.As<BFloat16, ushort>(ref MemoryMarshal.GetReference(destination));
        nuint length = (nuint)source.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
        {
            Vector512<uint> keys = Vector512.Create(key);
            for (; i + (nuint)Vector512<ushort>.Count <= length; i += (nuint)Vector512<ushort>.Count)
            {
                Vector512<uint> index = Vector512.Create((uint)firstIndex + (uint)i) + Lanes512;
                Vector512<uint> lower = RoundStochastic(Vector512.LoadUnsafe(ref s, i), Mix(keys ^ index));
                Vector512<uint> upper = RoundStochastic(Vector512.LoadUnsafe(ref s, i + (nuint)Vector512<uint>.Count), Mix(keys ^ (index + Vector512.Create((uint)Vector512<uint>.Count))));
                Vector512.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            Vector256<uint> keys = Vector256.Create(key);
            for (; i + (nuint)Vector256<ushort>.Count <= length; i += (nuint)Vector256<ushort>.Count)
            {
                Vector256<uint> index = Vector256.Create((uint)firstIndex + (uint)i) + Lanes256;
                Vector256<uint> lower = RoundStochastic(Vector256.LoadUnsafe(ref s, i), Mix(keys ^ index));
                Vector256<uint> upper = RoundStochastic(Vector256.LoadUnsafe(ref s, i + (nuint)Vector256<uint>.Count), Mix(keys ^ (index + Vector256.Create((uint)Vector256<uint>.Count))));
                Vector256.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            Vector128<uint> keys = Vector128.Create(key);
            for (; i + (nuint)Vector128<ushort>.Count <= length; i += (nuint)Vector128<ushort>.Count)
            {
                Vector128<uint> index = Vector128.Create((uint)firstIndex + (uint)i) + Lanes128;
                Vector128<uint> lower = RoundStochastic(Vector128.LoadUnsafe(ref s, i), Mix(keys ^ index));
                Vector128<uint> upper = RoundStochastic(Vector128.LoadUnsafe(ref s, i + (nuint)Vector128<uint>.Count), Mix(keys ^ (index + Vector128.Create((uint)Vector128<uint>.Count))));
                Vector128.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = RoundStochastic(Unsafe.Add(ref s, i), CounterRandom.Bits(key, firstIndex + (int)i));
        }
    }

    /// <summary>One element of <see cref="NarrowStochastic"/>: the float's <paramref name="bits"/> rounded with <paramref name="random"/>'s low 16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort RoundStochastic(uint bits, uint random)
    {
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        return (ushort)((bits + (random & 0xFFFF)) >> 16);
    }

    /// <summary>Writes each Half of <paramref name="source"/> as a float (exact).</summary>
    public static void Widen(ReadOnlySpan<Half> source, Span<float> destination) => TensorPrimitives.ConvertToSingle(source, destination);

    /// <summary>Rounds each float of <paramref name="source"/> to the nearest Half, ties to even.</summary>
    public static void NarrowToNearestEven(ReadOnlySpan<float> source, Span<Half> destination) => TensorPrimitives.ConvertToHalf(source, destination);

    // 0, 1, 2, ... in each lane (Vector512<T>.Indices is .NET 9 and later).
    private static Vector512<uint> Lanes512 => Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    private static Vector256<uint> Lanes256 => Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);

    private static Vector128<uint> Lanes128 => Vector128.Create(0u, 1, 2, 3);

    // CounterRandom.Mix (lowbias32) in every lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Mix(Vector512<uint> x)
    {
        x ^= Vector512.ShiftRightLogical(x, 16);
        x *= Vector512.Create(0x7FEB352Du);
        x ^= Vector512.ShiftRightLogical(x, 15);
        x *= Vector512.Create(0x846CA68Bu);
        return x ^ Vector512.ShiftRightLogical(x, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7FEB352Du);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846CA68Bu);
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Mix(Vector128<uint> x)
    {
        x ^= Vector128.ShiftRightLogical(x, 16);
        x *= Vector128.Create(0x7FEB352Du);
        x ^= Vector128.ShiftRightLogical(x, 15);
        x *= Vector128.Create(0x846CA68Bu);
        return x ^ Vector128.ShiftRightLogical(x, 16);
    }

    // RoundStochastic in every lane: the random bits' low half added below the kept bits, then truncated; NaN quieted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> RoundStochastic(Vector512<uint> bits, Vector512<uint> random)
    {
        Vector512<uint> rounded = Vector512.ShiftRightLogical(bits + (random & Vector512.Create(0xFFFFu)), 16);
        Vector512<uint> nan = Vector512.GreaterThan(bits & Vector512.Create(0x7FFF_FFFFu), Vector512.Create(0x7F80_0000u));
        return Vector512.ConditionalSelect(nan, Vector512.ShiftRightLogical(bits, 16) | Vector512.Create(0x40u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RoundStochastic(Vector256<uint> bits, Vector256<uint> random)
    {
        Vector256<uint> rounded = Vector256.ShiftRightLogical(bits + (random & Vector256.Create(0xFFFFu)), 16);
        Vector256<uint> nan = Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(0x7F80_0000u));
        return Vector256.ConditionalSelect(nan, Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(0x40u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> RoundStochastic(Vector128<uint> bits, Vector128<uint> random)
    {
        Vector128<uint> rounded = Vector128.ShiftRightLogical(bits + (random & Vector128.Create(0xFFFFu)), 16);
        Vector128<uint> nan = Vector128.GreaterThan(bits & Vector128.Create(0x7FFF_FFFFu), Vector128.Create(0x7F80_0000u));
        return Vector128.ConditionalSelect(nan, Vector128.ShiftRightLogical(bits, 16) | Vector128.Create(0x40u), rounded);
    }

    // Round to nearest even on the bits of floats; a NaN keeps its sign and top payload, with the quiet bit set.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round(Vector512<uint> bits)
    {
        Vector512<uint> rounded = Vector512.ShiftRightLogical(bits + Vector512.Create(0x7FFFu) + (Vector512.ShiftRightLogical(bits, 16) & Vector512<uint>.One), 16);
        Vector512<uint> nan = Vector512.GreaterThan(bits & Vector512.Create(0x7FFF_FFFFu), Vector512.Create(0x7F80_0000u));
        return Vector512.ConditionalSelect(nan, Vector512.ShiftRightLogical(bits, 16) | Vector512.Create(0x40u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<uint> bits)
    {
        Vector256<uint> rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + (Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One), 16);
        Vector256<uint> nan = Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(0x7F80_0000u));
        return Vector256.ConditionalSelect(nan, Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(0x40u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Round(Vector128<uint> bits)
    {
        Vector128<uint> rounded = Vector128.ShiftRightLogical(bits + Vector128.Create(0x7FFFu) + (Vector128.ShiftRightLogical(bits, 16) & Vector128<uint>.One), 16);
        Vector128<uint> nan = Vector128.GreaterThan(bits & Vector128.Create(0x7FFF_FFFFu), Vector128.Create(0x7F80_0000u));
        return Vector128.ConditionalSelect(nan, Vector128.ShiftRightLogical(bits, 16) | Vector128.Create(0x40u), rounded);
    }
}
