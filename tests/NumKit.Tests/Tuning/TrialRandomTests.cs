using NumKit.Randomness;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class TrialRandomTests
{
    [Fact]
    public void Single_seed_stream_is_SplitMix64()
    {
        // The reference output of Vigna's splitmix64.c seeded with 1234567 (also reproduced by a
        // separate Python implementation when this test was written).
        ulong[] expected =
        {
            6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL,
        };
        var random = new TrialRandom(1234567);
        foreach (ulong value in expected)
        {
            Assert.Equal(value, random.NextUInt64());
        }

        Assert.Equal(5UL, random.Position);
    }

    [Fact]
    public void A_stream_depends_only_on_seed_and_stream_number()
    {
        var a = new TrialRandom(42, 7);
        var b = new TrialRandom(42, 7);
        var otherStream = new TrialRandom(42, 8);
        var otherSeed = new TrialRandom(43, 7);
        ulong[] first = Enumerable.Range(0, 8).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 8).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(first, Enumerable.Range(0, 8).Select(_ => otherStream.NextUInt64()).ToArray());
        Assert.NotEqual(first, Enumerable.Range(0, 8).Select(_ => otherSeed.NextUInt64()).ToArray());
    }

    [Fact]
    public void Neighbouring_streams_are_uncorrelated()
    {
        // The first double of streams 0..n-1 (consecutive trial ids) should look like independent uniforms.
        const int n = 20000;
        double[] u = Enumerable.Range(0, n).Select(i => new TrialRandom(1, (ulong)i).NextDouble()).ToArray();
        double mean = u.Average();
        Assert.InRange(mean, 0.5 - 0.01, 0.5 + 0.01);
        double lag1 = 0;
        for (int i = 1; i < n; i++)
        {
            lag1 += (u[i] - mean) * (u[i - 1] - mean);
        }

        double variance = u.Sum(x => (x - mean) * (x - mean));
        // Standard error of a lag-1 autocorrelation is about 1/sqrt(n) = 0.007.
        Assert.InRange(lag1 / variance, -0.03, 0.03);
    }

    [Fact]
    public void NextDouble_is_in_the_unit_interval_and_uniform()
    {
        var random = new TrialRandom(99);
        var counts = new int[10];
        for (int i = 0; i < 100000; i++)
        {
            double u = random.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - 1e-17);
            counts[(int)(u * 10)]++;
        }

        // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
        double chi = counts.Sum(c => (c - 10000.0) * (c - 10000.0) / 10000.0);
        Assert.True(chi < 27.9, $"chi-square {chi}");
    }

    [Fact]
    public void NextInt32_covers_every_outcome_evenly_and_rejects_bad_counts()
    {
        var random = new TrialRandom(5);
        var counts = new int[7];
        for (int i = 0; i < 70000; i++)
        {
            counts[random.NextInt32(7)]++;
        }

        double chi = counts.Sum(c => (c - 10000.0) * (c - 10000.0) / 10000.0);
        // 6 degrees of freedom: 22.5 is the 0.999 quantile.
        Assert.True(chi < 22.5, $"chi-square {chi}");
        Assert.Equal(0, random.NextInt32(1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TrialRandom(1).NextInt32(0));
        Assert.Equal("count", error.ParamName);
    }

    [Fact]
    public void NextGaussian_has_zero_mean_and_unit_variance()
    {
        var random = new TrialRandom(11);
        double[] x = Enumerable.Range(0, 50000).Select(_ => random.NextGaussian()).ToArray();
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.97, 1.03);
    }
}
