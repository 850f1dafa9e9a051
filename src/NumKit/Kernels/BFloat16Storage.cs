using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>Elements stored as bfloat16: a load widens (exact), a store rounds to nearest, ties to even.</summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct BFloat16Storage : IElementStorage
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TVector, V>(StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => BFloat16Lanes.Widen<TVector>((ushort*)span.Values + index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TVector, V>(TVector value, StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => BFloat16Lanes.NarrowToNearestEven(value, (ushort*)span.Values + index);
}
