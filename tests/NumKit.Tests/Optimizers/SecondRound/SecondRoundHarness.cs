using System.Numerics;

namespace NumKit.Tests.Optimizers.SecondRound;

// How to run a generated second-round optimizer against every case (golden and extra), once the
// type exists in src/ — nothing else in this folder needs to change:
//
//     [Theory]
//     [MemberData(nameof(SecondRoundCase.GoldenNames), MemberType = typeof(SecondRoundCase))]
//     [MemberData(nameof(SecondRoundCase.ExtraNames), MemberType = typeof(SecondRoundCase))]
//     public void Generated_optimizer_passes(string name)
//     {
//         SecondRoundCase golden = SecondRoundCase.Named(name);
//         if (golden.Type != "Lamb") return;                   // or dispatch on golden.Type, as Catalog.Accept does
//         SecondRoundHarness.Check<float>(golden, layout =>
//         {
//             var optimizer = new Optimizer<Lamb>(Catalog.With(new Lamb(), golden.NumericProperties), layout);
//             return new GoldenStepper<float> { Step = set => optimizer.Step(set) };
//         });
//     }
//
// The harness builds the case's ParameterLayout (tensors and shapes in the case's order), a
// ParameterSet<T> holding w0, and before each step copies that step's gradients into
// set.Gradients; your Step must apply exactly one step to set.Values. After every step it checks
// the values against expected64 under the golden pass rule. Optional hooks of GoldenStepper:
//   Averaged      (Asgd)               () => optimizer.State("ax").ToArray(): checked against expected_ax after every step;
//   ToEvaluation  (ScheduleFreeAdamW)  set => switch the set's values to x (schedulefree's eval()): checked against
//                                       expected_eval after the last step;
//   ToTraining    (ScheduleFreeAdamW)  set => switch back to y (train()): checked against the last step's y.
// A case that has expected_ax / expected_eval fails if the hook is missing. Lookahead cases carry
// golden.Inner (the inner first-round rule and its properties). For the same bits on every vector
// path and thread count, call Check<T> under EveryPath.Run and compare the trajectories it returns.
// For configurations and shapes beyond the files (random hyperparameters, sizes 0 to past two vector
// widths, rank 0 to 4), ReferenceComparison.Check<T> runs the same stepper against a fresh reference.

/// <summary>
/// Runs a second-round case through any optimizer that steps a <see cref="ParameterSet{T}"/> — the
/// generated ones, or the hand-written references (<see cref="ForReference"/>) — and checks every
/// step under the golden pass rule (Golden/README.md).
/// </summary>
public static class SecondRoundHarness
{
    /// <summary>
    /// Steps <paramref name="golden"/> through the stepper <paramref name="create"/> makes for its layout
    /// and asserts, after every step, max_i |w_i − e64_i| / (1 + |e64_i|) ≤ max(10 × the same for
    /// expected32, 1e-6); also ax (Asgd) and the evaluation weights (ScheduleFreeAdamW). Returns the
    /// parameters after every step.
    /// </summary>
    public static double[][] Check<T>(SecondRoundCase golden, Func<ParameterLayout, GoldenStepper<T>> create)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterLayout layout = golden.Layout();
        var set = new ParameterSet<T>(layout);
        GoldenStepper<T> stepper = create(layout);
        for (int i = 0; i < golden.N; i++)
        {
            set.Values[i] = T.CreateTruncating(golden.W0[i]);
        }

        var trajectory = new double[golden.Steps][];
        for (int step = 0; step < golden.Steps; step++)
        {
            for (int i = 0; i < golden.N; i++)
            {
                set.Gradients[i] = T.CreateTruncating(golden.Grads[step][i]);
            }

            stepper.Step(set);
            trajectory[step] = ToDouble(set.Values);
            AssertPasses(trajectory[step], golden.Expected64[step], golden.Expected32[step], $"{golden.Name}, step {step + 1}, parameters");
            if (golden.ExpectedAx64 is not null)
            {
                Func<double[]> averaged = stepper.Averaged ?? throw new ArgumentException($"Case '{golden.Name}' checks the averaged iterate: give GoldenStepper.Averaged.");
                AssertPasses(averaged(), golden.ExpectedAx64[step], golden.ExpectedAx32![step], $"{golden.Name}, step {step + 1}, averaged iterate ax");
            }
        }

        if (golden.ExpectedEval64 is not null)
        {
            Action<ParameterSet<T>> toEvaluation = stepper.ToEvaluation ?? throw new ArgumentException($"Case '{golden.Name}' checks the evaluation weights: give GoldenStepper.ToEvaluation.");
            toEvaluation(set);
            AssertPasses(ToDouble(set.Values), golden.ExpectedEval64, golden.ExpectedEval32!, $"{golden.Name}, evaluation weights x after step {golden.Steps}");
            if (stepper.ToTraining is { } toTraining)
            {
                toTraining(set);
                AssertPasses(ToDouble(set.Values), golden.Expected64[^1], golden.Expected32[^1], $"{golden.Name}, back to y after the evaluation weights");
            }
        }

        return trajectory;
    }

    /// <summary>The pass rule's bound for one step: 10 × the float32 run's error, or 1e-6, whichever is larger.</summary>
    public static double Allowed(double[] expected64, double[] expected32) => Math.Max(10 * GoldenTests.Error(expected32, expected64), 1e-6);

    /// <summary>Asserts the pass rule for one step, naming <paramref name="what"/> and the worst element.</summary>
    public static void AssertPasses(double[] actual, double[] expected64, double[] expected32, string what)
    {
        Assert.Equal(expected64.Length, actual.Length);
        double error = GoldenTests.Error(actual, expected64);
        double allowed = Allowed(expected64, expected32);
        if (!(error <= allowed))
        {
            int worst = Enumerable.Range(0, actual.Length)
                .MaxBy(i => double.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(actual[i] - expected64[i]) / (1 + Math.Abs(expected64[i])));
            Assert.Fail($"{what}: error {error:E2} exceeds {allowed:E2} (float32's is {GoldenTests.Error(expected32, expected64):E2}); worst at element {worst}: {actual[worst]:R}, expected {expected64[worst]:R}");
        }
    }

    /// <summary>
    /// A stepper that runs <paramref name="reference"/> (in double, its state too) on the set's values,
    /// rounding them back to <typeparamref name="T"/> after each step, with the Asgd/ScheduleFree hooks.
    /// </summary>
    public static GoldenStepper<T> ForReference<T>(TensorListReference reference)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[]? stored = null; // the training weights y, kept while the set holds the evaluation weights
        return new GoldenStepper<T>
        {
            Step = set =>
            {
                double[] w = ToDouble<T>(set.Values);
                reference.Step(w, ToDouble<T>(set.Gradients));
                Write(w, set.Values);
            },
            Averaged = reference is AsgdReference asgd ? () => (double[])asgd.Average.Clone() : null,
            ToEvaluation = reference is ScheduleFreeAdamWReference scheduleFree
                ? set =>
                {
                    stored = ToDouble<T>(set.Values);
                    Write(scheduleFree.EvaluationWeights(stored), set.Values);
                }
                : null,
            ToTraining = reference is ScheduleFreeAdamWReference
                ? set => Write(stored!, set.Values)
                : null,
        };
    }

    // Shared with ReferenceComparison: values cross between the double references and T buffers.
    internal static void Write<T>(double[] source, Span<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = T.CreateTruncating(source[i]);
        }
    }

    internal static double[] ToDouble<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateTruncating(values[i]);
        }

        return result;
    }
}
