namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// The hand-written second-round references against the shared golden file (Golden/optimizers2.json),
/// through the same harness the generated optimizers will go through.
/// </summary>
public class SecondRoundGoldenTests
{
    [Fact]
    public void The_golden_file_has_one_case_per_second_round_type_but_lookahead()
    {
        Assert.Equal(
            SecondRoundReferences.TypeNames.Where(t => t != "Lookahead").Order(),
            SecondRoundCase.Golden.Select(c => c.Type).Order());
        Assert.All(SecondRoundCase.Golden, c => Assert.Equal(30, c.Steps));
    }

    [Theory]
    [MemberData(nameof(SecondRoundCase.GoldenNames), MemberType = typeof(SecondRoundCase))]
    public void The_reference_passes_every_step_of_the_golden_case(string name)
    {
        SecondRoundCase golden = SecondRoundCase.Named(name);
        SecondRoundHarness.Check(golden, _ => SecondRoundHarness.ForReference<double>(SecondRoundReferences.For(golden)));
    }

    [Theory]
    [MemberData(nameof(SecondRoundCase.GoldenNames), MemberType = typeof(SecondRoundCase))]
    public void The_reference_is_within_1e_13_of_the_float64_run_at_every_step(string name)
    {
        // Far tighter than the pass rule (they agree to ~1e-16 today): the golden float64 runs and these references should differ
        // only by rounding order, so a subtle departure (an ε in the wrong place) shows here first.
        SecondRoundCase golden = SecondRoundCase.Named(name);
        TensorListReference reference = SecondRoundReferences.For(golden);
        double[] w = golden.W0.Select(x => (double)x).ToArray();
        for (int step = 0; step < golden.Steps; step++)
        {
            reference.Step(w, golden.Grads[step].Select(x => (double)x).ToArray());
            double error = GoldenTests.Error(w, golden.Expected64[step]);
            Assert.True(error <= 1e-13, $"{name}, step {step + 1}: error {error:E2} against the float64 run");
        }
    }

    [Theory]
    [MemberData(nameof(SecondRoundCase.GoldenNames), MemberType = typeof(SecondRoundCase))]
    public void The_harness_fails_a_reference_whose_learning_rate_is_ten_percent_off(string name)
    {
        // The check can fail: the same reference with LearningRate × 1.1 must be caught.
        SecondRoundCase golden = SecondRoundCase.Named(name);
        SecondRoundCase wrong = golden with { Properties = new(golden.Properties) };
        double learningRate = golden.Properties.TryGetValue("LearningRate", out var given) ? given.GetDouble() : throw new InvalidOperationException("Every golden case sets LearningRate.");
        wrong.Properties["LearningRate"] = System.Text.Json.JsonSerializer.SerializeToElement(learningRate * 1.1);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            SecondRoundHarness.Check(golden, _ => SecondRoundHarness.ForReference<double>(SecondRoundReferences.For(wrong))));
    }

    [Theory]
    [MemberData(nameof(SecondRoundCase.GoldenNames), MemberType = typeof(SecondRoundCase))]
    public void The_harness_runs_float_parameter_sets_the_way_a_float_optimizer_will_be_run(string name)
    {
        // Float parameters rounded after every step, double state: within the pass rule, so the
        // harness's float path (what Optimizer<TRule> runs) is exercised before the generated types exist.
        SecondRoundCase golden = SecondRoundCase.Named(name);
        SecondRoundHarness.Check(golden, _ => SecondRoundHarness.ForReference<float>(SecondRoundReferences.For(golden)));
    }
}
