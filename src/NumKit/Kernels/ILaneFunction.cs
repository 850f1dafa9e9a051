using System.ComponentModel;
using System.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// A function of one value that a block computes lane by lane, through
/// <see cref="ISimd{TSelf, TVector, T}.PerLane{TFunction}(TVector)"/>: the runtime's scalar function on
/// each lane, so every width — and the scalar tail — gives the same bits.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Part of <c>NumKit.Kernels</c>, the building blocks that generated kernels compile against in your
/// project: public only so generated code can reach them, hidden from IntelliSense, outside the
/// reviewed public API (PublicAPI.Shipped.txt) and free to change in any version. Call the generated
/// <c>Update</c> kernels or <c>Optimizer&lt;TRule&gt;</c> instead.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILaneFunction<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The function's value at <paramref name="x"/>.</summary>
    static abstract T Apply(T x);
}
