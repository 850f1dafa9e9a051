using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NumKit.Reductions;

/// <summary>
/// Σ x² over a span, allocation-free on every runtime NumKit targets and the same bits on every vector
/// path: the reduction gradient clipping measures the global norm with.
/// </summary>
/// <remarks>
/// <para>
/// NumKit's own rather than <c>TensorPrimitives.SumOfSquares</c>/<c>Norm</c>: System.Numerics.Tensors 10
/// allocates on .NET 8 until its callers are tiered up (128 B per call, measured), which breaks
/// "allocation-free" in the first steps of every run.
/// </para>
/// <para>
/// The order of additions is fixed whatever the vector width: element i of each 64-byte block (16 floats
/// or 8 doubles) is added to accumulator i mod 16 (or 8), one 512-bit vector, two 256-bit or four
/// 128-bit vectors or 16 scalars holding the same lanes; the accumulators are then added pairwise in
/// a fixed tree and the elements past the last whole block one by one. So a width changes speed, never
/// the result.
/// </para>
/// </remarks>
internal static class SumOfSquares
{
    private const int BlockBytes = 64;

    public static T Compute<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = BlockBytes / Unsafe.SizeOf<T>();
        int blocks = values.Length / lanes;
        ref T start = ref MemoryMarshal.GetReference(values);
        Span<T> accumulators = stackalloc T[16];
        accumulators = accumulators[..lanes];
        bool vectorizable = typeof(T) == typeof(float) || typeof(T) == typeof(double);

        if (vectorizable && Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
        {
            Vector512<T> sum = Vector512<T>.Zero;
            for (nuint block = 0; block < (nuint)blocks; block++)
            {
                Vector512<T> x = Vector512.LoadUnsafe(ref start, block * (nuint)lanes);
                sum += x * x;
            }

            sum.StoreUnsafe(ref MemoryMarshal.GetReference(accumulators));
        }
        else if (vectorizable && Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            nuint half = (nuint)Vector256<T>.Count;
            Vector256<T> low = Vector256<T>.Zero, high = Vector256<T>.Zero;
            for (nuint block = 0; block < (nuint)blocks; block++)
            {
                nuint offset = block * (nuint)lanes;
                Vector256<T> x0 = Vector256.LoadUnsafe(ref start, offset);
                Vector256<T> x1 = Vector256.LoadUnsafe(ref start, offset + half);
                low += x0 * x0;
                high += x1 * x1;
            }

            ref T target = ref MemoryMarshal.GetReference(accumulators);
            low.StoreUnsafe(ref target);
            high.StoreUnsafe(ref target, half);
        }
        else if (vectorizable && Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            nuint quarter = (nuint)Vector128<T>.Count;
            Vector128<T> s0 = Vector128<T>.Zero, s1 = Vector128<T>.Zero, s2 = Vector128<T>.Zero, s3 = Vector128<T>.Zero;
            for (nuint block = 0; block < (nuint)blocks; block++)
            {
                nuint offset = block * (nuint)lanes;
                Vector128<T> x0 = Vector128.LoadUnsafe(ref start, offset);
                Vector128<T> x1 = Vector128.LoadUnsafe(ref start, offset + quarter);
                Vector128<T> x2 = Vector128.LoadUnsafe(ref start, offset + (2 * quarter));
                Vector128<T> x3 = Vector128.LoadUnsafe(ref start, offset + (3 * quarter));
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
            }

            ref T target = ref MemoryMarshal.GetReference(accumulators);
            s0.StoreUnsafe(ref target);
            s1.StoreUnsafe(ref target, quarter);
            s2.StoreUnsafe(ref target, 2 * quarter);
            s3.StoreUnsafe(ref target, 3 * quarter);
        }
        else
        {
            accumulators.Clear();
            for (int block = 0; block < blocks; block++)
            {
                ReadOnlySpan<T> x = values.Slice(block * lanes, lanes);
                for (int lane = 0; lane < lanes; lane++)
                {
                    accumulators[lane] += x[lane] * x[lane];
                }
            }
        }

        // Pairwise: lane i with lane i + width/2, halving until one is left.
        for (int width = lanes / 2; width >= 1; width /= 2)
        {
            for (int lane = 0; lane < width; lane++)
            {
                accumulators[lane] += accumulators[lane + width];
            }
        }

        T total = accumulators[0];
        foreach (T x in values[(blocks * lanes)..])
        {
            total += x * x;
        }

        return total;
    }

    /// <summary>Multiplies every value by <paramref name="factor"/> in place (element by element, so every path gives the same bits).</summary>
    public static void Scale<T>(Span<T> values, T factor)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T start = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)values.Length;
        nuint i = 0;
        bool vectorizable = typeof(T) == typeof(float) || typeof(T) == typeof(double);
        if (vectorizable && Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
        {
            Vector512<T> f = Vector512.Create(factor);
            for (; i + (nuint)Vector512<T>.Count <= length; i += (nuint)Vector512<T>.Count)
            {
                (Vector512.LoadUnsafe(ref start, i) * f).StoreUnsafe(ref start, i);
            }
        }
        else if (vectorizable && Vector256.IsHardwareAccelerated && VectorPaths.Allows(256))
        {
            Vector256<T> f = Vector256.Create(factor);
            for (; i + (nuint)Vector256<T>.Count <= length; i += (nuint)Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref start, i) * f).StoreUnsafe(ref start, i);
            }
        }
        else if (vectorizable && Vector128.IsHardwareAccelerated && VectorPaths.Allows(128))
        {
            Vector128<T> f = Vector128.Create(factor);
            for (; i + (nuint)Vector128<T>.Count <= length; i += (nuint)Vector128<T>.Count)
            {
                (Vector128.LoadUnsafe(ref start, i) * f).StoreUnsafe(ref start, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref start, i) *= factor;
        }
    }
}
