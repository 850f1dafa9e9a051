using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NumKit.Kernels;

/// <summary>
/// The fixed summation order of the equation language's reductions (<c>sum</c>, <c>mean</c>, <c>norm</c>,
/// <c>rms</c>, <c>maxabs</c>): the same bits whatever the vector width and however a step is split across threads.
/// </summary>
/// <remarks>
/// <para>
/// A tensor is cut into chunks of <see cref="ChunkLength"/> elements from its start. Within a chunk, element
/// i goes to lane i mod <see cref="Lanes{T}"/> (16 floats or 8 doubles: 64 bytes), each lane adding its
/// elements in index order — a 512-bit vector is one set of lanes, a 256-bit vector half of them, a scalar
/// one — so every width adds the same numbers in the same order. The lanes are then added pairwise in a
/// fixed tree (lane i with lane i + n/2, halving) into the chunk's partial, converted to double. The
/// partials of a tensor are added in chunk order, from 0.0, in double: a thread's slice starts on a chunk
/// boundary and writes its chunks' partials in place, so the split changes nothing. <c>maxabs</c> keeps the
/// largest |x| the same way (NaN if any is NaN).
/// </para>
/// <para>
/// Part of <c>NumKit.Kernels</c>, the building blocks generated kernels compile against in your project:
/// public only so generated code can reach them, hidden from IntelliSense, outside the reviewed public
/// API (PublicAPI.Shipped.txt) and free to change in any version.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ReductionLanes
{
    /// <summary>The elements of one chunk: a multiple of every vector width and of the threads' slice alignment.</summary>
    public const int ChunkLength = 4096;

    /// <summary>How many chunks a reduction over <paramref name="length"/> elements has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ChunkCount(int length) => (int)(((long)length + ChunkLength - 1) / ChunkLength);

    /// <summary>The lanes of one reduction: 64 bytes of <typeparamref name="T"/> (16 floats or 8 doubles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Lanes<T>() => 64 / Unsafe.SizeOf<T>();

    /// <summary>The most lanes any element type has: the stack space one reduction's lanes take, in elements.</summary>
    public const int MaxLanes = 16;

    /// <summary>Adds the block <paramref name="x"/> at chunk index <paramref name="index"/> to its lanes in <paramref name="lanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add<T, TVector, V>(ref T lanes, nuint index, TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where V : struct, ISimd<V, TVector, T>
    {
        nuint lane = index & (nuint)(Lanes<T>() - 1);
        V.Store(V.Add(V.Load(ref lanes, lane), x), ref lanes, lane);
    }

    /// <summary>Keeps the larger of each lane and |<paramref name="x"/>| (for <c>maxabs</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxAbs<T, TVector, V>(ref T lanes, nuint index, TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where V : struct, ISimd<V, TVector, T>
    {
        nuint lane = index & (nuint)(Lanes<T>() - 1);
        V.Store(V.Max(V.Load(ref lanes, lane), V.Abs(x)), ref lanes, lane);
    }

    /// <summary>The chunk's partial: its lanes added (or their largest taken, <paramref name="max"/>) pairwise, in double.</summary>
    public static double Total<T>(Span<T> lanes, bool max)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int count = Lanes<T>();
        ref T lane = ref MemoryMarshal.GetReference(lanes);
        if (!max && Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            // The same tree four lanes at a time: the quarters' lane-wise sums are the first two halvings (lane i + lane i + n/2,
            // then + n/4), the last two are scalar; every add is the scalar loop's, so the bits are too.
            int quarter = count / 4;
            Vector128<T> first = Vector128.Add(Vector128.LoadUnsafe(ref lane), Vector128.LoadUnsafe(ref lane, (nuint)(2 * quarter)));
            Vector128<T> second = Vector128.Add(Vector128.LoadUnsafe(ref lane, (nuint)quarter), Vector128.LoadUnsafe(ref lane, (nuint)(3 * quarter)));
            if (quarter == 4)
            {
                Vector128<T> half = Vector128.Add(first, second);
                return double.CreateTruncating((half.GetElement(0) + half.GetElement(2)) + (half.GetElement(1) + half.GetElement(3)));
            }

            // Doubles: each quarter is two lanes, so first and second are lanes 0–1 and 2–3 after the first halving.
            Vector128<T> pair = Vector128.Add(first, second);
            return double.CreateTruncating(pair.GetElement(0) + pair.GetElement(1));
        }

        for (int width = count / 2; width >= 1; width /= 2)
        {
            for (int i = 0; i < width; i++)
            {
                T a = Unsafe.Add(ref lane, i);
                T b = Unsafe.Add(ref lane, i + width);
                Unsafe.Add(ref lane, i) = max ? (a > b || T.IsNaN(a) ? a : b) : a + b;
            }
        }

        return double.CreateTruncating(lane);
    }

    /// <summary>Adds (or, <paramref name="max"/>, keeps the larger of) a chunk's partial to a running total, in chunk order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Fold(double total, double partial, bool max) => max ? SimdMath.Max(total, partial) : total + partial;
}
