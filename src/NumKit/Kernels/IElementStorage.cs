using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>
/// How one span of a generated loop over stored values (compact optimizer state, 16-bit parameters) keeps its
/// elements: a load widens a block of them to float, a store rounds a block back — inside the loop's own iteration,
/// so no element makes a round trip through a float copy. The storage types hold no data; a <see cref="StoredSpan"/>
/// says where the elements are.
/// </summary>
/// <remarks>
/// Part of <c>NumKit.Kernels</c>, the building blocks generated kernels compile against in your project: public only
/// so generated code can reach them, hidden from IntelliSense and free to change in any version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IElementStorage
{
    /// <summary>The V.Count elements from <paramref name="index"/> of <paramref name="span"/>, as floats.</summary>
    static abstract TVector Load<TVector, V>(StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>;

    /// <summary>Stores <paramref name="value"/> as the V.Count elements from <paramref name="index"/> of <paramref name="span"/>.</summary>
    static abstract void Store<TVector, V>(TVector value, StoredSpan span, nuint index)
        where TVector : struct
        where V : struct, ISimd<V, TVector, float>;
}
