using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Tests;

/// <summary>
/// The course experiment's Adam run (α 0.0007, float32 parameters, 5000 epochs) with its state stored
/// compactly must reach the float32 run's training accuracy, with a final cost within 1% (bfloat16) or
/// 2% (8-bit blockwise) of it.
/// </summary>
public class CompactStateFidelityTests
{
    private static readonly MoonsData s_data = MoonsData.LoadCourse();

    private static (double Cost, double Accuracy) Train(StateStorage storage)
    {
        CourseRun run = CourseRun.Published.First(r => r.Label == "Adam, α 0.0007");
        var trainer = (MoonsTrainer<NumKit.Optimizers.Adam, float>)CourseExperiment.CreateTrainer(s_data, run, ExperimentSettings.Course with { Precision = Precision.Single });
        // The course network has 33 parameters: far under 8-bit's default minimum, so lower it to quantize them.
        trainer.Optimizer.Blockwise8BitMinimumSize = 0;
        trainer.Optimizer.SetStateStorage(storage);
        double cost = 0;
        for (int epoch = 0; epoch < ExperimentSettings.Course.Epochs; epoch++)
        {
            cost = trainer.TrainEpoch();
        }

        return (cost, trainer.Accuracy());
    }

    [Theory]
    [InlineData(StateStorage.BFloat16, 0.01)]
    [InlineData(StateStorage.BFloat16Stochastic, 0.01)]
    [InlineData(StateStorage.Blockwise8Bit, 0.02)]
    public void Compact_state_reaches_the_float32_accuracy_with_the_final_cost_within_tolerance(StateStorage storage, double tolerance)
    {
        (double cost32, double accuracy32) = Train(StateStorage.Float32);
        (double cost, double accuracy) = Train(storage);
        Assert.True(accuracy >= accuracy32, $"{storage}: accuracy {accuracy:P2}, float32 {accuracy32:P2}");
        Assert.True(Math.Abs(cost - cost32) <= tolerance * cost32, $"{storage}: final cost {cost:F6}, float32 {cost32:F6} ({(cost - cost32) / cost32:P2})");
    }
}
