using System.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// A function of two values that a block computes lane by lane, through
/// <see cref="ISimd{TSelf, TVector, T}.PerLane{TFunction}(TVector, TVector)"/>, such as <c>pow(x, y)</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ILaneFunction2<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The function's value at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    static abstract T Apply(T x, T y);
}
