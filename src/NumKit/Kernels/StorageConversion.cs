using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NumKit.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// Widening of compact storage (bfloat16, Half) to the float a kernel computes in, and narrowing back:
/// at every vector width the machine has (and <see cref="VectorPaths"/> allows), widest first, then one
/// element at a time. Every path gives the same bits: widening is exact, narrowing rounds each element on
/// its own, to nearest even or stochastically with bits keyed by the element's index (the roundings of one
/// block at each width are <see cref="BFloat16Lanes"/>'s, shared with the generated loops).
/// </summary>
internal static class StorageConversion
{
    /// <summary>Writes each bfloat16 of <paramref name="source"/> as a float (exact: its bits are the float's top half).</summary>
    public static unsafe void Widen(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        fixed (BFloat16* s = source)
        fixed (float* d = destination)
        {
            nuint length = (nuint)source.Length;
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
            {
                i = Widen<Vector512<float>>((ushort*)s, d, i, length);
            }

            if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
            {
                i = Widen<Vector256<float>>((ushort*)s, d, i, length);
            }

            if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
            {
                i = Widen<Vector128<float>>((ushort*)s, d, i, length);
            }

            Widen<float>((ushort*)s, d, i, length);
        }
    }

    /// <summary>Rounds each float of <paramref name="source"/> to the nearest bfloat16, ties to even (NaN stays a quiet NaN).</summary>
    public static unsafe void NarrowToNearestEven(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        fixed (float* s = source)
        fixed (BFloat16* d = destination)
        {
            nuint length = (nuint)source.Length;
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
            {
                i = NarrowToNearestEven<Vector512<float>>(s, (ushort*)d, i, length);
            }

            if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
            {
                i = NarrowToNearestEven<Vector256<float>>(s, (ushort*)d, i, length);
            }

            if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
            {
                i = NarrowToNearestEven<Vector128<float>>(s, (ushort*)d, i, length);
            }

            NarrowToNearestEven<float>(s, (ushort*)d, i, length);
        }
    }

    /// <summary>
    /// Rounds each float of <paramref name="source"/> to one of the two bfloat16 values around it, up with
    /// probability equal to its distance from the lower one over the gap (so the expected value is the float):
    /// a 16-bit random number from <paramref name="key"/> and the element's index (<paramref name="firstIndex"/>
    /// for the first) is added below the kept bits and the sum truncated. NaN stays a quiet NaN.
    /// </summary>
    public static unsafe void NarrowStochastic(ReadOnlySpan<float> source, Span<BFloat16> destination, uint key, int firstIndex)
    {
        fixed (float* s = source)
        fixed (BFloat16* d = destination)
        {
            nuint length = (nuint)source.Length;
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
            {
                i = NarrowStochastic<Vector512<float>>(s, (ushort*)d, i, length, key, firstIndex);
            }

            if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
            {
                i = NarrowStochastic<Vector256<float>>(s, (ushort*)d, i, length, key, firstIndex);
            }

            if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
            {
                i = NarrowStochastic<Vector128<float>>(s, (ushort*)d, i, length, key, firstIndex);
            }

            NarrowStochastic<float>(s, (ushort*)d, i, length, key, firstIndex);
        }
    }

    // One width's loop of each conversion: whole blocks of TVector from i, each converted by BFloat16Lanes (one
    // definition per width, shared with the generated loops); returns where the next width takes over.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint Widen<TVector>(ushort* source, float* destination, nuint i, nuint length)
        where TVector : struct
    {
        nuint count = (nuint)(Unsafe.SizeOf<TVector>() / sizeof(float));
        for (; i + count <= length; i += count)
        {
            Unsafe.WriteUnaligned(destination + i, BFloat16Lanes.Widen<TVector>(source + i));
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint NarrowToNearestEven<TVector>(float* source, ushort* destination, nuint i, nuint length)
        where TVector : struct
    {
        nuint count = (nuint)(Unsafe.SizeOf<TVector>() / sizeof(float));
        for (; i + count <= length; i += count)
        {
            BFloat16Lanes.NarrowToNearestEven(Unsafe.ReadUnaligned<TVector>(source + i), destination + i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint NarrowStochastic<TVector>(float* source, ushort* destination, nuint i, nuint length, uint key, int firstIndex)
        where TVector : struct
    {
        nuint count = (nuint)(Unsafe.SizeOf<TVector>() / sizeof(float));
        for (; i + count <= length; i += count)
        {
            BFloat16Lanes.NarrowStochastic(Unsafe.ReadUnaligned<TVector>(source + i), destination + i, key, (uint)firstIndex + (uint)i);
        }

        return i;
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
}
