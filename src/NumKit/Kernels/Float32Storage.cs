using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>Elements stored as float: a plain load and store.</summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct Float32Storage : IElementStorage
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<TVector, V>(StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => V.Load(ref *(float*)span.Values, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TVector, V>(TVector value, StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>
        => V.Store(value, ref *(float*)span.Values, index);
}
