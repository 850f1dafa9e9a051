using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Tests;

public class CourseExperimentTests
{
    private static readonly MoonsData s_data = MoonsData.LoadCourse();

    [Fact]
    public void Epoch_zero_matches_the_course_for_all_seven_runs()
    {
        // The course prints epoch 0 to six decimals: 0.702405, 0.702413, 0.702166, 0.701091, 0.701091, 0.702226, 0.699346.
        double[] expected = [0.702405, 0.702413, 0.702166, 0.701091, 0.701091, 0.702226, 0.699346];
        for (int r = 0; r < CourseRun.Published.Length; r++)
        {
            IMoonsTrainer trainer = CourseExperiment.CreateTrainer(s_data, CourseRun.Published[r], ExperimentSettings.Course);
            double cost = trainer.TrainEpoch();
            Assert.True(Math.Abs(cost - expected[r]) <= 5e-7, $"{CourseRun.Published[r].Label}: epoch 0 cost {cost:F9}, the course printed {expected[r]}.");
        }
    }

    [Fact]
    public void The_full_experiment_reproduces_every_printed_cost_and_accuracy()
    {
        // 7 runs × 5000 epochs × 5 mini-batches: a few seconds on two cores.
        RunResult[] results = CourseExperiment.TrainAll(s_data, CourseRun.Published, ExperimentSettings.Course, parallelism: Environment.ProcessorCount);
        foreach (RunResult result in results)
        {
            double[] published = result.Run.PublishedCosts!;
            for (int k = 0; k < CourseRun.PublishedEpochs.Length; k++)
            {
                int epoch = CourseRun.PublishedEpochs[k];
                Assert.True(
                    Math.Abs(result.Costs[epoch] - published[k]) <= CourseExperiment.CostTolerance,
                    $"{result.Run.Label}, epoch {epoch}: {result.Costs[epoch]:F6}, the course printed {published[k]:F6}.");
            }

            Assert.Equal(Math.Round(result.Run.PublishedAccuracy!.Value * 300), Math.Round(result.Accuracy * 300));
            Assert.True(result.MatchesPublished(CourseExperiment.CostTolerance, out double difference));

            // Tighter than required: the printed values are rounded to six decimals, and nothing more is lost.
            Assert.True(difference <= 5e-7, $"{result.Run.Label}: largest difference {difference:E2}.");
        }
    }

    [Fact]
    public void A_deliberately_wrong_result_is_reported_as_a_mismatch()
    {
        RunResult honest = CourseExperiment.Train(s_data, CourseRun.Published[0], ExperimentSettings.Course with { Epochs = 1 });
        Assert.False(honest.MatchesPublished(CourseExperiment.CostTolerance, out _)); // one epoch is not the course's setup

        double[] costs = new double[5000];
        costs[0] = 0.702405;
        costs[1000] = 0.668101 + 2e-4;
        var forged = new RunResult(CourseRun.Published[0], ExperimentSettings.Course, costs, 0.7166666667, honest.Trainer, TimeSpan.Zero);
        Assert.False(forged.MatchesPublished(CourseExperiment.CostTolerance, out double difference));
        Assert.True(difference > 1e-4);
    }

    [Fact]
    public void The_table_flags_a_run_that_differs_from_the_course()
    {
        RunResult honest = CourseExperiment.Train(s_data, CourseRun.Published[0], ExperimentSettings.Course with { Epochs = 1 });
        double[] good = new double[5000];
        double[] bad = new double[5000];
        for (int k = 0; k < 5; k++)
        {
            good[k * 1000] = CourseRun.Published[0].PublishedCosts![k];
            bad[k * 1000] = CourseRun.Published[1].PublishedCosts![k] + (k == 4 ? 3e-4 : 0);
        }

        RunResult[] results =
        [
            new(CourseRun.Published[0], ExperimentSettings.Course, good, 215 / 300.0, honest.Trainer, TimeSpan.Zero),
            new(CourseRun.Published[1], ExperimentSettings.Course, bad, 215 / 300.0, honest.Trainer, TimeSpan.Zero),
        ];
        var writer = new StringWriter();
        CourseReport.Write(writer, "title", results);
        string text = writer.ToString();
        Assert.Contains("e4000", text);
        Assert.Contains("0.573367", text);
        Assert.Contains("max |Δ| 0.0e+00 ok", text);
        Assert.Contains("max |Δ| 3.0e-04 DIFFERS", text);
        Assert.Contains("1 of 2 runs differ from the course's printed results.", text);
    }

    [Fact]
    public void Adam_t_counts_mini_batch_updates()
    {
        IMoonsTrainer trainer = CourseExperiment.CreateTrainer(s_data, CourseRun.Published[2], ExperimentSettings.Course);
        trainer.TrainEpoch();
        Assert.Equal(5, trainer.StepCount); // 64, 64, 64, 64, 44
        trainer.TrainEpoch();
        Assert.Equal(10, trainer.StepCount);
        Assert.Equal(2, trainer.Epoch);
    }

    [Fact]
    public void Decay_is_applied_as_the_course_does_one_epoch_late()
    {
        Func<int, float> everyEpoch = CourseRun.Published[3].LearningRateAt()!;
        Assert.Equal(0.1f, everyEpoch(0));
        Assert.Equal(0.1f, everyEpoch(1));
        Assert.Equal(0.05f, everyEpoch(2), 1e-8f);
        Assert.Equal(0.1f / 1000, everyEpoch(1000), 1e-9f);

        Func<int, float> interval = CourseRun.Published[4].LearningRateAt()!;
        Assert.Equal(0.1f, interval(1000));
        Assert.Equal(0.05f, interval(1001), 1e-8f);
        Assert.Equal(0.1f / 5, interval(4999), 1e-8f);
        Assert.Null(CourseRun.Published[0].LearningRateAt());
    }

    [Fact]
    public void The_trainer_uses_the_scheduled_rate()
    {
        IMoonsTrainer trainer = CourseExperiment.CreateTrainer(s_data, CourseRun.Published[3], ExperimentSettings.Course);
        trainer.TrainEpoch();
        trainer.TrainEpoch();
        trainer.TrainEpoch();
        Assert.Equal(0.05f, trainer.LearningRate, 1e-8f); // epoch 2's rate
    }

    [Theory]
    [InlineData(Precision.Double, ShuffleSource.Course)]
    [InlineData(Precision.Double, ShuffleSource.Seeded)]
    [InlineData(Precision.Single, ShuffleSource.Seeded)]
    [InlineData(Precision.Single, ShuffleSource.None)]
    public void An_epoch_allocates_nothing(Precision precision, ShuffleSource shuffle)
    {
        var settings = ExperimentSettings.Course with { Precision = precision, Shuffle = shuffle };
        IMoonsTrainer trainer = CourseExperiment.CreateTrainer(s_data, CourseRun.Published[6], settings);
        trainer.TrainEpoch(); // JIT and first-use work happen here

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 0; epoch < 20; epoch++)
        {
            trainer.TrainEpoch();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Seeded_shuffles_repeat_with_the_seed_and_change_with_it()
    {
        var settings = ExperimentSettings.Course with { Shuffle = ShuffleSource.Seeded, Epochs = 30 };
        double[] first = CourseExperiment.Train(s_data, CourseRun.Published[2], settings).Costs;
        double[] again = CourseExperiment.Train(s_data, CourseRun.Published[2], settings).Costs;
        double[] other = CourseExperiment.Train(s_data, CourseRun.Published[2], settings with { Seed = 2 }).Costs;
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Float32_with_its_own_shuffles_lands_where_the_course_does()
    {
        // The companion runs' point: Adam reaches the course's accuracy without the course's random numbers.
        var settings = CourseExperiment.CompanionSettings(ExperimentSettings.Course) with { Epochs = 1500 };
        RunResult adam = CourseExperiment.Train(s_data, CourseRun.Published[2], settings);
        Assert.Equal(Precision.Single, adam.Trainer.Precision);
        Assert.InRange(adam.Costs[^1], 0.10, 0.18);
        Assert.InRange(adam.Accuracy, 0.92, 0.96);
    }

    [Fact]
    public void A_checkpoint_restores_the_exact_training_state()
    {
        IMoonsTrainer trainer = CourseExperiment.CreateTrainer(s_data, CourseRun.Published[2], ExperimentSettings.Course);
        for (int i = 0; i < 3; i++)
        {
            trainer.TrainEpoch();
        }

        TrainerCheckpoint checkpoint = trainer.CreateCheckpoint();
        trainer.SaveCheckpoint(checkpoint);
        double[] first = [trainer.TrainEpoch(), trainer.TrainEpoch()];
        trainer.LearningRate = 123f;
        trainer.RestoreCheckpoint(checkpoint);
        Assert.Equal(3, trainer.Epoch);
        Assert.Equal(15, trainer.StepCount);
        Assert.Equal(0.0007f, trainer.LearningRate);
        double[] second = [trainer.TrainEpoch(), trainer.TrainEpoch()];
        Assert.Equal(first, second);

        IMoonsTrainer other = CourseExperiment.CreateTrainer(s_data, CourseRun.Published[0], ExperimentSettings.Course);
        var error = Assert.Throws<ArgumentException>(() => other.RestoreCheckpoint(checkpoint));
        Assert.Contains("Adam", error.Message);
        Assert.Throws<ArgumentException>(() => trainer.RestoreCheckpoint(trainer.CreateCheckpoint()));
    }

    [Fact]
    public void Other_layer_sizes_and_batch_sizes_train()
    {
        var settings = ExperimentSettings.Course with { LayerSizes = [2, 8, 4, 1], BatchSize = 32, Epochs = 300 };
        RunResult result = CourseExperiment.Train(s_data, CourseRun.Published[6], settings);
        Assert.Equal(2 * 8 + 8 + 8 * 4 + 4 + 4 + 1, result.Trainer.ParameterCount);
        Assert.Equal(300 * 10, result.Trainer.StepCount);
        Assert.True(result.Costs[^1] < result.Costs[0] / 2);
        Assert.False(settings.MatchesCourse);
    }

    [Fact]
    public void Bad_options_are_rejected_with_the_reason()
    {
        CatalogOptimizer gd = OptimizerCatalog.Get("gd");
        var layers = Assert.Throws<ArgumentException>(() => gd.CreateTrainer(s_data, 0.1f, new TrainerOptions { LayerSizes = [3, 1] }, Precision.Double));
        Assert.Contains("2 inputs and 1 output", layers.Message);
        var batch = Assert.Throws<ArgumentException>(() => gd.CreateTrainer(s_data, 0.1f, new TrainerOptions { BatchSize = 0 }, Precision.Double));
        Assert.Contains("batch size must be at least 1", batch.Message);
        var initial = Assert.Throws<ArgumentException>(() => gd.CreateTrainer(s_data, 0.1f, new TrainerOptions { InitialParameters = new double[3] }, Precision.Double));
        Assert.Contains("3 values but a 2-5-2-1 network has 30", initial.Message);
        IMoonsTrainer trainer = gd.CreateTrainer(s_data, 0.1f, new TrainerOptions(), Precision.Double);
        Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(new int[299]));
        Assert.Equal(0, trainer.Epoch);
    }

    [Fact]
    public void Predictions_agree_with_accuracy()
    {
        RunResult result = CourseExperiment.Train(s_data, CourseRun.Published[6], ExperimentSettings.Course with { Epochs = 200 });
        var probabilities = new double[300];
        result.Trainer.Predict(s_data.Features.Span, probabilities);
        ReadOnlySpan<double> y = s_data.Labels.Span;
        int correct = 0;
        for (int j = 0; j < 300; j++)
        {
            correct += (probabilities[j] > 0.5) == (y[j] == 1) ? 1 : 0;
        }

        Assert.Equal(result.Accuracy, correct / 300.0);
        Assert.InRange(result.Trainer.Cost(), 0, result.Costs[0]);
    }

    [Fact]
    public void Reported_epochs_follow_the_course_for_5000_and_spread_otherwise()
    {
        Assert.Equal([0, 1000, 2000, 3000, 4000], CourseReport.ReportedEpochs(5000));
        Assert.Equal([0, 20, 40, 60, 80], CourseReport.ReportedEpochs(100));
        Assert.Equal([0, 1, 2], CourseReport.ReportedEpochs(3));
    }
}
