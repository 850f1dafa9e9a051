using System;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NumKit.Kernels;

namespace NumKit.Averages;

/// <summary>
/// The exponentially weighted average of a stream of numbers, V_t = β·V_{t−1} + (1 − β)·θ_t with
/// V_0 = 0, whose bias-corrected value V_t / (1 − β^t) is computed when read and never stored.
/// </summary>
/// <remarks>
/// <para>
/// It averages over about 1 / (1 − β) values (<see cref="EffectiveWindow"/>: 10 for β = 0.9, 50 for
/// 0.98). Because V starts at 0, its first values are too small; <see cref="BiasCorrected"/> divides
/// by 1 − β^t to fix that without touching the stored average, so later updates are unaffected.
/// </para>
/// <para>
/// This is a mutable struct: keep it in a field or a local and call <see cref="Update"/> on that
/// variable, not on a copy. For one average per element of a span, use
/// <see cref="ElementwiseExponentialAverage{T}"/> or the span methods here.
/// </para>
/// </remarks>
public struct ExponentialAverage
{
    /// <summary>Creates an average with weight <paramref name="beta"/> on the past; V_0 = 0.</summary>
    /// <param name="beta">β in [0, 1): 0 keeps only the latest value; 0.9 averages about 10 values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is outside [0, 1) or NaN.</exception>
    public ExponentialAverage(double beta)
    {
        CheckBeta(beta);
        Beta = beta;
    }

    /// <summary>The weight β on the previous average.</summary>
    public readonly double Beta { get; }

    /// <summary>The stored average V_t (not bias-corrected); 0 before the first update.</summary>
    public double Value { readonly get; private set; }

    /// <summary>How many values have been averaged, t.</summary>
    public long Count { readonly get; private set; }

    /// <summary>The number of values the average effectively spans, 1 / (1 − β).</summary>
    public readonly double EffectiveWindow => WindowOf(Beta);

    /// <summary>The bias-corrected average V_t / (1 − β^t); 0 before the first update.</summary>
    public readonly double BiasCorrected => Count == 0 ? 0 : Value / (1 - Math.Pow(Beta, Count));

    /// <summary>Averages in <paramref name="theta"/>: V_t = β·V_{t−1} + (1 − β)·θ_t; returns V_t.</summary>
    public double Update(double theta)
    {
        Value = Beta * Value + (1 - Beta) * theta;
        Count++;
        return Value;
    }

    /// <summary>Forgets every value: V = 0 and t = 0, β kept.</summary>
    public void Reset()
    {
        Value = 0;
        Count = 0;
    }

    /// <summary>The number of values an average with weight <paramref name="beta"/> effectively spans, 1 / (1 − β).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is outside [0, 1) or NaN.</exception>
    public static double WindowOf(double beta)
    {
        CheckBeta(beta);
        return 1 / (1 - beta);
    }

    /// <summary>
    /// Updates one average per element in the caller's memory:
    /// averages[i] = β·averages[i] + (1 − β)·theta[i], in one vectorised pass with no allocation.
    /// </summary>
    /// <remarks>
    /// The caller counts the updates (t) for <see cref="CorrectBias{T}"/>. The vector and scalar
    /// paths do the same two multiplies and one add in the same order, so results do not depend on
    /// the machine's vector width.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">The spans' lengths differ; nothing is written.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void Accumulate<T>(Span<T> averages, ReadOnlySpan<T> theta, double beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckType<T>();
        CheckBeta(beta);
        if (theta.Length != averages.Length)
        {
            throw new ArgumentException($"'theta' has {theta.Length} elements but 'averages' has {averages.Length}.", nameof(theta));
        }

        T keep = T.CreateTruncating(beta);
        T take = T.CreateTruncating(1 - beta);
        ref T v = ref MemoryMarshal.GetReference(averages);
        ref T x = ref MemoryMarshal.GetReference(theta);
        int length = averages.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && VectorPaths.Allows(Vector<T>.Count * Unsafe.SizeOf<T>() * 8))
        {
            var keepVector = new Vector<T>(keep);
            var takeVector = new Vector<T>(take);
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> average = Vector.LoadUnsafe(ref v, (nuint)i);
                Vector<T> value = Vector.LoadUnsafe(ref x, (nuint)i);
                (keepVector * average + takeVector * value).StoreUnsafe(ref v, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref v, i) = keep * Unsafe.Add(ref v, i) + take * Unsafe.Add(ref x, i);
        }
    }

    /// <summary>
    /// Writes the bias-corrected averages, destination[i] = averages[i] / (1 − β^t), leaving the
    /// stored averages as they are; with t = 0 (nothing averaged yet) it writes zeros.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is outside [0, 1) or <paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The spans' lengths differ; nothing is written.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void CorrectBias<T>(ReadOnlySpan<T> averages, double beta, long count, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckType<T>();
        CheckBeta(beta);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (destination.Length != averages.Length)
        {
            throw new ArgumentException($"'destination' has {destination.Length} elements but 'averages' has {averages.Length}.", nameof(destination));
        }

        if (count == 0)
        {
            destination.Clear();
            return;
        }

        // One division per step, in double; then a multiply per element.
        T scale = T.CreateTruncating(1 / (1 - Math.Pow(beta, count)));
        ref T v = ref MemoryMarshal.GetReference(averages);
        ref T d = ref MemoryMarshal.GetReference(destination);
        int length = averages.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && VectorPaths.Allows(Vector<T>.Count * Unsafe.SizeOf<T>() * 8))
        {
            var scaleVector = new Vector<T>(scale);
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
            {
                (Vector.LoadUnsafe(ref v, (nuint)i) * scaleVector).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref v, i) * scale;
        }
    }

    internal static void CheckBeta(double beta, [CallerArgumentExpression(nameof(beta))] string? name = null)
    {
        // Written so that NaN fails too.
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(name, beta,
                $"'{name}' must be in [0, 1), not {beta.ToString("R", CultureInfo.InvariantCulture)}: β = 1 would never move from V_0 = 0.");
        }
    }

    internal static void CheckType<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Exponential averages run over float or double, not {typeof(T).Name}.");
        }
    }
}
