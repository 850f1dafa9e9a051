using System;
using System.Numerics;

namespace NumKit.Averages;

/// <summary>
/// One exponentially weighted average per element, V_t[i] = β·V_{t−1}[i] + (1 − β)·θ_t[i] with
/// V_0 = 0, over a buffer allocated once here; updates and bias-corrected reads allocate nothing.
/// </summary>
/// <remarks>
/// The stored averages (<see cref="Values"/>) are never bias-corrected: the correction
/// V_t / (1 − β^t) is applied as they are read (<see cref="CopyBiasCorrectedTo"/>,
/// <see cref="BiasCorrected"/>). To average into memory you own, use
/// <see cref="ExponentialAverage.Accumulate{T}"/> and <see cref="ExponentialAverage.CorrectBias{T}"/>.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ElementwiseExponentialAverage<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _values;

    /// <summary>Creates <paramref name="length"/> averages with weight <paramref name="beta"/> on the past, all 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative, or <paramref name="beta"/> is outside [0, 1).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public ElementwiseExponentialAverage(int length, double beta)
    {
        ExponentialAverage.CheckType<T>();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ExponentialAverage.CheckBeta(beta);
        Beta = beta;
        _values = new T[length];
    }

    /// <summary>The weight β on the previous average.</summary>
    public double Beta { get; }

    /// <summary>How many elements are averaged.</summary>
    public int Length => _values.Length;

    /// <summary>How many updates have been applied, t.</summary>
    public long Count { get; private set; }

    /// <summary>The number of values each average effectively spans, 1 / (1 − β).</summary>
    public double EffectiveWindow => 1 / (1 - Beta);

    /// <summary>The stored averages V_t, not bias-corrected.</summary>
    public ReadOnlySpan<T> Values => _values;

    /// <summary>The factor 1 / (1 − β^t) that <see cref="CopyBiasCorrectedTo"/> multiplies by; 0 before the first update.</summary>
    public double BiasCorrection => Count == 0 ? 0 : 1 / (1 - Math.Pow(Beta, Count));

    /// <summary>Averages in one value per element: V_t = β·V_{t−1} + (1 − β)·θ_t, then t += 1.</summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/>'s length is not <see cref="Length"/>; nothing changes.</exception>
    public void Update(ReadOnlySpan<T> theta)
    {
        if (theta.Length != _values.Length)
        {
            throw new ArgumentException($"'theta' has {theta.Length} elements but this average has {_values.Length}.", nameof(theta));
        }

        ExponentialAverage.Accumulate<T>(_values, theta, Beta);
        Count++;
    }

    /// <summary>The bias-corrected average of element <paramref name="index"/>, V_t[index] / (1 − β^t).</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is outside the buffer.</exception>
    public T BiasCorrected(int index) => Count == 0 ? T.Zero : _values[index] * T.CreateTruncating(BiasCorrection);

    /// <summary>Writes every bias-corrected average, V_t / (1 − β^t), into <paramref name="destination"/>; the stored averages are unchanged.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/>'s length is not <see cref="Length"/>; nothing is written.</exception>
    public void CopyBiasCorrectedTo(Span<T> destination)
        => ExponentialAverage.CorrectBias<T>(_values, Beta, Count, destination);

    /// <summary>Forgets every value: all averages 0 and t = 0.</summary>
    public void Reset()
    {
        Array.Clear(_values);
        Count = 0;
    }
}
