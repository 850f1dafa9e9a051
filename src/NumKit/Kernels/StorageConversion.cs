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
/// its own, to nearest even or stochastically with bits keyed by the element's index (the roundings of one
/// block at each width are <see cref="BFloat16Lanes"/>'s, shared with the generated loops).
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
                Vector512<uint> lower = BFloat16Lanes.Round(Vector512.LoadUnsafe(ref s, i));
                Vector512<uint> upper = BFloat16Lanes.Round(Vector512.LoadUnsafe(ref s, i + (nuint)Vector512<uint>.Count));
                Vector512.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            for (; i + (nuint)Vector256<ushort>.Count <= length; i += (nuint)Vector256<ushort>.Count)
            {
                Vector256<uint> lower = BFloat16Lanes.Round(Vector256.LoadUnsafe(ref s, i));
                Vector256<uint> upper = BFloat16Lanes.Round(Vector256.LoadUnsafe(ref s, i + (nuint)Vector256<uint>.Count));
                Vector256.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            for (; i + (nuint)Vector128<ushort>.Count <= length; i += (nuint)Vector128<ushort>.Count)
            {
                Vector128<uint> lower = BFloat16Lanes.Round(Vector128.LoadUnsafe(ref s, i));
                Vector128<uint> upper = BFloat16Lanes.Round(Vector128.LoadUnsafe(ref s, i + (nuint)Vector128<uint>.Count));
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
                Vector512<uint> index = Vector512.Create((uint)firstIndex + (uint)i) + BFloat16Lanes.Lanes512;
                Vector512<uint> lower = BFloat16Lanes.RoundStochastic(Vector512.LoadUnsafe(ref s, i), BFloat16Lanes.Mix(keys ^ index));
                Vector512<uint> upper = BFloat16Lanes.RoundStochastic(Vector512.LoadUnsafe(ref s, i + (nuint)Vector512<uint>.Count), BFloat16Lanes.Mix(keys ^ (index + Vector512.Create((uint)Vector512<uint>.Count))));
                Vector512.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            Vector256<uint> keys = Vector256.Create(key);
            for (; i + (nuint)Vector256<ushort>.Count <= length; i += (nuint)Vector256<ushort>.Count)
            {
                Vector256<uint> index = Vector256.Create((uint)firstIndex + (uint)i) + BFloat16Lanes.Lanes256;
                Vector256<uint> lower = BFloat16Lanes.RoundStochastic(Vector256.LoadUnsafe(ref s, i), BFloat16Lanes.Mix(keys ^ index));
                Vector256<uint> upper = BFloat16Lanes.RoundStochastic(Vector256.LoadUnsafe(ref s, i + (nuint)Vector256<uint>.Count), BFloat16Lanes.Mix(keys ^ (index + Vector256.Create((uint)Vector256<uint>.Count))));
                Vector256.Narrow(lower, upper).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            Vector128<uint> keys = Vector128.Create(key);
            for (; i + (nuint)Vector128<ushort>.Count <= length; i += (nuint)Vector128<ushort>.Count)
            {
                Vector128<uint> index = Vector128.Create((uint)firstIndex + (uint)i) + BFloat16Lanes.Lanes128;
                Vector128<uint> lower = BFloat16Lanes.RoundStochastic(Vector128.LoadUnsafe(ref s, i), BFloat16Lanes.Mix(keys ^ index));
                Vector128<uint> upper = BFloat16Lanes.RoundStochastic(Vector128.LoadUnsafe(ref s, i + (nuint)Vector128<uint>.Count), BFloat16Lanes.Mix(keys ^ (index + Vector128.Create((uint)Vector128<uint>.Count))));
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
}
