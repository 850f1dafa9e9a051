using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// The in-place STREAM-style triad a[i] += s · b[i]: two arrays read, one written, nothing computed
/// that could stall the loads — the memory-bound limit a single-pass optimizer step is measured against.
/// </summary>
/// <remarks>
/// Written like the kernels it is compared with (the widest vector the machine has, ordinary loads and
/// stores, no unrolling, no non-temporal stores), so the comparison isolates the cost of the arithmetic
/// and the extra streams, not of a different loop.
/// </remarks>
public static class Triad
{
    /// <summary>a[i] += s · b[i] for every i.</summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is not as long as <paramref name="a"/>.</exception>
    public static void Run(Span<float> a, float s, ReadOnlySpan<float> b)
    {
        if (b.Length != a.Length)
        {
            throw new ArgumentException($"a has {a.Length} elements but b has {b.Length}.", nameof(b));
        }

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        nuint length = (nuint)a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> scale = Vector512.Create(s);
            for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            {
                (Vector512.LoadUnsafe(ref aRef, i) + (scale * Vector512.LoadUnsafe(ref bRef, i))).StoreUnsafe(ref aRef, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> scale = Vector256.Create(s);
            for (; i + (nuint)Vector256<float>.Count <= length; i += (nuint)Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref aRef, i) + (scale * Vector256.LoadUnsafe(ref bRef, i))).StoreUnsafe(ref aRef, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> scale = Vector128.Create(s);
            for (; i + (nuint)Vector128<float>.Count <= length; i += (nuint)Vector128<float>.Count)
            {
                (Vector128.LoadUnsafe(ref aRef, i) + (scale * Vector128.LoadUnsafe(ref bRef, i))).StoreUnsafe(ref aRef, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref aRef, i) += s * Unsafe.Add(ref bRef, i);
        }
    }
}
