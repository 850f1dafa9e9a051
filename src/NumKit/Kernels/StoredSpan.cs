using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>
/// Where a generated loop over stored values finds one span's elements: the values, a companion buffer for
/// storages that keep one (the float32 master copy, the Kahan compensation), and for stochastic rounding the key
/// of this step's draws and the parameter index of the span's first element. The runtime fills it; generated
/// code only hands it to the span's <see cref="IElementStorage"/>.
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct StoredSpan
{
    internal readonly byte* Values;
    internal readonly byte* Companion;
    internal readonly uint Key;
    internal readonly uint FirstIndex;

    internal StoredSpan(void* values, void* companion, uint key, int firstIndex)
    {
        Values = (byte*)values;
        Companion = (byte*)companion;
        Key = key;
        FirstIndex = (uint)firstIndex;
    }
}
