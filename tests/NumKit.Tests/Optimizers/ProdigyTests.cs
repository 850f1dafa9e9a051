using System.Numerics;
using NumKit.Kernels;
using NumKit.Optimizers;
using NumKit.Tests.Kernels;
using NumKit.Tests.Optimizers.SecondRound;

namespace NumKit.Tests.Optimizers;

/// <summary>
/// What Prodigy adds beyond the golden, extra and random cases (SecondRoundCatalogTests,
/// SecondRoundRandomConfigurationTests): d is per parameter group (each group an independent prodigyopt over its
/// own tensors, against the double reference), the two-phase raw kernel gives the optimizer's bits, a step with
/// LearningRate 0 or without any gradient changes what prodigyopt leaves alone, GrowthRate's +∞ passes the range
/// check and NaN does not, checkpoints of several groups resume bit for bit, and Lookahead steps it group by group.
/// </summary>
public class ProdigyTests
{
    private static readonly string[] s_secondGroup = { "b1", "T" };

    // Tensors of ranks 0 to 3, one past a chunk; group 1 takes two of them, interleaved with group 0's.
    private static ParameterLayout Layout()
        => new ParameterLayout().Add("s", Array.Empty<int>()).Add("b1", 5).Add("W", 7, 9).Add("T", 2, 3, 4).Add("big", ReductionLanes.ChunkLength + 37).Add("Z", 3, 2);

    private static readonly Prodigy s_first = new() { D0 = 1e-4f, LearningRate = 0.5f };

    private static readonly Prodigy s_second = new()
    {
        D0 = 1e-3f, DCoefficient = 2f, GrowthRate = 1.5f, WeightDecay = 0.02f, DecoupleWeightDecay = false, UseBiasCorrection = true,
        SafeguardWarmup = true, Beta1 = 0.8f, Beta2 = 0.99f, Beta3 = 0.95f, Epsilon = 1e-6f,
    };

    [Fact]
    public void Each_group_estimates_its_own_d_from_its_own_tensors_in_double()
        => GroupsAgainstReferences<double>(1e-12);

    [PathFact]
    public void Each_group_estimates_its_own_d_from_its_own_tensors_in_float_with_the_same_bits_everywhere()
    {
        double[]? first = null;
        EveryPath.Run(limit =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                double[] result = GroupsAgainstReferences<float>(2e-5, threads);
                first ??= result;
                Assert.True(first.AsSpan().SequenceEqual(result), $"path {limit}, {threads} thread(s) differs from the widest path on one thread");
            }
        });
    }

    [PathFact]
    public void The_two_phase_raw_kernel_gives_the_optimizers_bits()
    {
        EveryPath.Run(limit =>
        {
            ParameterLayout layout = Layout();
            var set = new ParameterSet<float>(layout);
            var optimizer = new Optimizer<Prodigy>(s_second, layout);
            Start(set);

            var raw = new ParameterSet<float>(layout);
            Start(raw);
            float[][] states = layout.Select(t => new float[4 * t.Length]).ToArray();
            double[] scalars = InitialScalarState(s_second);
            Span<double> group = stackalloc double[Prodigy.GroupScratchLength];
            for (int t = 1; t <= 8; t++)
            {
                Gradients(set, t);
                Gradients(raw, t);
                optimizer.Step(set);
                group.Clear();
                for (int pass = 1; pass <= Prodigy.GroupPassCount; pass++)
                {
                    for (int j = 0; j < layout.Count; j++)
                    {
                        ParameterTensor tensor = layout[j];
                        Span<float> state = states[j];
                        int n = tensor.Length;
                        Prodigy.UpdateGroupPass(pass, in s_second, t, raw.Values.Slice(tensor.Offset, n), raw.Gradients.Slice(tensor.Offset, n),
                            state.Slice(0, n), state.Slice(n, n), state.Slice(2 * n, n), state.Slice(3 * n, n), scalars, group);
                    }

                    Prodigy.FinishGroupPass(pass, in s_second, t, scalars, group);
                }

                Prodigy.FinishGroupStep(in s_second, t, scalars, group);
                Assert.True(set.Values.SequenceEqual(raw.Values), $"path {limit}, step {t}: the raw kernel's parameters differ");
                Assert.Equal(optimizer.ScalarState("d"), scalars[0]);
            }
        });
    }

    [Fact]
    public void The_raw_kernel_refuses_a_bad_pass_or_short_scratch_before_writing()
    {
        float[] w = { 1, 2 }, g = { 1, 1 }, m = new float[2], v = new float[2], s = new float[2], x0 = new float[2];
        double[] scalars = { 1e-6, 0, 0, 1e-6 };
        var rule = new Prodigy();
        Assert.Throws<ArgumentOutOfRangeException>(() => Prodigy.UpdateGroupPass(3, in rule, 1, w, g, m, v, s, x0, scalars, new double[Prodigy.GroupScratchLength]));
        Assert.ThrowsAny<ArgumentException>(() => Prodigy.UpdateGroupPass(1, in rule, 1, w, g, m, v, s, x0, scalars, new double[2]));
        Assert.Equal(new float[2], x0);
        Assert.Equal(new float[] { 1, 2 }, w);
    }

    [Fact]
    public void A_step_at_learning_rate_0_changes_nothing_but_the_step_count()
    {
        // prodigyopt skips a group whose lr is 0: no moment decays, D stays 0 and the step returns early.
        ParameterLayout layout = Layout();
        var set = new ParameterSet<float>(layout);
        Start(set);
        var optimizer = new Optimizer<Prodigy>(s_first, layout);
        for (int t = 1; t <= 3; t++)
        {
            Gradients(set, t);
            optimizer.Step(set);
        }

        string before = Fingerprint(optimizer, set, withSteps: false);
        optimizer.LearningRate = 0;
        Gradients(set, 4);
        optimizer.Step(set);
        Assert.Equal(before, Fingerprint(optimizer, set, withSteps: false));
        Assert.Equal(4, optimizer.StepCount);
    }

    [Fact]
    public void A_group_without_gradient_keeps_its_weights_d_and_k_while_the_other_moves()
    {
        ParameterLayout layout = Layout();
        var set = new ParameterSet<float>(layout);
        Start(set);
        var optimizer = new Optimizer<Prodigy>(s_first, layout);
        optimizer.AddGroup(s_second with { WeightDecay = 0 }, s_secondGroup); // coupled decay would add λw to the zero gradient
        float[] secondBefore = s_secondGroup.SelectMany(name => set.Values.Slice(layout[name].Offset, layout[name].Length).ToArray()).ToArray();
        float[] firstBefore = set.Values.Slice(layout["W"].Offset, layout["W"].Length).ToArray();
        for (int t = 1; t <= 3; t++)
        {
            Gradients(set, t);
            foreach (string name in s_secondGroup)
            {
                set.Gradients.Slice(layout[name].Offset, layout[name].Length).Clear();
            }

            optimizer.Step(set);
        }

        Assert.Equal(secondBefore, s_secondGroup.SelectMany(name => set.Values.Slice(layout[name].Offset, layout[name].Length).ToArray()));
        Assert.Equal((double)s_second.D0, optimizer.ScalarState("d", 1));
        Assert.Equal(0, optimizer.ScalarState("k", 1));
        Assert.Equal(3, optimizer.ScalarState("k", 0));
        Assert.NotEqual(firstBefore, set.Values.Slice(layout["W"].Offset, layout["W"].Length).ToArray());
    }

    [Fact]
    public void Growth_rate_takes_positive_infinity_and_refuses_nan()
    {
        HyperparameterRange range = RangeOf("GrowthRate");
        Assert.True(range.Contains(float.PositiveInfinity));
        Assert.False(range.Contains(float.NaN));
        Assert.False(range.Contains(float.NegativeInfinity));
        Assert.False(range.Contains(0));
        Assert.False(RangeOf("Epsilon").Contains(float.PositiveInfinity));
        Assert.Contains("+∞", range.ToString());
        _ = new Optimizer<Prodigy>(new Prodigy(), 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Optimizer<Prodigy>(new Prodigy { GrowthRate = float.NaN }, 3));
        var optimizer = new Optimizer<Prodigy>(new Prodigy(), 3);
        optimizer.Rule.Epsilon = float.PositiveInfinity;
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(new float[3], new float[3]));
    }

    [Fact]
    public void A_checkpoint_of_two_groups_resumes_bit_for_bit_with_each_groups_d_and_x0()
    {
        ParameterLayout layout = Layout();
        var straightSet = new ParameterSet<float>(layout);
        Start(straightSet);
        Optimizer<Prodigy> straight = TwoGroups(layout);
        Run(straight, straightSet, 1, 8);

        var set = new ParameterSet<float>(layout);
        Start(set);
        Optimizer<Prodigy> first = TwoGroups(layout);
        Run(first, set, 1, 4);
        using var stream = new MemoryStream();
        first.SaveCheckpoint(stream);
        stream.Position = 0;
        Optimizer<Prodigy> resumed = TwoGroups(layout, fresh: true);
        resumed.LoadCheckpoint(stream);
        Assert.NotEqual(resumed.ScalarState("d", 0), resumed.ScalarState("d", 1));
        Run(resumed, set, 5, 4);
        string[] expected = Fingerprint(straight, straightSet, withSteps: true).Split('|'), actual = Fingerprint(resumed, set, withSteps: true).Split('|');
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"part {i} of the fingerprint (parameters, step count, each state per tensor, each group's scalars) differs");
        }
    }

    [PathFact]
    public void Lookahead_over_prodigy_is_prodigy_then_the_slow_weights_every_k_steps()
    {
        // Lookahead steps Prodigy pass by pass over the group; on steps 2 and 4 (k = 2), slow ← slow + α(w − slow) and
        // w ← slow, in float as LookaheadSync computes it; slow starts at w₀. Compared with a plain Prodigy run
        // synchronised by hand, bit for bit, on every path and at 1, 2 and 3 threads.
        EveryPath.Run(limit =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                ParameterLayout layout = Layout();
                var plainSet = new ParameterSet<float>(layout);
                Start(plainSet);
                float[] slow = plainSet.Values.ToArray();
                var plain = new Optimizer<Prodigy>(s_second, layout) { MaxDegreeOfParallelism = threads };
                var set = new ParameterSet<float>(layout);
                Start(set);
                var lookahead = new Optimizer<Lookahead<Prodigy>>(Lookahead.Over(s_second, syncPeriod: 2, slowStepSize: 0.5f), layout) { MaxDegreeOfParallelism = threads };
                for (int t = 1; t <= 5; t++)
                {
                    Gradients(plainSet, t);
                    Gradients(set, t);
                    plain.Step(plainSet);
                    if (t % 2 == 0)
                    {
                        Span<float> w = plainSet.Values;
                        for (int i = 0; i < w.Length; i++)
                        {
                            slow[i] = slow[i] + 0.5f * (w[i] - slow[i]);
                            w[i] = slow[i];
                        }
                    }

                    lookahead.Step(set);
                    Assert.True(plainSet.Values.SequenceEqual(set.Values), $"path {limit}, {threads} thread(s), step {t}: Lookahead<Prodigy> differs from Prodigy synchronised by hand");
                    Assert.Equal(plain.ScalarState("d"), lookahead.ScalarState("d"));
                }

                Assert.Equal(slow, lookahead.State("slow").ToArray());
            }
        });
    }

    private static HyperparameterRange RangeOf(string name) => RangeOf<Prodigy>(name);

    // What a caller of the raw kernel starts the group's scalar state from: the rule's 'init' values (d = d_max = D0).
    private static double[] InitialScalarState<TRule>(TRule rule)
        where TRule : struct, IOptimizerRule<TRule>
        => Enumerable.Range(0, TRule.ScalarStateNames.Count).Select(rule.InitialScalarState).ToArray();

    private static HyperparameterRange RangeOf<TRule>(string name)
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.RangeOf(name);

    private static Optimizer<Prodigy> TwoGroups(ParameterLayout layout, bool fresh = false)
    {
        // Fresh: float hyperparameters at their defaults (the checkpoint restores them); the bool options are the rule's
        // own settings, not hyperparameters, and are not in a checkpoint.
        var optimizer = new Optimizer<Prodigy>(fresh ? new Prodigy() : s_first, layout);
        optimizer.AddGroup(fresh ? new Prodigy { DecoupleWeightDecay = false, UseBiasCorrection = true, SafeguardWarmup = true } : s_second, s_secondGroup);
        return optimizer;
    }

    private static void Run(Optimizer<Prodigy> optimizer, ParameterSet<float> set, int from, int steps)
    {
        for (int t = from; t < from + steps; t++)
        {
            Gradients(set, t);
            optimizer.Step(set);
        }
    }

    private static string Fingerprint(Optimizer<Prodigy> optimizer, ParameterSet<float> set, bool withSteps)
    {
        var parts = new List<string> { string.Join(",", set.Values.ToArray().Select(BitConverter.SingleToInt32Bits)) };
        if (withSteps)
        {
            parts.Add(optimizer.StepCount.ToString());
        }

        foreach (string state in optimizer.StateNames)
        {
            foreach (ParameterTensor tensor in optimizer.Layout)
            {
                parts.Add(string.Join(",", optimizer.State(state, tensor.Name).ToArray().Select(BitConverter.SingleToInt32Bits)));
            }
        }

        for (int group = 0; group < optimizer.GroupCount; group++)
        {
            parts.AddRange(optimizer.ScalarStateNames.Select(name => BitConverter.DoubleToInt64Bits(optimizer.ScalarState(name, group)).ToString()));
        }

        return string.Join("|", parts);
    }

    private static void Start<T>(ParameterSet<T> set)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(7);
        for (int i = 0; i < set.Values.Length; i++)
        {
            set.Values[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        }

        set.Values.Slice(set.Layout["Z"].Offset, set.Layout["Z"].Length).Clear();
    }

    // A steady part, so d grows, and a random one.
    private static void Gradients<T>(ParameterSet<T> set, int t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(100 + t);
        for (int i = 0; i < set.Gradients.Length; i++)
        {
            set.Gradients[i] = T.CreateTruncating(0.3 * Math.Sin(i + 1) + (random.NextDouble() * 2 - 1));
        }
    }

    // Two groups, each against its own prodigyopt reference over its own tensors; returns the parameters after the last step.
    private static double[] GroupsAgainstReferences<T>(double tolerance, int threads = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterLayout layout = Layout();
        var set = new ParameterSet<T>(layout);
        Start(set);
        var optimizer = new Optimizer<Prodigy, T>(s_first, layout) { MaxDegreeOfParallelism = threads };
        optimizer.AddGroup(s_second, s_secondGroup);
        ParameterTensor[][] groups =
        {
            layout.Where(t => !s_secondGroup.Contains(t.Name)).ToArray(),
            layout.Where(t => s_secondGroup.Contains(t.Name)).ToArray(),
        };
        ProdigyReference[] references = { Reference(groups[0], s_first), Reference(groups[1], s_second) };
        double[] expected = SecondRoundHarness.ToDouble<T>(set.Values);
        for (int t = 1; t <= 12; t++)
        {
            Gradients(set, t);
            double[] g = SecondRoundHarness.ToDouble<T>(set.Gradients);
            optimizer.Step(set);
            for (int k = 0; k < 2; k++)
            {
                double[] w = groups[k].SelectMany(x => expected.Skip(x.Offset).Take(x.Length)).ToArray();
                references[k].Step(w, groups[k].SelectMany(x => g.Skip(x.Offset).Take(x.Length)).ToArray());
                int at = 0;
                foreach (ParameterTensor tensor in groups[k])
                {
                    Array.Copy(w, at, expected, tensor.Offset, tensor.Length);
                    at += tensor.Length;
                }

                Assert.True(Math.Abs(optimizer.ScalarState("d", k) - references[k].D) <= tolerance * references[k].D, $"step {t}, group {k}: d {optimizer.ScalarState("d", k)}, the reference's {references[k].D}");
            }

            double[] actual = SecondRoundHarness.ToDouble<T>(set.Values);
            double error = GoldenTests.Error(actual, expected);
            Assert.True(error <= tolerance, $"step {t}: error {error:E2} against the per-group references exceeds {tolerance:E0}");
        }

        Assert.NotEqual(optimizer.ScalarState("d", 0), optimizer.ScalarState("d", 1));
        return SecondRoundHarness.ToDouble<T>(set.Values);
    }

    private static ProdigyReference Reference(ParameterTensor[] tensors, Prodigy rule)
        => new(
            TensorSlice.Lay(tensors.Select(t => (t.Name, t.Shape.ToArray()))),
            new ProdigyReference.Config
            {
                LearningRate = rule.LearningRate, Beta1 = rule.Beta1, Beta2 = rule.Beta2, Beta3 = rule.Beta3, D0 = rule.D0,
                DCoefficient = rule.DCoefficient, GrowthRate = rule.GrowthRate, WeightDecay = rule.WeightDecay,
                DecoupleWeightDecay = rule.DecoupleWeightDecay, UseBiasCorrection = rule.UseBiasCorrection,
                SafeguardWarmup = rule.SafeguardWarmup, Epsilon = rule.Epsilon,
            });
}
