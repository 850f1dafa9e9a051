using System.Text.Json;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Checks of the references that need no golden numbers: closed forms of first steps, limits of
/// the options, and invariants the sources state (so a reference cannot be wrong in the same way
/// as a transcription it was compared with).
/// </summary>
public class SecondRoundPropertyTests
{
    private static readonly TensorSlice[] s_tensors = TensorSlice.Lay(new[]
    {
        ("W", new[] { 4, 3 }), ("b", new[] { 3 }), ("T", new[] { 2, 3, 2 }), ("s", Array.Empty<int>()), ("Z", new[] { 2, 2 }),
    });

    private static (double[] W, double[] G) Inputs(int seed)
    {
        var random = new Random(seed);
        int n = s_tensors.Sum(t => t.Length);
        double[] w = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        TensorSlice z = s_tensors[^1];
        Array.Clear(w, z.Offset, z.Length);
        double[] g = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        return (w, g);
    }

    [Fact]
    public void Adafactor_first_step_on_an_outer_product_gradient_moves_each_element_by_alpha_against_its_sign()
    {
        // With g = a·bᵀ, R·C / mean(R) = g² exactly, so U = sign(g), RMS(U) = 1 and w₁ = w₀ − α·sign(g),
        // α = max(ε2, RMS(w₀))·min(lr, 1).
        var tensors = TensorSlice.Lay(new[] { ("M", new[] { 3, 4 }) });
        double[] a = { 0.5, -1.5, 2 }, b = { 1, -0.25, 3, 0.75 };
        double[] g = a.SelectMany(x => b.Select(y => x * y)).ToArray();
        double[] w = Enumerable.Range(0, 12).Select(i => 0.1 * i - 0.4).ToArray();
        double[] w0 = (double[])w.Clone();
        var reference = new AdafactorReference(tensors, new AdafactorReference.Config { LearningRate = 0.05 });
        reference.Step(w, g);
        double alpha = Math.Max(1e-3, Math.Sqrt(w0.Sum(x => x * x) / 12)) * 0.05;
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(w0[i] - alpha * Math.Sign(g[i]), w[i], 1e-14);
        }

        Assert.Equal(3, reference.RowFactor(0).Length);
        Assert.Equal(4, reference.ColumnFactor(0).Length);
    }

    [Fact]
    public void Adafactor_factors_a_rank_3_tensor_per_leading_index_and_keeps_rows_plus_columns()
    {
        var reference = new AdafactorReference(s_tensors, new AdafactorReference.Config());
        (double[] w, double[] g) = Inputs(1);
        reference.Step(w, g);
        Assert.Equal(4, reference.RowFactor(0).Length);
        Assert.Equal(3, reference.ColumnFactor(0).Length);
        Assert.Equal(2 * 3, reference.RowFactor(2).Length);
        Assert.Equal(2 * 2, reference.ColumnFactor(2).Length);

        // The first step takes g² whole (β̂₁ = 0): each row factor of T is the mean of g² over its row.
        TensorSlice t = s_tensors[2];
        for (int batch = 0; batch < 2; batch++)
        {
            for (int row = 0; row < 3; row++)
            {
                int at = t.Offset + (batch * 3 + row) * 2;
                Assert.Equal((g[at] * g[at] + g[at + 1] * g[at + 1]) / 2, reference.RowFactor(2)[batch * 3 + row], 1e-15);
            }
        }
    }

    [Fact]
    public void Lamb_and_lars_step_a_zero_tensor_with_trust_ratio_one()
    {
        (double[] w, double[] g) = Inputs(2);
        TensorSlice z = s_tensors[^1];
        double[] lamb = (double[])w.Clone();
        new LambReference(s_tensors, new LambReference.Config { LearningRate = 0.01 }).Step(lamb, g);
        double[] lars = (double[])w.Clone();
        new LarsReference(s_tensors, new LarsReference.Config { LearningRate = 0.1 }).Step(lars, g);
        for (int i = z.Offset; i < z.Offset + z.Length; i++)
        {
            Assert.Equal(-0.01 * g[i] / (Math.Abs(g[i]) + 1e-6), lamb[i], 1e-15); // m̂ = g, v̂ = g² on step 1
            Assert.Equal(-0.1 * g[i], lars[i], 1e-15);                               // 1, not TrustCoefficient
        }

        // A nonzero tensor moves by lr·‖w‖/‖u‖·u: its update's norm is lr·‖w‖.
        TensorSlice first = s_tensors[0];
        double moved = Math.Sqrt(Enumerable.Range(first.Offset, first.Length).Sum(i => (lamb[i] - w[i]) * (lamb[i] - w[i])));
        Assert.Equal(0.01 * first.Norm(w), moved, 1e-15);
    }

    [Fact]
    public void Rprop_grows_to_max_step_under_a_steady_sign_and_shrinks_to_min_step_under_a_flipping_one()
    {
        var tensors = TensorSlice.Lay(new[] { ("x", new[] { 2 }) });
        var config = new RpropReference.Config { LearningRate = 0.01, MinStep = 0.002, MaxStep = 0.05 };
        var reference = new RpropReference(tensors, config);
        double[] w = { 0, 0 };
        var moves = new List<(double, double)>();
        for (int t = 0; t < 20; t++)
        {
            double[] before = (double[])w.Clone();
            reference.Step(w, new[] { 1.0, t % 2 == 0 ? 1.0 : -1.0 });
            moves.Add((before[0] - w[0], before[1] - w[1]));
        }

        // Element 0: 0.01·1.2^(t−1) until 0.05. Element 1: +, then a flip (no move, step halves), then s = 0 (move), ...
        for (int t = 1; t <= 20; t++)
        {
            Assert.Equal(Math.Min(0.01 * Math.Pow(1.2, t - 1), 0.05), moves[t - 1].Item1, 1e-15);
        }

        Assert.Equal(0, moves[1].Item2);
        Assert.Equal(0.002, Math.Abs(moves[^1].Item2) + Math.Abs(moves[^2].Item2), 1e-15);
    }

    [Fact]
    public void Asgd_average_is_the_parameters_until_t0_then_their_running_mean()
    {
        var tensors = TensorSlice.Lay(new[] { ("x", new[] { 3 }) });
        var reference = new AsgdReference(tensors, new AsgdReference.Config { LearningRate = 0.1, T0 = 3 });
        double[] w = { 1, -2, 0.5 };
        var history = new List<double[]>();
        for (int t = 1; t <= 9; t++)
        {
            reference.Step(w, new[] { 0.3 * t, -0.1, 1 });
            history.Add((double[])w.Clone());
            // Step t uses μ = 1/max(1, t − 1 − T0), set by the step before: ax = w through step T0 + 2,
            // then the running mean of w from step T0 + 2 on.
            int from = t <= 5 ? t : 5;
            for (int i = 0; i < 3; i++)
            {
                double mean = history.Skip(from - 1).Average(h => h[i]);
                Assert.Equal(mean, reference.Average[i], 1e-14);
            }
        }
    }

    [Fact]
    public void Prodigy_d_never_falls_and_once_off_d0_grows_at_most_by_the_growth_rate()
    {
        var reference = new ProdigyReference(s_tensors, new ProdigyReference.Config { GrowthRate = 1.5, D0 = 1e-4 });
        (double[] w, double[] g) = Inputs(3);
        double previous = reference.D;
        for (int t = 0; t < 40; t++)
        {
            reference.Step(w, g.Select(x => x + 0.5).ToArray());
            // While d is still D0, prodigyopt sets d = max(d, d̂) before the growth clamp: the first
            // move off D0 may exceed D0·GrowthRate; every later one may not.
            double upper = previous == 1e-4 ? double.PositiveInfinity : previous * 1.5 * (1 + 1e-15);
            Assert.InRange(reference.D, previous, upper);
            Assert.True(reference.D <= reference.DMax);
            previous = reference.D;
        }

        Assert.True(reference.D > 1e-3, $"d stayed at {reference.D:E2} under a steady gradient");
    }

    [Fact]
    public void Schedule_free_evaluation_weights_are_the_weighted_average_of_z()
    {
        // x_t = (1 − c_t)·x_{t−1} + c_t·z_t with x_0 = z_0 = y_0 (schedulefree's derivation); y = (1 − β1)·z + β1·x.
        var config = new ScheduleFreeAdamWReference.Config { LearningRate = 0.05, WarmupSteps = 3, R = 1 };
        var reference = new ScheduleFreeAdamWReference(s_tensors, config);
        (double[] y, double[] g) = Inputs(4);
        double[] x = (double[])y.Clone();
        double weightSum = 0, lrMax = -1;
        for (int t = 1; t <= 8; t++)
        {
            reference.Step(y, g.Select(v => v * t).ToArray());
            double lr = config.LearningRate * Math.Min(1, t / 3.0);
            lrMax = Math.Max(lrMax, lr);
            double weight = t * lrMax * lrMax;
            weightSum += weight;
            double c = weight / weightSum;
            double[] evaluation = reference.EvaluationWeights(y);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (1 - c) * x[i] + c * reference.Z![i];
                Assert.Equal(x[i], evaluation[i], 1e-13);
                Assert.Equal(y[i], 0.1 * reference.Z[i] + 0.9 * evaluation[i], 1e-13);
            }
        }
    }

    [Fact]
    public void Lookahead_with_period_1_and_step_1_is_its_inner_rule_and_with_step_0_returns_to_the_start()
    {
        var adam = new Dictionary<string, double> { ["LearningRate"] = 0.01, ["Beta1"] = 0.9, ["Beta2"] = 0.999, ["Epsilon"] = 1e-8, ["WeightDecay"] = 0 };
        (double[] w, double[] g) = Inputs(5);
        double[] plain = (double[])w.Clone(), wrapped = (double[])w.Clone(), anchored = (double[])w.Clone();
        var inner = new ElementwiseReference(s_tensors, "Adam", adam);
        var lookahead = new LookaheadReference(new ElementwiseReference(s_tensors, "Adam", adam), new LookaheadReference.Config { SyncPeriod = 1, SlowStepSize = 1 });
        var still = new LookaheadReference(new ElementwiseReference(s_tensors, "Adam", adam), new LookaheadReference.Config { SyncPeriod = 4, SlowStepSize = 0 });
        for (int t = 1; t <= 12; t++)
        {
            double[] gt = g.Select(v => v * (1 + 0.1 * t)).ToArray();
            inner.Step(plain, gt);
            lookahead.Step(wrapped, gt);
            still.Step(anchored, gt);
            for (int i = 0; i < plain.Length; i++)
            {
                // slow + 1·(w − slow) is w up to one rounding.
                Assert.Equal(plain[i], wrapped[i], 1e-14);
            }
            if (t % 4 == 0)
            {
                Assert.Equal(w, anchored);
            }
            else
            {
                Assert.NotEqual(w, anchored);
            }
        }
    }

    [Fact]
    public void Configure_rejects_an_unknown_property_or_a_number_for_a_bool_naming_it()
    {
        var unknown = new Dictionary<string, JsonElement> { ["Momentm"] = JsonSerializer.SerializeToElement(0.9) };
        var exception = Assert.Throws<ArgumentException>(() => SecondRoundReferences.Configure<LarsReference.Config>(unknown));
        Assert.Contains("Momentm", exception.Message, StringComparison.Ordinal);
        var wrongKind = new Dictionary<string, JsonElement> { ["Nesterov"] = JsonSerializer.SerializeToElement(1.0) };
        exception = Assert.Throws<ArgumentException>(() => SecondRoundReferences.Configure<LarsReference.Config>(wrongKind));
        Assert.Contains("Nesterov", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Rprop")]
    [InlineData("Asgd")]
    [InlineData("Lamb")]
    [InlineData("Lars")]
    [InlineData("Adafactor")]
    [InlineData("Prodigy")]
    [InlineData("ScheduleFreeAdamW")]
    [InlineData("Lookahead")]
    public void Empty_tensors_change_nothing_for_the_other_tensors(string type)
    {
        // A layout may hold tensors of no elements ([0], [2, 0], [0, 3, 2]): every norm, mean and sum
        // over the others, and so every other number, must be what it is without them.
        var withEmpty = TensorSlice.Lay(new[]
        {
            ("e0", new[] { 0 }), ("W", new[] { 4, 3 }), ("e1", new[] { 2, 0 }), ("b", new[] { 3 }), ("T", new[] { 2, 3, 2 }),
            ("s", Array.Empty<int>()), ("e2", new[] { 0, 3, 2 }), ("Z", new[] { 2, 2 }),
        });
        var properties = new Dictionary<string, JsonElement> { ["WeightDecay"] = JsonSerializer.SerializeToElement(0.01) };
        if (type is "Rprop" or "Lookahead")
        {
            properties.Clear();
        }

        var inner = new SecondRoundCase.InnerRule("Adam", new() { ["LearningRate"] = 0.01, ["Beta1"] = 0.9, ["Beta2"] = 0.999, ["Epsilon"] = 1e-8, ["WeightDecay"] = 0 });
        TensorListReference plain = SecondRoundReferences.For(type, s_tensors, properties, inner);
        TensorListReference padded = SecondRoundReferences.For(type, withEmpty, properties, inner);
        (double[] w, double[] g) = Inputs(6);
        double[] w2 = (double[])w.Clone();
        for (int t = 1; t <= 7; t++)
        {
            double[] gt = g.Select(v => v * Math.Cos(t) + 0.2).ToArray();
            plain.Step(w, gt);
            padded.Step(w2, gt);
            Assert.Equal(w, w2);
        }
    }
}
