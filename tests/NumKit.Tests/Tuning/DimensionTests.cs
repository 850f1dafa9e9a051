using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class DimensionTests
{
    private const int Samples = 20000;

    private static double[] Draw(Dimension dimension, ulong seed = 3)
    {
        var space = new SearchSpace(dimension);
        return RandomSearch.Sample(space, Samples, seed).Select(t => t.Values[0]).ToArray();
    }

    [Fact]
    public void Log_uniform_puts_the_same_share_in_every_decade()
    {
        // The course's r = -4 * rand, alpha = 10^r: each of the four decades gets a quarter.
        double[] alpha = Draw(Dimension.LogUniform("alpha", 1e-4, 1));
        Assert.All(alpha, a => Assert.InRange(a, 1e-4, 1));
        for (int decade = -4; decade < 0; decade++)
        {
            double share = alpha.Count(a => a >= Math.Pow(10, decade) && a < Math.Pow(10, decade + 1)) / (double)Samples;
            // Binomial standard error sqrt(0.25 * 0.75 / 20000) = 0.003.
            Assert.InRange(share, 0.25 - 0.015, 0.25 + 0.015);
        }

        // A uniform draw would put 90% in the top decade.
        Assert.InRange(alpha.Count(a => a >= 0.1) / (double)Samples, 0.23, 0.27);
    }

    [Fact]
    public void One_minus_beta_on_a_log_scale_has_the_expected_quantiles()
    {
        // r uniform in [-3, -1], beta = 1 - 10^r: P(beta <= 1 - 10^q) = (-1 - q) / 2 for q in [-3, -1].
        double[] beta = Draw(Dimension.OneMinusLogUniform("beta", 0.9, 0.999));
        Assert.All(beta, b => Assert.InRange(b, 0.9, 0.999));
        Array.Sort(beta);
        foreach (double p in new[] { 0.1, 0.25, 0.5, 0.75, 0.9 })
        {
            double q = -1 - (2 * p);
            double expected = 1 - Math.Pow(10, q);
            double actual = beta[(int)(p * Samples)];
            // Compare in the scale where the distribution is uniform: within 0.03 of a decade.
            Assert.InRange(Math.Log10(1 - actual), q - 0.03, q + 0.03);
            Assert.InRange(actual, 0.9, 0.999);
            Assert.True(Math.Abs(Math.Log10(1 - actual) - Math.Log10(1 - expected)) < 0.03);
        }

        // The course's point: 0.9..0.99 and 0.99..0.999 are equally likely.
        Assert.InRange(beta.Count(b => b < 0.99) / (double)Samples, 0.485, 0.515);
    }

    [Fact]
    public void Powers_of_two_are_only_powers_of_two_each_equally_likely()
    {
        double[] batch = Draw(Dimension.PowerOfTwo("batch", 16, 256));
        int[] allowed = { 16, 32, 64, 128, 256 };
        Assert.All(batch, b => Assert.Contains((int)b, allowed));
        foreach (int size in allowed)
        {
            Assert.InRange(batch.Count(b => b == size) / (double)Samples, 0.2 - 0.015, 0.2 + 0.015);
        }
    }

    [Fact]
    public void Integers_cover_the_range_with_both_ends_included()
    {
        double[] hidden = Draw(Dimension.Integer("hidden", 3, 7));
        Assert.All(hidden, h => Assert.Equal(Math.Floor(h), h));
        for (int h = 3; h <= 7; h++)
        {
            Assert.InRange(hidden.Count(x => x == h) / (double)Samples, 0.2 - 0.015, 0.2 + 0.015);
        }

        Assert.DoesNotContain(2.0, hidden);
        Assert.DoesNotContain(8.0, hidden);
        Assert.All(Draw(Dimension.Integer("one", -2, -2)), v => Assert.Equal(-2, v));
    }

    [Fact]
    public void Uniform_and_choices_are_even()
    {
        double[] x = Draw(Dimension.Uniform("dropout", 0.1, 0.5));
        Assert.All(x, v => Assert.InRange(v, 0.1, 0.5));
        Assert.InRange(x.Average(), 0.3 - 0.005, 0.3 + 0.005);
        Assert.InRange(x.Count(v => v < 0.2) / (double)Samples, 0.25 - 0.015, 0.25 + 0.015);

        double[] choice = Draw(Dimension.Choice("optimizer", "sgd", "momentum", "adam"));
        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(choice.Count(c => c == i) / (double)Samples, 1 / 3.0 - 0.015, 1 / 3.0 + 0.015);
        }
    }

    [Fact]
    public void Scales_map_values_both_ways()
    {
        var alpha = Dimension.LogUniform("alpha", 1e-4, 1);
        Assert.Equal(-4, alpha.ScaleLow, 12);
        Assert.Equal(0, alpha.ScaleHigh, 12);
        Assert.Equal(1e-2, alpha.FromScale(-2), 15);
        Assert.Equal(1e-4, alpha.FromScale(-9));

        var beta = Dimension.OneMinusLogUniform("beta", 0.9, 0.999);
        Assert.Equal(-3, beta.ScaleLow, 12);
        Assert.Equal(-1, beta.ScaleHigh, 12);
        Assert.Equal(0.99, beta.FromScale(-2), 15);
        Assert.Equal(0.999, beta.FromUnit(0.0), 15);

        var batch = Dimension.PowerOfTwo("batch", 16, 256);
        Assert.Equal(4, batch.ScaleLow);
        Assert.Equal(8, batch.ScaleHigh);
        Assert.Equal(64, batch.FromScale(6.4));
        Assert.Equal(5, batch.DistinctValueCount);
        Assert.Null(alpha.DistinctValueCount);
    }

    [Fact]
    public void Grids_are_evenly_spaced_in_each_scale()
    {
        Assert.Equal(new[] { 1e-4, 1e-3, 1e-2, 1e-1, 1 }, Dimension.LogUniform("a", 1e-4, 1).GridValues(5).Select(v => Math.Round(v, 12)));
        Assert.Equal(new[] { 0.999, 0.99, 0.9 }, Dimension.OneMinusLogUniform("b", 0.9, 0.999).GridValues(3).Select(v => Math.Round(v, 12)));
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, Dimension.Uniform("u", 0, 1).GridValues(3));
        Assert.Equal(new[] { 0.5 }, Dimension.Uniform("u", 0, 1).GridValues(1));
        Assert.Equal(new[] { 16.0, 64, 256 }, Dimension.PowerOfTwo("n", 16, 256).GridValues(3));
        Assert.Equal(new[] { 16.0, 32, 64, 128, 256 }, Dimension.PowerOfTwo("n", 16, 256).GridValues(50));
        Assert.Equal(new[] { 0.0, 1 }, Dimension.Choice("c", "x", "y").GridValues(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dimension.Uniform("u", 0, 1).GridValues(0));
    }

    [Fact]
    public void Narrowing_works_in_the_dimension_scale()
    {
        var alpha = Dimension.LogUniform("alpha", 1e-4, 1);
        // Best values 1e-3 and 1e-2: one decade of spread, a quarter more on each side in log space.
        Dimension narrow = alpha.NarrowAround(new[] { 1e-3, 1e-2 }, margin: 0.25, minimumWidth: 0);
        Assert.Equal(ContinuousScale.Log, Assert.IsType<ContinuousDimension>(narrow).Scale);
        Assert.Equal(-3.25, narrow.ScaleLow, 9);
        Assert.Equal(-1.75, narrow.ScaleHigh, 9);

        // A region that sticks out of the range slides back inside, keeping its width.
        Dimension atEdge = alpha.NarrowAround(new[] { 0.9, 1.0 }, margin: 0, minimumWidth: 0.5);
        Assert.Equal(0, atEdge.ScaleHigh, 9);
        Assert.Equal(-2, atEdge.ScaleLow, 9);

        var beta = Dimension.OneMinusLogUniform("beta", 0.9, 0.999);
        Dimension nb = beta.NarrowAround(new[] { 0.95, 0.96 }, margin: 0, minimumWidth: 0);
        Assert.Equal(0.95, nb.Low, 12);
        Assert.Equal(0.96, nb.High, 12);

        var batch = Dimension.PowerOfTwo("batch", 16, 1024);
        Dimension nbatch = batch.NarrowAround(new[] { 64.0, 64 }, margin: 0.25, minimumWidth: 0.4);
        // Width 0.4 * 6 exponents = 2.4 around 6 -> exponents 5..7.
        Assert.Equal(new[] { 32.0, 64, 128 }, nbatch.GridValues(10));

        var choice = Dimension.Choice("opt", "sgd", "momentum", "adam");
        Dimension kept = choice.NarrowAround(new[] { 2.0, 0.0, 2.0 }, 0.25, 0.05);
        Assert.Equal(new[] { 0, 2 }, Assert.IsType<ChoiceDimension>(kept).AllowedChoices);
        Assert.All(Draw(kept), v => Assert.True(v is 0 or 2));
        Assert.Equal("adam", kept.Format(2));
    }

    [Fact]
    public void Fixing_holds_one_value()
    {
        Assert.All(Draw(Dimension.LogUniform("a", 1e-4, 1).Fix(0.003)), v => Assert.Equal(0.003, v));
        Assert.All(Draw(Dimension.PowerOfTwo("b", 16, 256).Fix(64)), v => Assert.Equal(64, v));
        Assert.All(Draw(Dimension.Choice("c", "x", "y", "z").Fix(1)), v => Assert.Equal(1, v));
        var error = Assert.Throws<ArgumentException>(() => Dimension.PowerOfTwo("b", 16, 256).Fix(48));
        Assert.Contains("48", error.Message);
        Assert.Contains("'b'", error.Message);
    }

    [Fact]
    public void Bad_ranges_are_refused_with_the_name_and_numbers()
    {
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => Dimension.LogUniform("alpha", 0, 1));
        Assert.Equal("low", e1.ParamName);
        Assert.Contains("'alpha'", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Dimension.Uniform("x", 2, 1));
        Assert.Contains("(2)", e2.Message);
        Assert.Contains("(1)", e2.Message);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => Dimension.OneMinusLogUniform("beta", 0.9, 1));
        Assert.Equal("high", e3.ParamName);
        var e4 = Assert.Throws<ArgumentOutOfRangeException>(() => Dimension.PowerOfTwo("batch", 16, 100));
        Assert.Contains("100", e4.Message);
        Assert.Throws<ArgumentException>(() => Dimension.Integer("n", 5, 4));
        Assert.Throws<ArgumentException>(() => Dimension.Choice("c", "a", "a"));
        Assert.Throws<ArgumentException>(() => Dimension.Choice("c", Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => Dimension.Choice("c", 1.0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dimension.Uniform("x", double.NegativeInfinity, 1));
        Assert.Throws<ArgumentException>(() => Dimension.Uniform(" ", 0, 1));
        Assert.Throws<ArgumentException>(() => Dimension.LogUniform("a", 1e-4, 1).NarrowAround(new[] { 5.0 }, 0.25, 0.05));
    }

    [Fact]
    public void Contains_knows_each_kind()
    {
        Assert.True(Dimension.PowerOfTwo("b", 16, 256).Contains(128));
        Assert.False(Dimension.PowerOfTwo("b", 16, 256).Contains(96));
        Assert.False(Dimension.Integer("n", 1, 5).Contains(2.5));
        Assert.False(Dimension.LogUniform("a", 1e-4, 1).Contains(2));
        Assert.False(Dimension.Uniform("u", 0, 1).Contains(double.NaN));
        Assert.True(Dimension.Choice("c", "x", "y").Contains(1));
        Assert.False(Dimension.Choice("c", "x", "y").Contains(2));
    }
}
