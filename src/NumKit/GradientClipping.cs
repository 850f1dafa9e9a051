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
/// <see cref="TensorPrimitives"/>. 16-bit gradients (<see cref="Half"/>, <see cref="BFloat16"/>) are measured and
/// scaled in float, so a norm past Half's range (65504) still clips.
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

        if (Kernels.ParameterConversion.IsLowPrecision<T>())
        {
            return T.CreateTruncating(ClipInFloat(gradients, float.CreateTruncating(maxNorm)));
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

    // 16-bit gradients: Σ g² in float over tiles widened on the stack (each tile's sum is the float reduction's,
    // the tiles added in order: the same bits on every path), then scaled in float and rounded back to nearest.
    private static float ClipInFloat<T>(Span<T> gradients, float maxNorm)
        where T : unmanaged
    {
        const int Tile = 1024;
        Span<float> tile = stackalloc float[Tile];
        float sum = 0f;
        for (int start = 0; start < gradients.Length; start += Tile)
        {
            Span<float> values = tile.Slice(0, Math.Min(Tile, gradients.Length - start));
            Kernels.ParameterConversion.Widen<T>(gradients.Slice(start, values.Length), values);
            sum += SumOfSquares.Compute<float>(values);
        }

        float norm = MathF.Sqrt(sum);
        float coefficient = maxNorm / (norm + 1e-6f);
        if (float.IsFinite(norm) && coefficient < 1f)
        {
            for (int start = 0; start < gradients.Length; start += Tile)
            {
                Span<float> values = tile.Slice(0, Math.Min(Tile, gradients.Length - start));
                Span<T> slice = gradients.Slice(start, values.Length);
                Kernels.ParameterConversion.Widen<T>(slice, values);
                SumOfSquares.Scale(values, coefficient);
                Kernels.ParameterConversion.NarrowToNearest<T>(values, slice);
            }
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
