namespace NumKit.Tests.Training;

public class GradientClippingTests
{
    private static float[] Random(int n, double scale, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Clip_by_global_norm_scales_as_pytorch_when_the_norm_is_too_large(int n)
    {
        float[] g = Random(n, 3, n);
        // Hand-written: total_norm = sqrt(sum g^2); clip_coef = max_norm / (total_norm + 1e-6).
        double sum = 0;
        foreach (float x in g)
        {
            sum += (double)x * x;
        }

        double norm = Math.Sqrt(sum);
        double maxNorm = norm / 3;
        double coefficient = maxNorm / (norm + 1e-6);
        double[] expected = g.Select(x => x * coefficient).ToArray();

        float returned = GradientClipping.ClipByGlobalNorm(g, (float)maxNorm);
        Assert.Equal(norm, returned, norm * 1e-6);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], g[i], 1e-6 * (1 + Math.Abs(expected[i])));
        }

        double after = Math.Sqrt(g.Sum(x => (double)x * x));
        Assert.True(after <= maxNorm * (1 + 1e-6), $"norm after clipping {after} > {maxNorm}");
    }

    [Fact]
    public void Clip_by_global_norm_leaves_small_gradients_bit_for_bit_and_returns_their_norm()
    {
        double[] g = Random(50, 0.01, 1).Select(x => (double)x).ToArray();
        double[] original = (double[])g.Clone();
        double norm = GradientClipping.ClipByGlobalNorm<double>(g, 1.0);
        Assert.Equal(original, g);
        Assert.Equal(Math.Sqrt(original.Sum(x => x * x)), norm, 1e-15);
        Assert.Equal(0f, GradientClipping.ClipByGlobalNorm(Span<float>.Empty, 1f));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Clip_by_global_norm_leaves_non_finite_gradients_for_the_guard_to_see(float bad)
    {
        float[] g = Random(20, 100, 2);
        g[3] = bad;
        float[] original = (float[])g.Clone();
        float norm = GradientClipping.ClipByGlobalNorm(g, 1f);
        Assert.False(float.IsFinite(norm));
        Assert.Equal(original, g);
    }

    [Fact]
    public void Clip_by_value_clamps_every_gradient_and_keeps_nan()
    {
        float[] g = Random(37, 5, 3);
        g[0] = float.NaN;
        g[1] = float.PositiveInfinity;
        g[2] = float.NegativeInfinity;
        float[] expected = g.Select(x => float.IsNaN(x) ? x : Math.Clamp(x, -1.5f, 1.5f)).ToArray();
        GradientClipping.ClipByValue(g, 1.5f);
        Assert.Equal(expected, g);
        Assert.True(float.IsNaN(g[0]));
        Assert.Equal(1.5f, g[1]);
        Assert.Equal(-1.5f, g[2]);
    }

    [Fact]
    public void Bad_limits_are_refused()
    {
        float[] g = { 1, 2 };
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, 0f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(g, float.PositiveInfinity));
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(g, -1f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(g, float.NaN));
        Assert.Equal(new float[] { 1, 2 }, g);
    }

    [Fact]
    public void Clipping_a_parameter_sets_gradients_measures_every_tensor_together_without_allocating()
    {
        var set = new ParameterSet(new ParameterLayout().Add("W1", 3, 4).Add("b1", 3));
        set.Gradients.Fill(2f);
        GradientClipping.ClipByGlobalNorm(set.Gradients, 1f);
        GradientClipping.ClipByValue(set.Gradients, 1f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        set.Gradients.Fill(2f);
        float norm = GradientClipping.ClipByGlobalNorm(set.Gradients, 1f);
        float clipped = set.Gradient("b1")[2];
        GradientClipping.ClipByValue(set.Gradients, 0.1f);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.Equal(Math.Sqrt(15 * 4.0), norm, 1e-5);
        Assert.Equal(2 / Math.Sqrt(60), clipped, 1e-6);
        Assert.All(set.Gradients.ToArray(), x => Assert.Equal(0.1f, x));
    }
}
