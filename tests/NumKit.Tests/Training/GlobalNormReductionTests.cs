using NumKit.Kernels;
using NumKit.Tests.Kernels;

namespace NumKit.Tests.Training;

/// <summary>
/// The global norm is NumKit's own reduction: checked against a double reference for every length
/// from 0 past two 512-bit blocks, on every vector path with the same bits, and allocation-free.
/// </summary>
public class GlobalNormReductionTests
{
    private static T[] Values<T>(int n, int seed)
        where T : System.Numerics.IFloatingPoint<T>
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => T.CreateTruncating((random.NextDouble() * 2 - 1) * 3)).ToArray();
    }

    private static void Check<T>(double tolerance)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        for (int n = 0; n <= 70; n++)
        {
            T[] source = Values<T>(n, n);
            double reference = Math.Sqrt(source.Sum(x => double.CreateTruncating(x) * double.CreateTruncating(x)));
            T maxNorm = T.CreateTruncating(reference / 2 + 1e-3);
            T[]? widestGradients = null;
            T widestNorm = T.Zero;
            EveryPath.Run(limit =>
            {
                T[] g = (T[])source.Clone();
                T norm = GradientClipping.ClipByGlobalNorm<T>(g, maxNorm);
                Assert.True(Math.Abs(double.CreateTruncating(norm) - reference) <= tolerance * (1 + reference), $"n = {n}, path {limit}: {norm} vs {reference}");
                if (widestGradients is null)
                {
                    widestGradients = g;
                    widestNorm = norm;
                    return;
                }

                Assert.Equal(widestNorm, norm);
                Assert.Equal(widestGradients, g);
            });
        }
    }

    [PathFact]
    public void Float_norms_match_a_double_reference_with_the_same_bits_on_every_path() => Check<float>(1e-6);

    [PathFact]
    public void Double_norms_match_a_double_reference_with_the_same_bits_on_every_path() => Check<double>(1e-14);

    [PathFact]
    public void Clipping_by_global_norm_allocates_nothing_from_the_second_call()
    {
        float[] g = Values<float>(1000, 1);
        double[] d = Values<double>(1000, 2);
        GradientClipping.ClipByGlobalNorm<float>(g, 1f);
        GradientClipping.ClipByGlobalNorm<double>(d, 1.0);
        EveryPath.Run(_ =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < 5; call++)
            {
                GradientClipping.ClipByGlobalNorm<float>(g, 1f);
                GradientClipping.ClipByGlobalNorm<double>(d, 1.0);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [PathFact]
    public void A_non_finite_gradient_gives_a_non_finite_norm_on_every_path()
    {
        EveryPath.Run(_ =>
        {
            for (int at = 0; at < 40; at += 13)
            {
                float[] g = Values<float>(40, at);
                g[at] = float.NaN;
                Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm<float>(g, 1f)));
                g[at] = float.PositiveInfinity;
                Assert.True(float.IsPositiveInfinity(GradientClipping.ClipByGlobalNorm<float>(g, 1f)));
                Assert.Equal(float.PositiveInfinity, g[at]);
            }
        });
    }
}
