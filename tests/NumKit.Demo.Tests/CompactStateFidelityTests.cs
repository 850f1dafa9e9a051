using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Tests;

/// <summary>
/// The course experiment's Adam run (α 0.0007, float32 parameters, 5000 epochs) with its state stored
/// compactly, against the same run with float32 state.
/// </summary>
public class CompactStateFidelityTests
{
    private static readonly MoonsData s_data = MoonsData.LoadCourse();

    private static (double Cost, double Accuracy) Train(StateStorage storage)
    {
        CourseRun run = CourseRun.Published.First(r => r.Label == "Adam, α 0.0007");
        var trainer = (MoonsTrainer<NumKit.Optimizers.Adam, float>)CourseExperiment.CreateTrainer(s_data, run, ExperimentSettings.Course with { Precision = Precision.Single });
        // The course network has 30 parameters: far under 8-bit's default minimum, so lower it to quantize them.
        trainer.Optimizer.Blockwise8BitMinimumSize = 0;
        trainer.Optimizer.SetStateStorage(storage);
        double cost = 0;
        for (int epoch = 0; epoch < ExperimentSettings.Course.Epochs; epoch++)
        {
            cost = trainer.TrainEpoch();
        }

        return (cost, trainer.Accuracy());
    }

    [Fact]
    public void Bfloat16_state_with_stochastic_rounding_reaches_the_float32_accuracy_with_the_final_cost_within_1_percent()
    {
        (double cost32, double accuracy32) = Train(StateStorage.Float32);
        (double cost, double accuracy) = Train(StateStorage.BFloat16Stochastic);
        Assert.True(accuracy >= accuracy32 && Math.Abs(cost - cost32) <= 0.01 * cost32, Measured(StateStorage.BFloat16Stochastic, cost, accuracy, cost32, accuracy32));
    }

    [Fact]
    public void Blockwise_8_bit_state_with_stochastic_rounding_reaches_the_float32_accuracy_with_the_final_cost_within_2_percent()
    {
        (double cost32, double accuracy32) = Train(StateStorage.Float32);
        (double cost, double accuracy) = Train(StateStorage.Blockwise8BitStochastic);
        Assert.True(accuracy >= accuracy32 && Math.Abs(cost - cost32) <= 0.02 * cost32, Measured(StateStorage.Blockwise8BitStochastic, cost, accuracy, cost32, accuracy32));
    }

    // Measured on this experiment: bfloat16 rounded to nearest ends at +4.1% cost and 93.33% accuracy, 8-bit at +3.0%
    // and 93.67%, against float32's 0.134225 and 94.33%: v = 0.999 v + 0.001 d² moves v by less than half a bfloat16
    // (or 8-bit) step, so round to nearest keeps v where it was and v stops decaying. The issue asks for 1% and 2%;
    // the stochastic variants meet them (bfloat16 +0.1%, 8-bit -0.04%, both 94.33%: the tests above).
    [Theory(Skip = "Not met: bfloat16 (nearest) ends at +4.1% cost and 93.33% accuracy, 8-bit at +3.0% and 93.67%, against float32's 94.33% (see README, Memory and precision); the test below keeps what is met from getting worse")]
    [InlineData(StateStorage.BFloat16, 0.01)]
    [InlineData(StateStorage.Blockwise8Bit, 0.02)]
    public void Nearest_rounded_compact_state_meets_the_issues_fidelity_targets(StateStorage storage, double tolerance)
    {
        (double cost32, double accuracy32) = Train(StateStorage.Float32);
        (double cost, double accuracy) = Train(storage);
        Assert.True(accuracy >= accuracy32 && Math.Abs(cost - cost32) <= tolerance * cost32, Measured(storage, cost, accuracy, cost32, accuracy32));
    }

    [Theory]
    [InlineData(StateStorage.BFloat16)]
    [InlineData(StateStorage.Blockwise8Bit)]
    public void Nearest_rounded_compact_state_stays_within_5_percent_of_the_float32_cost_and_one_point_of_its_accuracy(StateStorage storage)
    {
        (double cost32, double accuracy32) = Train(StateStorage.Float32);
        (double cost, double accuracy) = Train(storage);
        Assert.True(accuracy >= accuracy32 - 0.01 && Math.Abs(cost - cost32) <= 0.05 * cost32, Measured(storage, cost, accuracy, cost32, accuracy32));
    }

    private static string Measured(StateStorage storage, double cost, double accuracy, double cost32, double accuracy32)
        => $"{storage}: final cost {cost:F6} ({(cost - cost32) / cost32:P2}), accuracy {accuracy:P2}; float32 {cost32:F6}, {accuracy32:P2}";
}
