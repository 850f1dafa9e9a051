using System.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// A function of one value that a block computes lane by lane, through
/// <see cref="ISimd{TSelf, TVector, T}.PerLane{TFunction}(TVector)"/>: the runtime's scalar function on
/// each lane, so every width — and the scalar tail — gives the same bits.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ILaneFunction<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The function's value at <paramref name="x"/>.</summary>
    static abstract T Apply(T x);
}
