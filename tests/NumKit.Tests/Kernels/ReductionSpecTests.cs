using NumKit.Kernels;
using NumKit.Tests.Specs;

namespace NumKit.Tests.Kernels;

/// <summary>
/// The reduction specs (tests/Specs: Centralized, NormalizedMomentum, MaxScaled, Standardized) through
/// <c>Optimizer&lt;TRule&gt;</c> over a layout of tensors of sizes 0 to past a chunk and past two threads'
/// worth, against hand-written double references per tensor; the same bits on every vector path, at 1, 2
/// and 3 threads, and through the raw kernel called once per tensor; no allocation per step.
/// </summary>
public class ReductionSpecTests
{
    private const int Steps = 4;

    // Sizes 0 .. past two vector widths, one past a chunk (4096), one a thread's slice splits.
    private static ParameterLayout Layout()
        => new ParameterLayout()
            .Add("empty", 0).Add("one", 1).Add("seven", 7).Add("sixteen", 16).Add("seventeen", 17).Add("m", 3, 11)
            .Add("chunk", ReductionLanes.ChunkLength + 5)
            .Add("big", 2 * Optimizer<Centralized>.MinimumParametersPerThread + 4099);

    /// <summary>A double reference of one tensor's step: w, g, per-element state, per-step state (shared by the tensors of a step).</summary>
    private delegate void TensorStep(int t, double[] w, double[] g, double[][] state, double[] scalars);

    [PathFact]
    public void Gradient_centralization_takes_out_each_tensors_mean() => Check(new Centralized(), 1e-5, (t, w, g, s, _) =>
    {
        const double lr = 0.1f;
        double c = g.Sum() / g.Length;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= lr * (g[i] - c);
        }
    });

    [PathFact]
    public void A_norm_of_the_new_momentum_and_a_per_step_state() => Check(new NormalizedMomentum(), 1e-5, (t, w, g, s, p) =>
    {
        const double lr = 0.1f, beta = 0.9f, eps = 1e-8f;
        double decay = p[0] * beta;
        double[] m = s[0];
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = beta * m[i] + g[i];
        }

        double norm = Math.Sqrt(m.Sum(x => x * x));
        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= lr * (1 - decay) * m[i] / (norm + eps);
        }
    }, scalarStep: p => p[0] *= 0.9f, initialScalars: new[] { 1.0 });

    [PathFact]
    public void Maxabs_and_rms_of_an_input_in_one_reduction_pass() => Check(new MaxScaled(), 1e-5, (t, w, g, s, _) =>
    {
        const double lr = 0.1f, shrink = 0.01f;
        double big = g.Select(Math.Abs).DefaultIfEmpty(0).Max();
        double spread = Math.Sqrt(g.Sum(x => x * x) / g.Length);
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = w[i] - lr * g[i] / Math.Max(big, 1) - shrink * spread * w[i];
        }
    });

    [PathFact]
    public void Three_passes_when_a_reduction_needs_another() => Check(new Standardized(), 2e-5, (t, w, g, s, _) =>
    {
        const double lr = 0.1f, eps = 1e-6f, pull = 0.001f;
        double c = g.Sum() / g.Length;
        double[] d = g.Select(x => x - c).ToArray();
        double rms = Math.Sqrt(d.Sum(x => x * x) / d.Length);
        double total = w.Sum();
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = w[i] - lr * d[i] / (rms + eps) - pull * total / 1000;
        }
    });

    [Fact]
    public void The_specs_make_the_fewest_passes()
    {
        Assert.Equal(2, Passes<Centralized>());
        Assert.Equal(2, Passes<NormalizedMomentum>());
        Assert.Equal(2, Passes<MaxScaled>());
        Assert.Equal(3, Passes<Standardized>());
    }

    [PathFact]
    public void A_wrong_reference_is_caught()
        => Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Check(new Centralized(), 1e-5, (t, w, g, s, _) =>
        {
            double c = g.Sum() / Math.Max(1, g.Length - 1); // the mean off by one element
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= 0.1f * (g[i] - c);
            }
        }));

    private static int Passes<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.PassCount;

    private static void Fill(Span<float> values, int seed, double scale, double offset = 0)
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(offset + (random.NextDouble() * 2 - 1) * scale);
        }
    }

    private static void Check<TRule>(TRule rule, double tolerance, TensorStep reference, Action<double[]>? scalarStep = null, double[]? initialScalars = null)
        where TRule : struct, IOptimizerRule<TRule>
    {
        ParameterLayout layout = Layout();
        float[]? first = null;
        EveryPath.Run(limit =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] result = RunOptimizer(rule, layout, threads);
                first ??= result;
                Assert.True(first.AsSpan().SequenceEqual(result), $"{typeof(TRule).Name}: path {limit}, {threads} thread(s) differs from the widest path on one thread");
            }

            float[] raw = RunRawKernel(rule, layout);
            Assert.True(first!.AsSpan().SequenceEqual(raw), $"{typeof(TRule).Name}: the raw kernel, called per tensor, differs from the optimizer on path {limit}");
        });

        // The double reference, tensor by tensor (the per-step state advances once per step).
        var values = new double[layout.ParameterCount];
        var set = new ParameterSet<float>(layout);
        Fill(set.Values, 1, 1, 0.2);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = set.Values[i];
        }

        var states = layout.Select(tensor => Enumerable.Range(0, TRule.StateNames.Count).Select(_ => new double[tensor.Length]).ToArray()).ToArray();
        double[] scalars = (double[])(initialScalars ?? Array.Empty<double>()).Clone();
        for (int t = 1; t <= Steps; t++)
        {
            Fill(set.Gradients, 10 + t, 1, 0.1);
            for (int j = 0; j < layout.Count; j++)
            {
                ParameterTensor tensor = layout[j];
                double[] w = values.AsSpan(tensor.Offset, tensor.Length).ToArray();
                double[] g = set.Gradients.Slice(tensor.Offset, tensor.Length).ToArray().Select(x => (double)x).ToArray();
                reference(t, w, g, states[j], scalars);
                w.CopyTo(values, tensor.Offset);
            }

            scalarStep?.Invoke(scalars);
        }

        for (int i = 0; i < values.Length; i++)
        {
            double error = Math.Abs(first![i] - values[i]) / (1 + Math.Abs(values[i]));
            Assert.True(error <= tolerance, $"{typeof(TRule).Name}: element {i} ({layout[layout.Select((x, k) => (x, k)).Last(p => p.x.Offset <= i && p.x.Length > 0).k].Name}) is {first[i]}, the double reference {values[i]} (error {error:g3})");
        }
    }

    private static float[] RunOptimizer<TRule>(TRule rule, ParameterLayout layout, int threads)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var set = new ParameterSet<float>(layout);
        Fill(set.Values, 1, 1, 0.2);
        var optimizer = new Optimizer<TRule>(rule, layout) { MaxDegreeOfParallelism = threads };
        long fewest = long.MaxValue;
        for (int t = 1; t <= Steps; t++)
        {
            Fill(set.Gradients, 10 + t, 1, 0.1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int collections = GC.CollectionCount(0);
            optimizer.Step(set);
            // On one thread (a worker team's first use allocates its threads, whenever that happens) after the first
            // step, over windows no garbage collection crossed (see SteadyStateAllocation).
            if (t > 1 && threads == 1 && GC.CollectionCount(0) == collections)
            {
                fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        // The fewest bytes of any steady-state step: a step that allocates does so in every window, while a window can
        // also catch a one-time cost that is not the step's (a first call's code being compiled and its types loaded,
        // measured at 1.5-5.8 KB in step 2 on a loaded machine), so one clean window shows the step allocates nothing.
        if (fewest != long.MaxValue)
        {
            Assert.Equal(0, fewest);
        }

        return set.Values.ToArray();
    }

    // The raw kernel through the interface's packed Step, one call per tensor (each tensor its own span and state).
    private static float[] RunRawKernel<TRule>(TRule rule, ParameterLayout layout)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var set = new ParameterSet<float>(layout);
        Fill(set.Values, 1, 1, 0.2);
        var states = layout.Select(tensor =>
        {
            var state = new float[TRule.StateNames.Count * tensor.Length];
            for (int k = 0; k < TRule.StateNames.Count; k++)
            {
                state.AsSpan(k * tensor.Length, tensor.Length).Fill((float)rule.InitialState(k));
            }

            return state;
        }).ToArray();
        double[] scalars = Enumerable.Range(0, TRule.ScalarStateNames.Count).Select(rule.InitialScalarState).ToArray();
        for (int t = 1; t <= Steps; t++)
        {
            Fill(set.Gradients, 10 + t, 1, 0.1);
            double[] before = (double[])scalars.Clone();
            for (int j = 0; j < layout.Count; j++)
            {
                ParameterTensor tensor = layout[j];
                double[] mine = (double[])before.Clone();
                TRule.Step(in rule, t, set.Values.Slice(tensor.Offset, tensor.Length), set.Gradients.Slice(tensor.Offset, tensor.Length), states[j], tensor.Length, mine);
                if (tensor.Length > 0)
                {
                    scalars = mine;
                }
            }
        }

        return set.Values.ToArray();
    }
}
