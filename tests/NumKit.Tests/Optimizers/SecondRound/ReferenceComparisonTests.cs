using System.Text.Json;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// <see cref="ReferenceComparison"/> on its own: a float parameter set stepped by a reference (float
/// parameters, double state) stays within the float bound of a double reference for default and random
/// configurations over every layout, and a stepper that is off is caught.
/// </summary>
public class ReferenceComparisonTests
{
    public static IEnumerable<object[]> Types => SecondRoundReferences.TypeNames.Select(t => new object[] { t });

    private static readonly SecondRoundCase.InnerRule s_adam = new("Adam", new() { ["LearningRate"] = 0.01, ["Beta1"] = 0.9, ["Beta2"] = 0.999, ["Epsilon"] = 1e-8, ["WeightDecay"] = 0.01 });

    [Theory]
    [MemberData(nameof(Types))]
    public void A_float_run_of_the_reference_stays_within_2e_5_of_the_double_reference_for_default_and_random_configurations(string type)
    {
        var random = new Random(type.Length * 7919);
        for (int configuration = 0; configuration < 3; configuration++)
        {
            Dictionary<string, JsonElement> properties = configuration == 0 ? new() : ReferenceComparison.RandomProperties(type, random);
            foreach (int layout in ReferenceComparison.LayoutIndexes)
            {
                ReferenceComparison.Check<float>(
                    type, ReferenceComparison.Layout(layout), properties, s_adam,
                    l => SecondRoundHarness.ForReference<float>(SecondRoundReferences.For(type, TensorSlice.Of(l), properties, s_adam)),
                    steps: 8, tolerance: 2e-5, seed: 31 * configuration + layout);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_stepper_whose_learning_rate_is_ten_percent_off_is_caught(string type)
    {
        string rate = type == "Lookahead" ? "SlowStepSize" : "LearningRate";
        var properties = new Dictionary<string, JsonElement> { [rate] = JsonSerializer.SerializeToElement(0.05) };
        var wrong = new Dictionary<string, JsonElement> { [rate] = JsonSerializer.SerializeToElement(0.055) };
        if (type == "Prodigy")
        {
            // From d0 = 1e-6 Prodigy hardly moves in 8 steps (that is its design): start it where a 10% change shows.
            properties["D0"] = wrong["D0"] = JsonSerializer.SerializeToElement(1e-3);
        }

        var layout = ReferenceComparison.Layout(2);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ReferenceComparison.Check<double>(
            type, layout, properties, s_adam,
            l => SecondRoundHarness.ForReference<double>(SecondRoundReferences.For(type, TensorSlice.Of(l), wrong, s_adam)),
            steps: 8, tolerance: 1e-6, seed: 5));
    }
}
