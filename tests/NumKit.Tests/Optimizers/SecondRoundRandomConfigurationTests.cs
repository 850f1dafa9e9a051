using System.Numerics;
using System.Text.Json;
using NumKit.Optimizers;
using NumKit.Tests.Kernels;
using NumKit.Tests.Optimizers.SecondRound;

namespace NumKit.Tests.Optimizers;

/// <summary>
/// Rprop, Asgd, Lamb, Lars, Adafactor, ScheduleFreeAdamW and Prodigy beyond the golden and extra
/// files: random configurations over layouts of sizes 0 to past two AVX-512 widths (ranks 0 to 4, an empty
/// tensor, a zero tensor, a tensor without gradient at first), through <c>Optimizer&lt;TRule&gt;</c> and
/// <c>Step(ParameterSet)</c>, against the hand-written double references (<see cref="ReferenceComparison"/>),
/// with the same bits on every vector path.
/// </summary>
public class SecondRoundRandomConfigurationTests
{
    private const int Configurations = 5;

    // The element-wise second-round types; another joins with a line here and in Dispatch.
    private static readonly string[] s_types = { "Rprop", "Asgd", "Lamb", "Lars", "Adafactor", "ScheduleFreeAdamW", "Prodigy" };

    public static IEnumerable<object[]> Types => s_types.Select(t => new object[] { t });

    [PathTheory]
    [MemberData(nameof(Types))]
    public void Float_steps_stay_within_2e_5_of_the_double_reference_with_the_same_bits_on_every_path(string type)
    {
        ForEachConfiguration(type, (properties, layout, seed) =>
        {
            double[][]? first = null;
            EveryPath.Run(limit =>
            {
                double[][] trajectory = Compare<float>(type, properties, layout, seed, tolerance: 2e-5);
                first ??= trajectory;
                Assert.True(Same(first, trajectory), $"{type} over {layout}, seed {seed}: the {limit}-bit path differs from the widest");
            });
        });
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Double_steps_match_the_double_reference_to_1e_12(string type)
    {
        // The hyperparameters are rounded to float on both sides (NumKit's properties are float), so a double
        // run computes what the reference computes, in the same order.
        ForEachConfiguration(type, (properties, layout, seed) => Compare<double>(type, properties, layout, seed, tolerance: 1e-12));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_configuration_that_is_off_is_caught(string type)
    {
        // The comparison can fail: the optimizer runs with LearningRate 10% above the reference's.
        var properties = new Dictionary<string, JsonElement> { ["LearningRate"] = JsonSerializer.SerializeToElement(0.05) };
        var optimizerProperties = new Dictionary<string, double> { ["LearningRate"] = 0.055 };
        if (type == "Prodigy")
        {
            // From d₀ 1e-6 the first 12 steps move w by ~1e-8: start from a d that moves it.
            properties["D0"] = JsonSerializer.SerializeToElement((double)0.01f);
            optimizerProperties["D0"] = (double)0.01f;
        }

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Dispatch(type, new Comparison<double>(type, properties, optimizerProperties, ReferenceComparison.Layout(2), 5, 1e-6)));
    }

    private static void ForEachConfiguration(string type, Action<Dictionary<string, JsonElement>, ParameterLayout, int> body)
    {
        var random = new Random(type.Length * 104729);
        for (int configuration = 0; configuration < Configurations; configuration++)
        {
            Dictionary<string, JsonElement> properties = configuration == 0
                ? new()
                : FloatRounded(ReferenceComparison.RandomProperties(type, random));
            foreach (int layout in ReferenceComparison.LayoutIndexes)
            {
                body(properties, ReferenceComparison.Layout(layout), 97 * configuration + layout);
            }
        }
    }

    private static double[][] Compare<T>(string type, Dictionary<string, JsonElement> properties, ParameterLayout layout, int seed, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Dispatch(type, new Comparison<T>(type, properties, Numeric(properties), layout, seed, tolerance));

    private static double[][] Dispatch(string type, IRuleVisitor<double[][]> visitor) => type switch
    {
        "Rprop" => visitor.Visit(new Rprop()),
        "Asgd" => visitor.Visit(new Asgd()),
        "Lamb" => visitor.Visit(new Lamb()),
        "Lars" => visitor.Visit(new Lars()),
        "ScheduleFreeAdamW" => visitor.Visit(new ScheduleFreeAdamW()),
        "Prodigy" => visitor.Visit(new Prodigy()),
        "Adafactor" => visitor.Visit(new Adafactor()),
        _ => throw new ArgumentException($"'{type}' is not declared yet.", nameof(type)),
    };

    private static Dictionary<string, JsonElement> FloatRounded(Dictionary<string, JsonElement> properties)
        => properties.ToDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.Number
            ? JsonSerializer.SerializeToElement((double)(float)p.Value.GetDouble())
            : p.Value);

    // Bools (Lars's Nesterov) are not hyperparameters: Comparison sets them on the rule itself.
    private static Dictionary<string, double> Numeric(Dictionary<string, JsonElement> properties)
        => properties.Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Key, p => p.Value.GetDouble());

    private static bool Same(double[][] a, double[][] b)
        => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private sealed class Comparison<T>(
        string type, Dictionary<string, JsonElement> referenceProperties, Dictionary<string, double> properties,
        ParameterLayout layout, int seed, double tolerance) : IRuleVisitor<double[][]>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public double[][] Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            rule = Catalog.With(rule, properties);
            if (rule is Lars lars && referenceProperties.TryGetValue("Nesterov", out JsonElement nesterov))
            {
                rule = (TRule)(object)(lars with { Nesterov = nesterov.ValueKind == JsonValueKind.True });
            }

            if (rule is Prodigy prodigy)
            {
                rule = (TRule)(object)ProdigyOptions.With(prodigy, referenceProperties);
            }

            return ReferenceComparison.Check<T>(type, layout, referenceProperties, inner: null, l =>
            {
                var optimizer = new Optimizer<TRule, T>(rule, l);
                bool averaged = Catalog.IndexOf(TRule.StateNames, "ax") >= 0;
                var scheduleFree = optimizer as Optimizer<ScheduleFreeAdamW, T>;
                return new GoldenStepper<T>
                {
                    Step = set => optimizer.Step(set),
                    Averaged = averaged ? () => ToDouble(optimizer.State("ax")) : null,
                    ToEvaluation = scheduleFree is null ? null : set => scheduleFree.ToEvaluationWeights(set),
                };
            }, steps: 12, tolerance, seed);
        }

        private static double[] ToDouble(ReadOnlySpan<T> values)
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                result[i] = double.CreateTruncating(values[i]);
            }

            return result;
        }
    }
}
