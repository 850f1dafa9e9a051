using NumKit.Averages;
using NumKit.Tests.Kernels;
using NumKit.Tests.Schedules;

namespace NumKit.Tests.Averages;

public class ExponentialAverageTests
{
    private static void Near(double expected, double actual, double relative, string where)
        => Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"{where}: expected {expected}, got {actual}");

    [Fact]
    public void The_lectures_temperatures_by_hand()
    {
        // θ1 = 40, θ2 = 49, θ3 = 45 (°F) with β = 0.9: V1 = 0.1·40 = 4, V2 = 0.9·4 + 0.1·49 = 8.5,
        // V3 = 0.9·8.5 + 0.1·45 = 12.15; bias-corrected: 4 / 0.1 = 40, 8.5 / 0.19, 12.15 / 0.271.
        var average = new ExponentialAverage(0.9);
        Assert.Equal(0, average.BiasCorrected);
        Near(4, average.Update(40), 1e-15, "V1");
        Near(40, average.BiasCorrected, 1e-14, "corrected V1");
        Near(8.5, average.Update(49), 1e-15, "V2");
        Near(8.5 / 0.19, average.BiasCorrected, 1e-14, "corrected V2");
        Near(12.15, average.Update(45), 1e-15, "V3");
        Near(12.15 / 0.271, average.BiasCorrected, 1e-14, "corrected V3");
        // Reading the correction never changed the stored average.
        Near(12.15, average.Value, 1e-15, "stored V3");
        Assert.Equal(3, average.Count);

        // β = 0.98: V1 = 0.02·40 = 0.8, far below 40; the correction divides by 1 − 0.98 = 0.02.
        var slow = new ExponentialAverage(0.98);
        slow.Update(40);
        Near(0.8, slow.Value, 1e-14, "β = 0.98 V1");
        Near(40, slow.BiasCorrected, 1e-13, "β = 0.98 corrected V1");
        slow.Update(49);
        Near(0.0196 * 40 + 0.02 * 49, slow.Value, 1e-14, "β = 0.98 V2");
        Near((0.0196 * 40 + 0.02 * 49) / (1 - 0.98 * 0.98), slow.BiasCorrected, 1e-13, "β = 0.98 corrected V2");
    }

    [Fact]
    public void The_course_temperature_series_matches_the_golden_file()
    {
        IReadOnlyList<ScheduleGolden.AverageCase> cases = ScheduleGolden.Averages();
        Assert.NotEmpty(cases);
        foreach (ScheduleGolden.AverageCase golden in cases)
        {
            var average = new ExponentialAverage(golden.Beta);
            for (int t = 0; t < golden.Theta.Length; t++)
            {
                average.Update(golden.Theta[t]);
                Near(golden.Expected[t], average.Value, 1e-12, $"V_{t + 1}");
                Near(golden.ExpectedBiasCorrected[t], average.BiasCorrected, 1e-12, $"corrected V_{t + 1}");
            }
        }
    }

    [PathFact]
    public void Elementwise_averages_match_the_golden_file_in_float_and_double_on_every_path()
    {
        // Element i averages θ_t · (i + 1) − i; the average is affine in θ, so V_t[i] = (i + 1)·V_t − i·(1 − β^t).
        const int Length = 37;
        foreach (ScheduleGolden.AverageCase golden in ScheduleGolden.Averages())
        {
            float[]? firstFloat = null;
            double[]? firstDouble = null;
            EveryPath.Run(limit =>
            {
                var singles = new ElementwiseExponentialAverage<float>(Length, golden.Beta);
                var doubles = new ElementwiseExponentialAverage<double>(Length, golden.Beta);
                float[] thetaF = new float[Length], correctedF = new float[Length];
                double[] thetaD = new double[Length], correctedD = new double[Length];
                for (int t = 0; t < golden.Theta.Length; t++)
                {
                    for (int i = 0; i < Length; i++)
                    {
                        thetaD[i] = golden.Theta[t] * (i + 1) - i;
                        thetaF[i] = (float)thetaD[i];
                    }

                    singles.Update(thetaF);
                    doubles.Update(thetaD);
                    singles.CopyBiasCorrectedTo(correctedF);
                    doubles.CopyBiasCorrectedTo(correctedD);
                    double decay = 1 - Math.Pow(golden.Beta, t + 1);
                    for (int i = 0; i < Length; i++)
                    {
                        double expected = (i + 1) * golden.Expected[t] - i * decay;
                        double expectedCorrected = (i + 1) * golden.ExpectedBiasCorrected[t] - i;
                        string where = $"path {limit}, t = {t + 1}, element {i}";
                        Near(expected, doubles.Values[i], 1e-12, where);
                        Near(expectedCorrected, correctedD[i], 1e-12, where);
                        Near(expectedCorrected, doubles.BiasCorrected(i), 1e-12, where);
                        Near(expected, singles.Values[i], 2e-5, where);
                        Near(expectedCorrected, correctedF[i], 2e-5, where);
                    }
                }

                Assert.Equal(golden.Theta.Length, singles.Count);
                if (firstFloat is null)
                {
                    firstFloat = singles.Values.ToArray();
                    firstDouble = doubles.Values.ToArray();
                }
                else
                {
                    Assert.True(firstFloat.AsSpan().SequenceEqual(singles.Values), $"path {limit} gives other float bits than the widest");
                    Assert.True(firstDouble.AsSpan().SequenceEqual(doubles.Values), $"path {limit} gives other double bits than the widest");
                }
            });
        }
    }

    [Theory]
    [InlineData(0.9, 10)]
    [InlineData(0.98, 50)]
    [InlineData(0.5, 2)]
    [InlineData(0.0, 1)]
    public void The_effective_window_is_one_over_one_minus_beta(double beta, double window)
    {
        Assert.Equal(window, new ExponentialAverage(beta).EffectiveWindow, 9);
        Assert.Equal(window, ExponentialAverage.WindowOf(beta), 9);
        Assert.Equal(window, new ElementwiseExponentialAverage<float>(3, beta).EffectiveWindow, 9);
    }

    [Fact]
    public void Beta_zero_keeps_only_the_latest_value()
    {
        var average = new ExponentialAverage(0);
        average.Update(3);
        average.Update(-7);
        Assert.Equal(-7, average.Value);
        Assert.Equal(-7, average.BiasCorrected);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Beta_outside_zero_to_one_is_refused(double beta)
    {
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialAverage(beta)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new ElementwiseExponentialAverage<double>(4, beta)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => ExponentialAverage.Accumulate<float>(new float[2], new float[2], beta)).ParamName);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ExponentialAverage.WindowOf(beta));
        Assert.Contains("[0, 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_length_is_refused_and_changes_nothing()
    {
        var average = new ElementwiseExponentialAverage<float>(4, 0.9);
        average.Update([1, 2, 3, 4]);
        float[] before = average.Values.ToArray();
        var error = Assert.Throws<ArgumentException>(() => average.Update(new float[5]));
        Assert.Contains("5 elements", error.Message, StringComparison.Ordinal);
        Assert.Contains("4", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, average.Count);
        Assert.Equal(before, average.Values.ToArray());
        Assert.Throws<ArgumentException>(() => average.CopyBiasCorrectedTo(new float[3]));
    }

    [Fact]
    public void Before_any_update_the_corrected_values_are_zero_and_reset_forgets()
    {
        var average = new ElementwiseExponentialAverage<double>(3, 0.9);
        double[] corrected = [5, 5, 5];
        average.CopyBiasCorrectedTo(corrected);
        Assert.Equal([0, 0, 0], corrected);
        average.Update([1, 2, 3]);
        average.Reset();
        Assert.Equal(0, average.Count);
        Assert.Equal([0, 0, 0], average.Values.ToArray());

        var scalar = new ExponentialAverage(0.9);
        scalar.Update(10);
        scalar.Reset();
        Assert.Equal(0, scalar.Value);
        Assert.Equal(0, scalar.Count);
    }

    [Fact]
    public void Updates_and_corrected_reads_allocate_nothing()
    {
        var average = new ElementwiseExponentialAverage<float>(1000, 0.9);
        float[] theta = Enumerable.Repeat(1.5f, 1000).ToArray(), corrected = new float[1000];
        var scalar = new ExponentialAverage(0.99);
        average.Update(theta);
        average.CopyBiasCorrectedTo(corrected);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            average.Update(theta);
            average.CopyBiasCorrectedTo(corrected);
            scalar.Update(i);
            _ = scalar.BiasCorrected;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1.5f, corrected[999], 5);
    }
}
