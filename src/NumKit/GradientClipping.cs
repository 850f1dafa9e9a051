using System;
using System.Numerics;
using System.Numerics.Tensors;
using NumKit.Reductions;

namespace NumKit;

/// <summary>
/// Gradient clipping before a step, in place and without allocating: by global L2 norm (as
/// <c>torch.nn.utils.clip_grad_norm_</c>) or by value (as <c>clip_grad_value_</c>).
/// </summary>
/// <remarks>
/// "Global" means over every gradient passed in one span: with a <see cref="ParameterSet{T}"/>,
/// <c>ClipByGlobalNorm(set.Gradients, maxNorm)</c> measures every tensor together, as PyTorch does
/// over a model's parameters. The global norm is NumKit's own reduction, allocation-free from the first
/// call on .NET 8 and 10 and the same bits on every vector path; clipping by value uses
/// <see cref="TensorPrimitives"/>.
/// </remarks>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> by maxNorm / (norm + 1e-6) when their L2 norm exceeds
    /// <paramref name="maxNorm"/>, as PyTorch does, and returns the norm measured before clipping.
    /// </summary>
    /// <remarks>
    /// When the norm is NaN or infinite the gradients are left as they are (PyTorch would scale them
    /// to NaN or zero), so a non-finite guard on the optimizer still sees the bad values.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static T ClipByGlobalNorm<T>(Span<T> gradients, T maxNorm)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!(maxNorm > T.Zero) || !T.IsFinite(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The largest norm must be positive and finite.");
        }

        T norm = T.Sqrt(SumOfSquares.Compute<T>(gradients));
        // torch.nn.utils.clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6), applied when below 1.
        T coefficient = maxNorm / (norm + T.CreateTruncating(1e-6));
        if (T.IsFinite(norm) && coefficient < T.One)
        {
            SumOfSquares.Scale(gradients, coefficient);
        }

        return norm;
    }

    /// <summary>Clamps every gradient to [−<paramref name="limit"/>, <paramref name="limit"/>]; NaN stays NaN.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or NaN.</exception>
    public static void ClipByValue<T>(Span<T> gradients, T limit)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!(limit >= T.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The clipping limit must be zero or more.");
        }

        // Min then Max (not Clamp): both propagate NaN, so a non-finite guard still sees it.
        TensorPrimitives.Min(gradients, limit, gradients);
        TensorPrimitives.Max(gradients, -limit, gradients);
    }
}
