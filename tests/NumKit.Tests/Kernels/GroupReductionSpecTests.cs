using NumKit.Kernels;
using NumKit.Tests.Specs;

namespace NumKit.Tests.Kernels;

/// <summary>
/// The group-scope specs (tests/Specs: GroupStandardized, GroupClipped) through <c>Optimizer&lt;TRule&gt;</c> over a
/// layout of tensors of sizes 0 to past a chunk and past two threads' worth, in two parameter groups with different
/// hyperparameters whose tensors interleave, against hand-written double references over each group's tensors; the
/// same bits on every vector path, at 1, 2 and 3 threads, and through the two-phase raw kernel
/// (UpdateGroupPass / FinishGroupPass / FinishGroupStep); no allocation per step.
/// </summary>
public class GroupReductionSpecTests
{
    private const int Steps = 4;

    // The tensors of group 1; the others are group 0's.
    private static readonly string[] s_secondGroup = { "seven", "m", "chunk" };

    private static ParameterLayout Layout()
        => new ParameterLayout()
            .Add("empty", 0).Add("one", 1).Add("seven", 7).Add("sixteen", 16).Add("seventeen", 17).Add("m", 3, 11)
            .Add("chunk", ReductionLanes.ChunkLength + 5)
            .Add("big", 2 * Optimizer<GroupStandardized>.MinimumParametersPerThread + 4099);

    /// <summary>A double reference of one group's step over its tensors' w and g (flat, layout order); scalars are the group's.</summary>
    private delegate void GroupStep(int t, double[] w, double[] g, double[] scalars);

    private delegate void PassCall<TRule>(int pass, TRule rule, int t, Span<float> w, ReadOnlySpan<float> g, ReadOnlySpan<double> scalars, Span<double> group);

    private delegate void FinishPassCall<TRule>(int pass, TRule rule, int t, ReadOnlySpan<double> scalars, Span<double> group);

    private delegate void FinishStepCall<TRule>(TRule rule, int t, Span<double> scalars, ReadOnlySpan<double> group);

    /// <summary>The raw two-phase kernel's calls for one rule: UpdateGroupPass over one tensor, FinishGroupPass, FinishGroupStep.</summary>
    private sealed record RawKernel<TRule>(int PassCount, int ScratchLength, PassCall<TRule> Pass, FinishPassCall<TRule> FinishPass, FinishStepCall<TRule> FinishStep);

    [PathFact]
    public void A_group_mean_then_a_group_rms_that_needs_it_then_the_step()
        => Check(
            new GroupStandardized(),
            new GroupStandardized { LearningRate = 0.05f, Epsilon = 1e-3f },
            new RawKernel<GroupStandardized>(
                GroupStandardized.GroupPassCount,
                GroupStandardized.GroupScratchLength,
                (pass, rule, t, w, g, scalars, group) => GroupStandardized.UpdateGroupPass(pass, in rule, t, w, g, scalars, group),
                (pass, rule, t, scalars, group) => GroupStandardized.FinishGroupPass(pass, in rule, t, scalars, group),
                (rule, t, scalars, group) => GroupStandardized.FinishGroupStep(in rule, t, scalars, group)),
            2e-5,
            rule => (t, w, g, _) =>
            {
                double lr = rule.LearningRate, eps = rule.Epsilon;
                double c = g.Length == 0 ? double.NaN : g.Sum() / g.Length;
                double[] d = g.Select(x => x - c).ToArray();
                double rms = Math.Sqrt(d.Sum(x => x * x) / d.Length);
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] -= lr * d[i] / (rms + eps);
                }
            });

    [PathFact]
    public void A_group_norm_clips_and_a_per_group_state_follows_the_peak()
        => Check(
            new GroupClipped(),
            new GroupClipped { LearningRate = 0.2f, MaxNorm = 1e9f, Decay = 0.5f, Pull = 0 },
            new RawKernel<GroupClipped>(
                GroupClipped.GroupPassCount,
                GroupClipped.GroupScratchLength,
                (pass, rule, t, w, g, scalars, group) => GroupClipped.UpdateGroupPass(pass, in rule, t, w, g, scalars, group),
                (pass, rule, t, scalars, group) => GroupClipped.FinishGroupPass(pass, in rule, t, scalars, group),
                (rule, t, scalars, group) => GroupClipped.FinishGroupStep(in rule, t, scalars, group)),
            2e-5,
            rule => (t, w, g, scalars) =>
            {
                double lr = rule.LearningRate, maxNorm = rule.MaxNorm, decay = rule.Decay, eps = rule.Epsilon, pull = rule.Pull;
                double n = Math.Sqrt(g.Sum(x => x * x));
                scalars[0] = Math.Max(scalars[0] * decay, g.Select(Math.Abs).DefaultIfEmpty(0).Max());
                double total = g.Sum();
                double scale = n > maxNorm ? maxNorm / n : 1;
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] = w[i] - lr * scale * g[i] / (scalars[0] + eps) - pull * total;
                }
            },
            initialScalars: new[] { 1.0 });

    [Fact]
    public void The_specs_make_the_fewest_passes_and_reduce_over_groups()
    {
        Assert.Equal((3, true), (Passes<GroupStandardized>(), OverGroups<GroupStandardized>()));
        Assert.Equal((2, true), (Passes<GroupClipped>(), OverGroups<GroupClipped>()));
        Assert.Equal(new[] { "peak" }, ScalarStateNames<GroupClipped>());
        Assert.False(OverGroups<Centralized>());
    }

    [PathFact]
    public void A_wrong_reference_is_caught()
        => Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Check(
            new GroupStandardized(),
            new GroupStandardized(),
            null,
            2e-5,
            rule => (t, w, g, _) =>
            {
                // Each tensor's mean instead of the group's: what a per-tensor reduction would compute.
                double c = g.Take(7).DefaultIfEmpty(0).Average();
                double[] d = g.Select(x => x - c).ToArray();
                double rms = Math.Sqrt(d.Sum(x => x * x) / d.Length);
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] -= rule.LearningRate * d[i] / (rms + rule.Epsilon);
                }
            }));

    [Fact]
    public void The_packed_single_call_kernel_is_refused_for_a_group_rule()
    {
        float[] w = new float[4], g = new float[4];
        Assert.Throws<NotSupportedException>(() => StepOnce<GroupStandardized>(w, g));
    }

    private static void StepOnce<TRule>(float[] w, float[] g)
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.Step(new TRule(), 1, w, g, Span<float>.Empty, w.Length, new double[TRule.ScalarStateNames.Count]);

    private static int Passes<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.PassCount;

    private static bool OverGroups<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.ReducesOverGroups;

    private static IReadOnlyList<string> ScalarStateNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.ScalarStateNames;

    private static void Fill(Span<float> values, int seed, double scale, double offset = 0)
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(offset + (random.NextDouble() * 2 - 1) * scale);
        }
    }

    private static int GroupOf(ParameterTensor tensor) => s_secondGroup.Contains(tensor.Name) ? 1 : 0;

    private static void Check<TRule>(TRule first, TRule second, RawKernel<TRule>? raw, double tolerance, Func<TRule, GroupStep> reference, double[]? initialScalars = null)
        where TRule : struct, IOptimizerRule<TRule>
    {
        ParameterLayout layout = Layout();
        TRule[] rules = { first, second };
        float[]? widest = null;
        EveryPath.Run(limit =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] result = RunOptimizer(rules, layout, threads);
                widest ??= result;
                Assert.True(widest.AsSpan().SequenceEqual(result), $"{typeof(TRule).Name}: path {limit}, {threads} thread(s) differs from the widest path on one thread");
            }

            if (raw is not null)
            {
                float[] rawResult = RunRawKernel(rules, layout, raw);
                Assert.True(widest!.AsSpan().SequenceEqual(rawResult), $"{typeof(TRule).Name}: the two-phase raw kernel differs from the optimizer on path {limit}");
            }
        });

        // The double reference, group by group over the group's tensors in layout order.
        var set = new ParameterSet<float>(layout);
        Fill(set.Values, 1, 1, 0.2);
        double[] values = set.Values.ToArray().Select(x => (double)x).ToArray();
        double[][] scalars = { (double[])(initialScalars ?? Array.Empty<double>()).Clone(), (double[])(initialScalars ?? Array.Empty<double>()).Clone() };
        for (int t = 1; t <= Steps; t++)
        {
            Fill(set.Gradients, 10 + t, 1, 0.1);
            for (int group = 0; group < 2; group++)
            {
                ParameterTensor[] tensors = layout.Where(x => GroupOf(x) == group).ToArray();
                double[] w = tensors.SelectMany(x => values.Skip(x.Offset).Take(x.Length)).ToArray();
                double[] g = tensors.SelectMany(x => set.Gradients.Slice(x.Offset, x.Length).ToArray().Select(v => (double)v)).ToArray();
                reference(rules[group])(t, w, g, scalars[group]);
                int at = 0;
                foreach (ParameterTensor tensor in tensors)
                {
                    Array.Copy(w, at, values, tensor.Offset, tensor.Length);
                    at += tensor.Length;
                }
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            double error = Math.Abs(widest![i] - values[i]) / (1 + Math.Abs(values[i]));
            Assert.True(error <= tolerance, $"{typeof(TRule).Name}: element {i} is {widest[i]}, the double reference {values[i]} (error {error:g3})");
        }
    }

    private static float[] RunOptimizer<TRule>(TRule[] rules, ParameterLayout layout, int threads)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var set = new ParameterSet<float>(layout);
        Fill(set.Values, 1, 1, 0.2);
        var optimizer = new Optimizer<TRule>(rules[0], layout) { MaxDegreeOfParallelism = threads };
        optimizer.AddGroup(rules[1], s_secondGroup);
        for (int t = 1; t <= Steps; t++)
        {
            Fill(set.Gradients, 10 + t, 1, 0.1);
            if (t > 1 && threads == 1)
            {
                // After the first step, on one thread (a worker team's first use allocates its threads).
                Assert.Equal(0, Allocated(() => optimizer.Step(set)));
            }
            else
            {
                optimizer.Step(set);
            }
        }

        return set.Values.ToArray();
    }

    // Bytes one call allocates, over a window no collection crossed (0 is reported for a crossed window, which says nothing).
    private static long Allocated(Action work)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        int collections = GC.CollectionCount(0);
        work();
        return GC.CollectionCount(0) == collections ? GC.GetAllocatedBytesForCurrentThread() - before : 0;
    }

    // The two-phase raw kernel, as a caller who owns the memory calls it: group by group, pass by pass, tensor by tensor.
    private static float[] RunRawKernel<TRule>(TRule[] rules, ParameterLayout layout, RawKernel<TRule> raw)
        where TRule : struct, IOptimizerRule<TRule>
    {
        Assert.Empty(TRule.StateNames); // these specs keep no per-element state
        var set = new ParameterSet<float>(layout);
        Fill(set.Values, 1, 1, 0.2);
        double[][] scalars = rules.Select(rule => Enumerable.Range(0, TRule.ScalarStateNames.Count).Select(rule.InitialScalarState).ToArray()).ToArray();
        Span<double> scratch = stackalloc double[raw.ScratchLength];
        for (int t = 1; t <= Steps; t++)
        {
            Fill(set.Gradients, 10 + t, 1, 0.1);
            for (int group = 0; group < 2; group++)
            {
                scratch.Clear();
                for (int pass = 1; pass <= raw.PassCount; pass++)
                {
                    foreach (ParameterTensor tensor in layout.Where(x => GroupOf(x) == group))
                    {
                        raw.Pass(pass, rules[group], t, set.Values.Slice(tensor.Offset, tensor.Length), set.Gradients.Slice(tensor.Offset, tensor.Length), scalars[group], scratch);
                    }

                    raw.FinishPass(pass, rules[group], t, scalars[group], scratch);
                }

                raw.FinishStep(rules[group], t, scalars[group], scratch);
            }
        }

        return set.Values.ToArray();
    }
}
