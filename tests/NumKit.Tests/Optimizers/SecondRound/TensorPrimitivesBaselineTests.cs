using System.Text.Json;
using NumKit.Benchmarks.Baselines;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// The benchmarks' TensorPrimitives compositions of LAMB and Adafactor (benchmarks/NumKit.Benchmarks/Baselines,
/// compiled in here) compute the optimizers they are compared with: float runs within 2e-5 of the independent
/// double references for default and random configurations over every layout of <see cref="ReferenceComparison"/>
/// (sizes 0 to past two vector widths, ranks 0 to 4, an empty and an all-zero tensor), with no allocation per step.
/// </summary>
public class TensorPrimitivesBaselineTests
{
    public static IEnumerable<object[]> Types => new[] { new object[] { "Lamb" }, new object[] { "Adafactor" } };

    [Theory]
    [MemberData(nameof(Types))]
    public void The_composition_stays_within_2e_5_of_the_double_reference_for_default_and_random_configurations(string type)
    {
        var random = new Random(type.Length * 6007);
        for (int configuration = 0; configuration < 4; configuration++)
        {
            Dictionary<string, JsonElement> properties = configuration == 0 ? new() : ReferenceComparison.RandomProperties(type, random);
            foreach (int layout in ReferenceComparison.LayoutIndexes)
            {
                ReferenceComparison.Check<float>(
                    type, ReferenceComparison.Layout(layout), properties, inner: null,
                    l => Stepper(type, l, properties),
                    steps: 10, tolerance: 2e-5, seed: 13 * configuration + layout);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_composition_that_is_off_is_caught(string type)
    {
        var reference = new Dictionary<string, JsonElement> { ["LearningRate"] = JsonSerializer.SerializeToElement(0.02) };
        var wrong = new Dictionary<string, JsonElement> { ["LearningRate"] = JsonSerializer.SerializeToElement(0.022) };
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ReferenceComparison.Check<float>(
            type, ReferenceComparison.Layout(2), reference, inner: null, l => Stepper(type, l, wrong), steps: 10, tolerance: 2e-5, seed: 3));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_step_of_the_composition_allocates_nothing(string type)
    {
        ParameterLayout layout = ReferenceComparison.Layout(3);
        var set = new ParameterSet(layout);
        set.Gradients.Fill(0.25f);
        GoldenStepper<float> stepper = Stepper(type, layout, new());
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            stepper.Step(set);
        }

        long[] allocated = new long[4];
        for (int step = 0; step < allocated.Length; step++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            stepper.Step(set);
            allocated[step] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(new long[allocated.Length], allocated);
    }

    [Fact]
    public void Lengths_that_do_not_match_are_refused()
    {
        var lamb = new TensorPrimitivesLamb(8);
        float[] buffer = new float[8];
        Assert.Throws<ArgumentException>(() => lamb.Step(1e-3f, 0.9f, 0.999f, 1e-6f, 0, 1, buffer, buffer, buffer, new float[7], [8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => lamb.Step(1e-3f, 0.9f, 0.999f, 1e-6f, 0, 1, new float[9], new float[9], new float[9], new float[9], [9]));
        var adafactor = new TensorPrimitivesAdafactor(8, 4);
        Assert.Throws<ArgumentException>(() => adafactor.StepFactored(new(), 1, buffer, buffer, 1, 2, 4, new float[2], new float[3]));
        Assert.Throws<ArgumentException>(() => adafactor.StepUnfactored(new(), 1, buffer, buffer, new float[7]));
    }

    // A stepper over the layout's tensors with the composition's own state, configured from the same properties as the reference.
    private static GoldenStepper<float> Stepper(string type, ParameterLayout layout, Dictionary<string, JsonElement> properties)
    {
        double Get(string name, double fallback) => properties.TryGetValue(name, out JsonElement value) ? value.GetDouble() : fallback;
        TensorSlice[] tensors = TensorSlice.Of(layout);
        int total = tensors.Sum(t => t.Length);
        int largest = tensors.Length == 0 ? 0 : tensors.Max(t => t.Length);
        if (type == "Lamb")
        {
            var lamb = new TensorPrimitivesLamb(largest);
            float[] m = new float[total], v = new float[total];
            int[] lengths = tensors.Select(t => t.Length).ToArray();
            int t = 0;
            return new GoldenStepper<float>
            {
                Step = set => lamb.Step(
                    (float)Get("LearningRate", 1e-3), (float)Get("Beta1", 0.9), (float)Get("Beta2", 0.999), (float)Get("Epsilon", 1e-6), (float)Get("WeightDecay", 0),
                    ++t, set.Values, set.Gradients, m, v, lengths),
            };
        }

        var defaults = new TensorPrimitivesAdafactor.Settings();
        var settings = new TensorPrimitivesAdafactor.Settings
        {
            LearningRate = (float)Get("LearningRate", defaults.LearningRate), Beta2Decay = (float)Get("Beta2Decay", defaults.Beta2Decay),
            Epsilon1 = (float)Get("Epsilon1", defaults.Epsilon1), Epsilon2 = (float)Get("Epsilon2", defaults.Epsilon2),
            ClipThreshold = (float)Get("ClipThreshold", defaults.ClipThreshold), WeightDecay = (float)Get("WeightDecay", defaults.WeightDecay),
        };
        var adafactor = new TensorPrimitivesAdafactor(largest, tensors.Where(x => x.Rank >= 2).Select(x => x.Columns).DefaultIfEmpty(0).Max());
        float[][] rowFactors = tensors.Select(x => x.Rank >= 2 ? new float[x.Batches * x.Rows] : []).ToArray();
        float[][] columnFactors = tensors.Select(x => x.Rank >= 2 ? new float[x.Batches * x.Columns] : []).ToArray();
        float[][] variances = tensors.Select(x => x.Rank >= 2 ? [] : new float[x.Length]).ToArray();
        // The shapes, read once: TensorSlice.Batches allocates (a range of the shape), a step must not.
        (int Offset, int Length, int Rank, int Batches, int Rows, int Columns)[] shapes = tensors
            .Select(x => x.Rank >= 2 ? (x.Offset, x.Length, x.Rank, x.Batches, x.Rows, x.Columns) : (x.Offset, x.Length, x.Rank, 0, 0, 0))
            .ToArray();
        int step = 0;
        return new GoldenStepper<float>
        {
            Step = set =>
            {
                step++;
                for (int k = 0; k < shapes.Length; k++)
                {
                    var x = shapes[k];
                    Span<float> w = set.Values.Slice(x.Offset, x.Length);
                    ReadOnlySpan<float> g = set.Gradients.Slice(x.Offset, x.Length);
                    if (x.Rank >= 2)
                    {
                        adafactor.StepFactored(in settings, step, w, g, x.Batches, x.Rows, x.Columns, rowFactors[k], columnFactors[k]);
                    }
                    else
                    {
                        adafactor.StepUnfactored(in settings, step, w, g, variances[k]);
                    }
                }
            },
        };
    }
}
