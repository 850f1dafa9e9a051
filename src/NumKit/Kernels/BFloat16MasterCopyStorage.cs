using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// bfloat16 parameters with a float32 master copy (the span's companion): a load reads the master copy; a store
/// writes it and rounds it to nearest into the bfloat16 parameters.
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct BFloat16MasterCopyStorage : IElementStorage
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TVector, V>(StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => V.Load(ref *(float*)span.Companion, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TVector, V>(TVector value, StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
    {
        V.Store(value, ref *(float*)span.Companion, index);
        BFloat16Lanes.NarrowToNearestEven(value, (ushort*)span.Values + index);
    }
}
