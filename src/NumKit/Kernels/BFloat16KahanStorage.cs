using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// bfloat16 parameters with a bfloat16 Kahan compensation (the span's companion): a load is value + compensation in
/// float; a store rounds the result to nearest into the value and what that rounding lost (exact in float) into the
/// compensation, rounded to nearest.
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct BFloat16KahanStorage : IElementStorage
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TVector, V>(StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => V.Add(BFloat16Lanes.Widen<TVector>((ushort*)span.Values + index), BFloat16Lanes.Widen<TVector>((ushort*)span.Companion + index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TVector, V>(TVector value, StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
    {
        // The rounded values come back as floats from the rounding itself, not read back from memory.
        TVector stored = BFloat16Lanes.NarrowToNearestEven(value, (ushort*)span.Values + index);
        BFloat16Lanes.NarrowToNearestEven(V.Subtract(value, stored), (ushort*)span.Companion + index);
    }
}
