using NumKit.Tests.Specs;

namespace NumKit.Tests.Kernels;

/// <summary>
/// Statements applied every k steps (<c>x = e every k</c>): the generated kernels of the periodic test specs
/// against hand-written double references over 9 steps (so several periods pass), every length 0..200, every
/// vector path, float and double, with identical bits on every path; the parameters and every state compared.
/// </summary>
public class PeriodicKernelTests
{
    private const int Steps = 9;

    /// <summary>One step of a reference: (t, w, g, per-element state, per-step state).</summary>
    private delegate void Reference(int t, double[] w, double[] g, double[][] state, double[] scalarState);

    [PathFact]
    public void Lookahead_over_sgd_syncs_every_SyncPeriod_steps() => Check(new LookaheadSgd(), 2e-6, (t, w, g, s, _) =>
    {
        const double lr = 0.1f, alpha = 0.5f;
        for (int i = 0; i < w.Length; i++)
        {
            if (t == 1)
            {
                s[0][i] = w[i]; // the slow weights start at w0
            }

            w[i] -= lr * g[i];
            if (t % 3 == 0)
            {
                s[0][i] += alpha * (w[i] - s[0][i]);
                w[i] = s[0][i];
            }
        }
    });

    [PathFact]
    public void Per_step_state_and_an_average_only_the_periodic_block_touches() => Check(new WeightAveraging(), 2e-6, (t, w, g, s, scalar) =>
    {
        const double lr = 0.05f;
        bool due = t % 2 == 0;
        if (due)
        {
            scalar[0] += 1; // count
        }

        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= lr * g[i];
            if (due)
            {
                s[0][i] += (w[i] - s[0][i]) / scalar[0];
            }
        }
    });

    [PathFact]
    public void A_period_written_as_a_number() => Check(new SparseDecay(), 2e-6, (t, w, g, s, _) =>
    {
        const double lr = 0.1f, decay = 0.01f;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= lr * g[i];
            if (t % 4 == 0)
            {
                w[i] *= 1 - 4 * decay;
            }
        }
    });

    [Theory]
    [InlineData(0f)]
    [InlineData(-2f)]
    [InlineData(2.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(3e9f)]
    public void A_period_that_is_not_a_whole_number_of_steps_is_refused_before_anything_is_written(float period)
    {
        float[] w = { 1, 2, 3, 4, 5 };
        float[] g = { 1, 1, 1, 1, 1 };
        float[] slow = { 7, 7, 7, 7, 7 };
        var rule = new LookaheadSgd { SyncPeriod = period };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => LookaheadSgd.Update(in rule, 1, w, g, slow));

        Assert.Equal("SyncPeriod", error.ParamName);
        Assert.Contains("whole number", error.Message, StringComparison.Ordinal);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, w);
        Assert.Equal(new float[] { 7, 7, 7, 7, 7 }, slow);
    }

    [Fact]
    public void Ordinary_steps_leave_the_periodic_only_state_untouched()
    {
        // The raw kernel on step 1 (not an averaging step) does not even read 'average': NaN there stays NaN
        // and does not reach w; on step 2 it is read and written.
        float[] w = { 1, 2, 3 };
        float[] g = { 1, 1, 1 };
        float[] average = { float.NaN, float.NaN, float.NaN };
        double count = 0;
        var rule = new WeightAveraging();
        WeightAveraging.Update(in rule, 1, w, g, average, ref count);
        Assert.All(average, a => Assert.True(float.IsNaN(a)));
        Assert.Equal(0, count);
        Assert.Equal(new[] { 1 - 0.05f, 2 - 0.05f, 3 - 0.05f }, w);

        average.AsSpan().Clear();
        WeightAveraging.Update(in rule, 2, w, g, average, ref count);
        Assert.Equal(1, count);
        Assert.Equal(w, average); // the first average is the weights themselves
    }

    private static void Check<TRule>(TRule rule, double tolerance, Reference reference)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var random = new Random(7);
        int states = TRule.StateNames.Count;
        for (int n = 0; n <= 200; n++)
        {
            double[] w0 = Draw(random, n, 1);
            double[][] grads = Enumerable.Range(0, Steps).Select(_ => Draw(random, n, 3)).ToArray();

            double[] expected = (double[])w0.Clone();
            double[][] state = Enumerable.Range(0, states).Select(k => Enumerable.Repeat(rule.InitialState(k), n).ToArray()).ToArray();
            double[] scalarState = Enumerable.Range(0, TRule.ScalarStateNames.Count).Select(rule.InitialScalarState).ToArray();
            for (int t = 1; t <= Steps; t++)
            {
                reference(t, expected, grads[t - 1], state, scalarState);
            }

            double[][]? widest32 = null;
            double[][]? widest64 = null;
            EveryPath.Run(limit =>
            {
                double[][] run32 = Run<TRule, float>(rule, w0, grads);
                double[][] run64 = Run<TRule, double>(rule, w0, grads);
                double[][] wanted = new[] { expected }.Concat(state).ToArray();
                for (int k = 0; k < wanted.Length; k++)
                {
                    string what = k == 0 ? "w" : TRule.StateNames[k - 1];
                    for (int i = 0; i < n; i++)
                    {
                        double scale = 1 + Math.Abs(wanted[k][i]);
                        Assert.True(Math.Abs(run32[k][i] - wanted[k][i]) <= tolerance * scale, $"float {what} n={n} i={i} path={limit}: {run32[k][i]} vs {wanted[k][i]}");
                        Assert.True(Math.Abs(run64[k][i] - wanted[k][i]) <= 1e-12 * scale, $"double {what} n={n} i={i} path={limit}: {run64[k][i]} vs {wanted[k][i]}");
                    }
                }

                widest32 ??= run32;
                widest64 ??= run64;
                for (int k = 0; k < wanted.Length; k++)
                {
                    Assert.True(widest32[k].AsSpan().SequenceEqual(run32[k]), $"float n={n}: path {limit} gives other bits than the widest path");
                    Assert.True(widest64[k].AsSpan().SequenceEqual(run64[k]), $"double n={n}: path {limit} gives other bits than the widest path");
                }
            });
        }
    }

    // The parameters, then each state buffer, after the steps.
    private static double[][] Run<TRule, T>(TRule rule, double[] w0, double[][] grads)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var optimizer = new Optimizer<TRule, T>(rule, w0.Length);
        T[] w = w0.Select(T.CreateTruncating).ToArray();
        foreach (double[] g in grads)
        {
            optimizer.Step(w, g.Select(T.CreateTruncating).ToArray());
        }

        return new[] { w.Select(double.CreateTruncating).ToArray() }
            .Concat(TRule.StateNames.Select(name => optimizer.State(name).ToArray().Select(double.CreateTruncating).ToArray()))
            .ToArray();
    }

    private static double[] Draw(Random random, int n, double range)
        => Enumerable.Range(0, n).Select(_ => (double)(float)((random.NextDouble() * 2 - 1) * range)).ToArray();
}
