using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NumKit.Kernels;

/// <summary>Elements stored as float: a plain load and store.</summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct Float32Storage : IElementStorage
{
    // How far ahead (in floats: 2 KiB) a 512-bit load asks for its stream's next cache lines, one line per load: in
    // the loop that converts bfloat16 state beside float parameters and gradients, the hardware prefetcher alone
    // leaves the float loads waiting on memory. Thread-CPU probe (loaded machine), Adam with bfloat16 m, v on
    // AVX-512, one thread: 16 Mi parameters 17-18% faster (split across two threads: 20%), 1 Mi 3%, cache-sized
    // spans within ±3%. Not at 256 bits (no gain measured: that loop is bound by its operations) and not on bfloat16
    // streams (the all-bfloat16 loop got ~10% slower with them). A prefetch never faults, past a span's end too.
    private const int PrefetchDistance = 512;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TVector, V>(StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
    {
        if (Sse.IsSupported && V.Count == 16)
        {
            Sse.Prefetch0((float*)span.Values + index + PrefetchDistance);
        }

        return V.Load(ref *(float*)span.Values, index);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TVector, V>(TVector value, StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => V.Store(value, ref *(float*)span.Values, index);
}
