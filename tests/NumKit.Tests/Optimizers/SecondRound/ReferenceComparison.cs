using System.Numerics;
using System.Text.Json;

namespace NumKit.Tests.Optimizers.SecondRound;

// For configurations and shapes beyond the golden files: run an optimizer and a fresh reference side
// by side on random inputs and compare after every step. Once a generated type exists:
//
//     foreach (int layout in ReferenceComparison.LayoutIndexes)
//     for (int configuration = 0; configuration < 3; configuration++)
//     {
//         var random = new Random(configuration);
//         var properties = configuration == 0 ? new() : ReferenceComparison.RandomProperties("Lamb", random);
//         ReferenceComparison.Check<float>("Lamb", ReferenceComparison.Layout(layout), properties, null,
//             l => new GoldenStepper<float> { Step = SetStep(new Optimizer<Lamb>(Catalog.With(new Lamb(), Numeric(properties)), l)) },
//             steps: 8, tolerance: 2e-5, seed: layout);
//     }
//
// (tolerance 1e-12 or so for double). Wrap it in EveryPath.Run and at 1, 2 and 3 threads for the
// bit-identity checks, comparing the returned trajectories.

/// <summary>
/// Compares any optimizer with the hand-written reference on random inputs over layouts of ranks 0 to 3
/// and sizes from 0 to past two AVX-512 widths, asserting after every step
/// max_i |w_i − r_i| / (1 + |r_i|) ≤ tolerance (and for ax, and the evaluation weights at the end).
/// </summary>
public static class ReferenceComparison
{
    private static readonly (string Name, int[] Shape)[][] s_layouts =
    {
        new[] { ("w", new[] { 1 }) },
        new[] { ("W", new[] { 1, 1 }), ("b", new[] { 0 }), ("s", Array.Empty<int>()), ("Z", new[] { 2, 3 }) },
        new[] { ("W", new[] { 3, 37 }), ("b", new[] { 37 }), ("T", new[] { 2, 5, 19 }), ("Z", new[] { 4, 9 }) },
        new[] { ("E", new[] { 0, 4 }), ("M", new[] { 70, 1 }), ("R", new[] { 1, 70 }), ("v", new[] { 129 }), ("B", new[] { 2, 2, 3, 17 }) },
    };

    /// <summary>The indexes of <see cref="Layout"/>, as xunit member data.</summary>
    public static IEnumerable<int> LayoutIndexes => Enumerable.Range(0, s_layouts.Length);

    /// <summary>A layout of the set: one element; 1×1, empty, scalar and an all-zero tensor; tensors past 32 elements of ranks 1–3; a column, a row, 129 elements and rank 4.</summary>
    public static ParameterLayout Layout(int index)
    {
        var layout = new ParameterLayout();
        foreach ((string name, int[] shape) in s_layouts[index])
        {
            layout = layout.Add(name, shape);
        }

        return layout;
    }

    /// <summary>
    /// Steps <paramref name="steps"/> random gradients through the stepper <paramref name="create"/> makes and
    /// through a reference of <paramref name="type"/> (double, from the same <typeparamref name="T"/>-rounded
    /// numbers), asserting the bound after every step. Returns the stepper's parameters after every step.
    /// A tensor named "Z" starts at zero; tensors named "b" get no gradient on the first two steps.
    /// </summary>
    public static double[][] Check<T>(
        string type,
        ParameterLayout layout,
        IReadOnlyDictionary<string, JsonElement> properties,
        SecondRoundCase.InnerRule? inner,
        Func<ParameterLayout, GoldenStepper<T>> create,
        int steps,
        double tolerance,
        int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TensorSlice[] tensors = TensorSlice.Of(layout);
        TensorListReference reference = SecondRoundReferences.For(type, tensors, properties, inner);
        var random = new Random(seed);
        int n = layout.ParameterCount;
        double[] expected = Rounded<T>(Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1));
        foreach (TensorSlice zero in tensors.Where(t => t.Name == "Z"))
        {
            Array.Clear(expected, zero.Offset, zero.Length);
        }

        var set = new ParameterSet<T>(layout);
        SecondRoundHarness.Write(expected, set.Values);
        GoldenStepper<T> stepper = create(layout);
        var trajectory = new double[steps][];
        for (int step = 1; step <= steps; step++)
        {
            // A steady part (so Prodigy's d grows and Rprop keeps some signs) and a random one.
            double[] g = Rounded<T>(Enumerable.Range(0, n).Select(i => 0.3 * Math.Sin(i + 1) + (random.NextDouble() * 2 - 1) * (1 + 0.1 * step)));
            foreach (TensorSlice silent in tensors.Where(t => t.Name == "b" && step <= 2))
            {
                Array.Clear(g, silent.Offset, silent.Length);
            }

            SecondRoundHarness.Write(g, set.Gradients);
            stepper.Step(set);
            reference.Step(expected, g);
            trajectory[step - 1] = SecondRoundHarness.ToDouble<T>(set.Values);
            string what = $"{type} over {layout}, step {step}";
            AssertWithin(trajectory[step - 1], expected, tolerance, what);
            if (reference is AsgdReference asgd && stepper.Averaged is { } averaged)
            {
                AssertWithin(averaged(), asgd.Average, tolerance, what + ", averaged iterate ax");
            }
        }

        if (reference is ScheduleFreeAdamWReference scheduleFree && stepper.ToEvaluation is { } toEvaluation)
        {
            toEvaluation(set);
            AssertWithin(SecondRoundHarness.ToDouble<T>(set.Values), scheduleFree.EvaluationWeights(expected), tolerance, $"{type} over {layout}, evaluation weights x");
        }

        return trajectory;
    }

    /// <summary>A random configuration of <paramref name="type"/> over ranges that exercise every option (bools both ways).</summary>
    public static Dictionary<string, JsonElement> RandomProperties(string type, Random random)
    {
        double Between(double low, double high) => low + random.NextDouble() * (high - low);
        bool Coin() => random.Next(2) == 1;
        var values = new Dictionary<string, object>();
        switch (type)
        {
            case "Rprop":
                values = new() { ["LearningRate"] = Between(1e-3, 0.05), ["EtaMinus"] = Between(0.3, 0.7), ["EtaPlus"] = Between(1.05, 1.5), ["MinStep"] = Between(1e-5, 1e-3), ["MaxStep"] = Between(0.05, 1) };
                break;
            case "Asgd":
                values = new() { ["LearningRate"] = Between(1e-3, 0.1), ["Lambda"] = Between(1e-5, 1e-2), ["Alpha"] = Between(0.5, 1), ["T0"] = (double)random.Next(0, 6), ["WeightDecay"] = Between(0, 0.1) };
                break;
            case "Lamb":
                values = new() { ["LearningRate"] = Between(1e-3, 0.05), ["Beta1"] = Between(0.5, 0.95), ["Beta2"] = Between(0.9, 0.999), ["Epsilon"] = Between(1e-8, 1e-4), ["WeightDecay"] = Between(0, 0.1) };
                break;
            case "Lars":
                values = new() { ["LearningRate"] = Between(0.01, 0.5), ["WeightDecay"] = Between(0, 0.01), ["TrustCoefficient"] = Between(1e-3, 0.05), ["Epsilon"] = Between(0, 1e-3), ["Momentum"] = Between(0, 0.95), ["Nesterov"] = Coin() };
                break;
            case "Adafactor":
                values = new() { ["LearningRate"] = Between(1e-3, 0.05), ["Beta2Decay"] = Between(-1, -0.3), ["Epsilon1"] = Between(1e-8, 1e-6), ["Epsilon2"] = Between(1e-4, 1e-2), ["ClipThreshold"] = Between(1, 2), ["WeightDecay"] = Between(0, 0.1) };
                break;
            case "Prodigy":
                values = new()
                {
                    ["LearningRate"] = Between(0.1, 1), ["Beta1"] = Between(0.5, 0.95), ["Beta2"] = Between(0.9, 0.999), ["Beta3"] = Coin() ? 0.0 : Between(0.9, 0.99),
                    ["D0"] = Between(1e-6, 1e-3), ["DCoefficient"] = Between(0.5, 2), ["GrowthRate"] = Coin() ? double.PositiveInfinity : Between(1.01, 2),
                    ["WeightDecay"] = Between(0, 0.05), ["DecoupleWeightDecay"] = Coin(), ["UseBiasCorrection"] = Coin(), ["SafeguardWarmup"] = Coin(), ["Epsilon"] = Between(1e-8, 1e-6),
                };
                break;
            case "ScheduleFreeAdamW":
                values = new()
                {
                    ["LearningRate"] = Between(1e-3, 0.05), ["Beta1"] = Between(0.5, 0.95), ["Beta2"] = Between(0.9, 0.999), ["Epsilon"] = Between(1e-8, 1e-6),
                    ["WeightDecay"] = Between(0, 0.05), ["WarmupSteps"] = (double)random.Next(0, 6), ["R"] = Between(0, 2), ["WeightLrPower"] = Between(0, 2),
                };
                break;
            case "Lookahead":
                values = new() { ["SyncPeriod"] = (double)random.Next(1, 7), ["SlowStepSize"] = Between(0.2, 0.9) };
                break;
            default:
                throw new ArgumentException($"'{type}' is not a second-round type.", nameof(type));
        }

        // JSON numbers cannot be infinite: GrowthRate +∞ goes through as a double element all the same.
        return values.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }

    private static void AssertWithin(double[] actual, double[] expected, double tolerance, string what)
    {
        double error = GoldenTests.Error(actual, expected);
        Assert.True(error <= tolerance, $"{what}: error {error:E2} against the reference exceeds {tolerance:E0}");
    }

    private static double[] Rounded<T>(IEnumerable<double> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => values.Select(x => double.CreateTruncating(T.CreateTruncating(x))).ToArray();
}
