using NumKit.Tests.Specs;

namespace NumKit.Tests.Kernels;

/// <summary>
/// The generated kernels of the test specs (tests/Specs) against references written by hand from
/// the equations' meaning, in double precision: every length 0..300, every vector path, float and
/// double, with identical bits on every path.
/// </summary>
public class GeneratedKernelTests
{
    private const int Steps = 4;

    /// <summary>One step of a hand-written reference: (t, w, g, per-element state, per-step state).</summary>
    private delegate void Reference(int t, double[] w, double[] g, double[][] state, double[] scalarState);

    [PathFact]
    public void RmsProp_course_form() => Check(new RmsPropCourse { LearningRate = 0.02f }, 2e-6, (t, w, g, s, _) =>
    {
        const double beta = 0.99f, lr = 0.02f, eps = 1e-8f;
        for (int i = 0; i < w.Length; i++)
        {
            s[0][i] = beta * s[0][i] + (1 - beta) * g[i] * g[i];
            w[i] -= lr * g[i] / (Math.Sqrt(s[0][i]) + eps);
        }
    });

    [PathFact]
    public void Per_step_scalar_state() => Check(new RunningProduct(), 2e-6, (t, w, g, s, scalar) =>
    {
        const double beta = 0.9f, decay = 0.004f, lr = 0.01f;
        double mu = beta * (1 - 0.5 * Math.Pow(0.96, t * decay));
        scalar[0] *= mu;
        for (int i = 0; i < w.Length; i++)
        {
            s[0][i] = mu * s[0][i] + (1 - mu) * g[i];
            w[i] -= lr * s[0][i] / (1 - scalar[0]);
        }
    });

    [PathFact]
    public void Per_element_condition() => Check(new SignAgreement(), 2e-6, (t, w, g, s, _) =>
    {
        const double lr = 0.01f, grow = 1.2f, shrink = 0.5f;
        for (int i = 0; i < w.Length; i++)
        {
            double size = (g[i] * s[0][i] > 0 ? grow : shrink) * lr;
            w[i] -= size * Math.Sign(g[i]);
            s[0][i] = g[i];
        }
    });

    [PathFact]
    public void Declared_initial_value() => Check(new AccumulatorStart(), 2e-6, (t, w, g, s, _) =>
    {
        const double lr = 0.01f, eps = 1e-10f;
        for (int i = 0; i < w.Length; i++)
        {
            s[0][i] += g[i] * g[i];
            w[i] -= lr * g[i] / (Math.Sqrt(s[0][i]) + eps);
        }
    }, initialState: 0.1f);

    [PathFact]
    public void Every_function_and_both_conditionals() => Check(new EveryFunction(), 1e-5, (t, w, g, s, _) =>
    {
        const double lr = 0.01f, clip = 2f, warmup = 2f;
        for (int i = 0; i < w.Length; i++)
        {
            double a = Math.Min(Math.Max(g[i], -clip), clip);
            double e = Math.Exp(-Math.Abs(a)) + Math.Log(1 + a * a) + Math.Cos(a) * Math.Floor(a);
            s[0][i] = Math.Max(s[0][i], Math.Abs(a));
            s[1][i] = Math.Min(s[1][i], a);
            double r = a < 0 ? -Math.Sqrt(Math.Abs(a)) : Math.Pow(Math.Abs(a), 1.5);
            double rate = t > warmup ? lr : lr / 2;
            w[i] -= rate * (Math.Sign(a) * e + r / (1 + s[0][i] - s[1][i]));
        }
    });

    [PathFact]
    public void Tanh_and_sigmoid_per_element_and_per_step() => Check(new Squash(), 2e-6, (t, w, g, s, _) =>
    {
        const double lr = 0.1f, sharpness = 1.5f, midpoint = 2f, scale = 0.5f;
        double ramp = 1 / (1 + Math.Exp(-(sharpness * (t - midpoint))));
        for (int i = 0; i < w.Length; i++)
        {
            double d = Math.Tanh(g[i] / scale) + 1 / (1 + Math.Exp(-g[i])) - 0.5;
            w[i] -= lr * ramp * d;
        }
    });

    [PathFact]
    public void States_that_start_from_the_parameter_and_a_periodic_sync() => Check(new Anchored(), 2e-6, (t, w, g, s, _) =>
    {
        const double lr = 0.05f, pull = 0.1f, period = 3f, slowStep = 0.5f;
        bool sync = t % 3 == 0;
        Assert.Equal(sync, Math.Floor(t / period) * period == t);
        for (int i = 0; i < w.Length; i++)
        {
            if (t == 1)
            {
                s[0][i] = w[i]; // anchor
                s[1][i] = w[i]; // slow
            }

            w[i] -= lr * (g[i] + pull * (w[i] - s[0][i]));
            if (sync)
            {
                s[1][i] += slowStep * (w[i] - s[1][i]);
                w[i] = s[1][i];
            }
        }
    }, initialState: 123); // never read: both states are set from w on step 1

    [PathFact]
    public void A_bool_hyperparameter_decides_once_per_step()
    {
        Check(new Ascent { Maximize = true }, 2e-6, (t, w, g, s, _) =>
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] += 0.1f * g[i];
            }
        });
        Check(new Ascent(), 2e-6, (t, w, g, s, _) =>
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= 0.1f * g[i];
            }
        });
        Assert.Equal(new[] { "LearningRate" }, HyperparameterNames<Ascent>());
    }

    private static void Check<TRule>(TRule rule, double tolerance, Reference reference, double initialState = 0)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var random = new Random(42);
        int states = TRule.StateNames.Count;
        for (int n = 0; n <= 300; n++)
        {
            double[] w0 = Draw(random, n, 1);
            double[][] grads = Enumerable.Range(0, Steps).Select(_ => Draw(random, n, 3)).ToArray();

            // The reference, once, in double.
            double[] expected = (double[])w0.Clone();
            double[][] state = Enumerable.Range(0, states).Select(_ => Enumerable.Repeat(initialState, n).ToArray()).ToArray();
            double[] scalarState = Enumerable.Range(0, TRule.ScalarStateNames.Count).Select(rule.InitialScalarState).ToArray();
            for (int t = 1; t <= Steps; t++)
            {
                reference(t, expected, grads[t - 1], state, scalarState);
            }

            float[]? widest32 = null;
            double[]? widest64 = null;
            EveryPath.Run(limit =>
            {
                float[] w32 = Run<TRule, float>(rule, w0, grads);
                double[] w64 = Run<TRule, double>(rule, w0, grads);
                for (int i = 0; i < n; i++)
                {
                    double scale = 1 + Math.Abs(expected[i]);
                    Assert.True(Math.Abs(w32[i] - expected[i]) <= tolerance * scale, $"float n={n} i={i} path={limit}: {w32[i]} vs {expected[i]}");
                    Assert.True(Math.Abs(w64[i] - expected[i]) <= 1e-12 * scale, $"double n={n} i={i} path={limit}: {w64[i]} vs {expected[i]}");
                }

                widest32 ??= w32;
                widest64 ??= w64;
                Assert.True(widest32.AsSpan().SequenceEqual(w32), $"float n={n}: path {limit} gives other bits than the widest path");
                Assert.True(widest64.AsSpan().SequenceEqual(w64), $"double n={n}: path {limit} gives other bits than the widest path");
            });
        }
    }

    private static IReadOnlyList<string> HyperparameterNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.HyperparameterNames;

    private static T[] Run<TRule, T>(TRule rule, double[] w0, double[][] grads)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var optimizer = new Optimizer<TRule, T>(rule, w0.Length);
        T[] w = w0.Select(T.CreateTruncating).ToArray();
        foreach (double[] g in grads)
        {
            optimizer.Step(w, g.Select(T.CreateTruncating).ToArray());
        }

        return w;
    }

    // Values exactly representable in float, so the float and double runs start from the same numbers.
    private static double[] Draw(Random random, int n, double range)
        => Enumerable.Range(0, n).Select(_ => (double)(float)((random.NextDouble() * 2 - 1) * range)).ToArray();
}
