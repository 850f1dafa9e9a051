namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// The references against Golden/optimizers2-extra.json: configurations the shared golden file lacks
/// (weight decay, Nesterov, warmup, step bounds, tensors of rank 0 to 4, Prodigy's options, Lookahead
/// over Adam, Sgd and Lamb), from PyTorch 1.13 or a transcription of each source (make_optimizers2_extra.py).
/// </summary>
public class SecondRoundExtraTests
{
    [Fact]
    public void The_extra_file_covers_every_second_round_type_and_the_asked_for_options()
    {
        Assert.Equal(SecondRoundReferences.TypeNames.Order(), SecondRoundCase.Extra.Select(c => c.Type).Distinct().Order());
        Assert.Contains(SecondRoundCase.Extra, c => c.Type == "Lars" && c.Properties["Nesterov"].GetBoolean());
        Assert.Contains(SecondRoundCase.Extra, c => c.Type == "ScheduleFreeAdamW" && c.Properties["WarmupSteps"].GetDouble() > 0);
        Assert.Contains(SecondRoundCase.Extra, c => c.Type == "Lookahead" && c.Inner!.Type == "Adam");
        Assert.Contains(SecondRoundCase.Extra, c => c.Type == "Lookahead" && c.Inner!.Type == "Sgd");
        Assert.Contains(SecondRoundCase.Extra, c => c.Type == "Lookahead" && c.Inner!.Type == "Lamb");
        foreach (int rank in new[] { 0, 1, 2, 3 })
        {
            Assert.Contains(SecondRoundCase.Extra, c => c.Type == "Adafactor" && c.Tensors.Any(t => t.Shape.Length == rank));
        }

        foreach (string type in new[] { "Asgd", "Lamb", "Lars", "Adafactor", "Prodigy", "ScheduleFreeAdamW" })
        {
            Assert.Contains(SecondRoundCase.Extra, c => c.Type == type && c.Properties.TryGetValue("WeightDecay", out var wd) && wd.GetDouble() > 0);
        }
    }

    [Theory]
    [MemberData(nameof(SecondRoundCase.ExtraNames), MemberType = typeof(SecondRoundCase))]
    public void The_reference_passes_every_step_of_the_extra_case(string name)
    {
        SecondRoundCase golden = SecondRoundCase.Named(name);
        SecondRoundHarness.Check(golden, _ => SecondRoundHarness.ForReference<double>(SecondRoundReferences.For(golden)));
    }

    [Theory]
    [MemberData(nameof(SecondRoundCase.ExtraNames), MemberType = typeof(SecondRoundCase))]
    public void The_reference_is_within_1e_12_of_the_float64_run_at_every_step(string name)
    {
        SecondRoundCase golden = SecondRoundCase.Named(name);
        TensorListReference reference = SecondRoundReferences.For(golden);
        double[] w = golden.W0.Select(x => (double)x).ToArray();
        for (int step = 0; step < golden.Steps; step++)
        {
            reference.Step(w, golden.Grads[step].Select(x => (double)x).ToArray());
            double error = GoldenTests.Error(w, golden.Expected64[step]);
            Assert.True(error <= 1e-12, $"{name}, step {step + 1}: error {error:E2} against the float64 run");
        }
    }
}
