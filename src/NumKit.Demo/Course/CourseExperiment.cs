using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using NumKit.Demo.Training;

namespace NumKit.Demo.Course;

/// <summary>What every run of one experiment shares: epochs, batches, precision, shuffles, network.</summary>
public sealed record ExperimentSettings
{
    /// <summary>The course's setup: 5000 epochs of mini-batches of 64 with its shuffles, in double precision.</summary>
    public static readonly ExperimentSettings Course = new();

    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 5000;

    /// <summary>Examples per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The precision of the network and optimizer.</summary>
    public Precision Precision { get; init; } = Precision.Double;

    /// <summary>Where each epoch's order comes from.</summary>
    public ShuffleSource Shuffle { get; init; } = ShuffleSource.Course;

    /// <summary>The seed of the iterator's own shuffle (<see cref="ShuffleSource.Seeded"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The layer sizes; the course's [2, 5, 2, 1] unless changed.</summary>
    public int[] LayerSizes { get; init; } = TrainerOptions.CourseLayerSizes;

    /// <summary>Whether a run with these settings should reproduce the course's printed numbers.</summary>
    public bool MatchesCourse
        => Epochs > CourseRun.PublishedEpochs[^1] && BatchSize == 64 && Precision == Precision.Double
           && Shuffle == ShuffleSource.Course && LayerSizes.AsSpan().SequenceEqual(TrainerOptions.CourseLayerSizes);

    /// <summary>One line describing the settings, for the table's heading.</summary>
    public string Describe()
        => $"[{string.Join(", ", LayerSizes)}] network, mini-batches of {BatchSize}, "
           + (Shuffle switch
           {
               ShuffleSource.Course => "the course's shuffles",
               ShuffleSource.Seeded => $"NumKit's own shuffles (seed {Seed})",
               _ => "no shuffling",
           })
           + $", {Epochs} epochs, {(Precision == Precision.Double ? "double precision (float64)" : "single precision (float32)")}";
}

/// <summary>One finished run: its cost at every epoch, its final accuracy, and the trained model.</summary>
/// <param name="Run">The configuration.</param>
/// <param name="Settings">The shared settings it ran with.</param>
/// <param name="Costs">The cost of every epoch as the course reports it.</param>
/// <param name="Accuracy">The training accuracy after the last epoch.</param>
/// <param name="Trainer">The trained network and optimizer (for pictures).</param>
/// <param name="Elapsed">How long training took.</param>
public sealed record RunResult(CourseRun Run, ExperimentSettings Settings, double[] Costs, double Accuracy, IMoonsTrainer Trainer, TimeSpan Elapsed)
{
    /// <summary>Whether the run reproduces the course's printed result: every printed cost within <paramref name="tolerance"/> and the accuracy equal.</summary>
    public bool MatchesPublished(double tolerance, out double largestDifference)
    {
        largestDifference = double.NaN;
        if (Run.PublishedCosts is null || Run.PublishedAccuracy is null || !Settings.MatchesCourse)
        {
            return false;
        }

        largestDifference = 0;
        for (int k = 0; k < CourseRun.PublishedEpochs.Length; k++)
        {
            largestDifference = Math.Max(largestDifference, Math.Abs(Costs[CourseRun.PublishedEpochs[k]] - Run.PublishedCosts[k]));
        }

        // The course prints the accuracy of m = 300 examples to ten digits: compare the counts of right answers.
        return largestDifference <= tolerance && Math.Round(Accuracy * 300) == Math.Round(Run.PublishedAccuracy.Value * 300);
    }
}

/// <summary>Runs the course's optimisation experiment: each configuration trained from the same start, several at once.</summary>
public static class CourseExperiment
{
    /// <summary>The tolerance the course's printed costs are checked with.</summary>
    public const double CostTolerance = 1e-4;

    /// <summary>
    /// The companion runs: gradient descent, momentum and Adam at the course's α = 0.0007, to be run in
    /// float32 with NumKit's own shuffles.
    /// </summary>
    public static IReadOnlyList<CourseRun> CompanionRuns { get; } = CourseRun.Published.Take(3).ToArray();

    /// <summary>The settings of the companion runs: the course's, in float32 with the iterator's seeded shuffle.</summary>
    public static ExperimentSettings CompanionSettings(ExperimentSettings settings)
        => settings with { Precision = Precision.Single, Shuffle = ShuffleSource.Seeded };

    /// <summary>Creates the trainer for <paramref name="run"/> under <paramref name="settings"/>, at epoch 0.</summary>
    public static IMoonsTrainer CreateTrainer(MoonsData data, CourseRun run, ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(settings);
        var options = new TrainerOptions
        {
            LayerSizes = settings.LayerSizes,
            BatchSize = settings.BatchSize,
            Shuffle = settings.Shuffle,
            Seed = settings.Seed,
            LearningRateAt = run.LearningRateAt(),
        };
        return OptimizerCatalog.Get(run.Optimizer).CreateTrainer(data, run.LearningRate, options, settings.Precision);
    }

    /// <summary>Trains one run for <see cref="ExperimentSettings.Epochs"/> epochs, recording every epoch's cost.</summary>
    public static RunResult Train(MoonsData data, CourseRun run, ExperimentSettings settings)
    {
        IMoonsTrainer trainer = CreateTrainer(data, run, settings);
        var costs = new double[settings.Epochs];
        long start = Stopwatch.GetTimestamp();
        for (int epoch = 0; epoch < costs.Length; epoch++)
        {
            costs[epoch] = trainer.TrainEpoch();
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        return new RunResult(run, settings, costs, trainer.Accuracy(), trainer, elapsed);
    }

    /// <summary>
    /// Trains every run, up to <paramref name="parallelism"/> at once (each has its own network and
    /// optimizer, so the results do not depend on it), and returns the results in the runs' order.
    /// </summary>
    public static RunResult[] TrainAll(MoonsData data, IReadOnlyList<CourseRun> runs, ExperimentSettings settings, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var results = new RunResult[runs.Count];
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i => results[i] = Train(data, runs[i], settings));
        return results;
    }
}
