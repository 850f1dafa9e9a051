using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NumKit.Demo.Plots;
using NumKit.Demo.Training;

namespace NumKit.Demo.Course;

/// <summary>What the default command was asked to do (its command-line options, parsed).</summary>
public sealed record CourseDemoOptions
{
    /// <summary>Epochs per run.</summary>
    public int Epochs { get; init; } = 5000;

    /// <summary>Examples per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The precision, or null for the course's (double) plus the float32 companion runs.</summary>
    public Precision? Precision { get; init; }

    /// <summary>The shuffles, or null for the course's (plus the companion runs with NumKit's own).</summary>
    public ShuffleSource? Shuffle { get; init; }

    /// <summary>The seed of NumKit's own shuffles.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The hidden layers' sizes.</summary>
    public int[] HiddenUnits { get; init; } = [5, 2];

    /// <summary>The optimizers to run instead of the course's seven runs, or null.</summary>
    public IReadOnlyList<string>? Optimizers { get; init; }

    /// <summary>The learning rate for those optimizers (α, or α0 with a decay), or null for the course's 0.0007.</summary>
    public float? LearningRate { get; init; }

    /// <summary>The decay for those optimizers, or null for none.</summary>
    public DecayKind? Decay { get; init; }

    /// <summary>Where the pictures go.</summary>
    public string OutputDirectory { get; init; } = "out";

    /// <summary>Whether to draw the pictures.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>How many runs train at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Whether the user asked for runs of their own rather than the course's seven.</summary>
    public bool IsCustom => Optimizers is not null || LearningRate is not null || Decay is not null;
}

/// <summary>The default command: the course's experiment (or the runs asked for), its table, the companion float32 runs and the pictures.</summary>
public static class CourseDemo
{
    /// <summary>The exit code when the course's runs do not reproduce its printed results.</summary>
    public const int MismatchExitCode = 2;

    /// <summary>The optimizers run when the user changes the learning rate or decay without naming any.</summary>
    public static readonly string[] DefaultCustomOptimizers = ["gd", "momentum", "adam"];

    /// <summary>The runs the options ask for: the course's seven, or one per named optimizer.</summary>
    public static IReadOnlyList<CourseRun> Runs(CourseDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsCustom)
        {
            return CourseRun.Published;
        }

        float learningRate = options.LearningRate ?? 0.0007f;
        DecayKind decay = options.Decay ?? DecayKind.None;
        return (options.Optimizers ?? DefaultCustomOptimizers)
            .Select(name => OptimizerCatalog.Get(name))
            .Select(optimizer => new CourseRun(Label(optimizer.Label, learningRate, decay), optimizer.Name, learningRate, decay))
            .ToArray();
    }

    /// <summary>The settings the options ask for.</summary>
    public static ExperimentSettings Settings(CourseDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ExperimentSettings
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Precision = options.Precision ?? Precision.Double,
            Shuffle = options.Shuffle ?? ShuffleSource.Course,
            Seed = options.Seed,
            LayerSizes = [2, .. options.HiddenUnits, 1],
        };
    }

    /// <summary>Trains, prints and draws; returns the process exit code.</summary>
    public static int Run(CourseDemoOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Plots)
        {
            // Before training: a folder that cannot be written is a one-line refusal, not a stack trace after the runs.
            Commands.OutputFolder.Prepare(options.OutputDirectory);
        }

        long start = Stopwatch.GetTimestamp();
        MoonsData data = MoonsData.LoadCourse();
        ExperimentSettings settings = Settings(options);
        IReadOnlyList<CourseRun> runs = Runs(options);

        RunResult[] results = CourseExperiment.TrainAll(data, runs, settings, options.Parallelism);
        CourseReport.Write(output, options.IsCustom ? "Your runs" : "1. The course's optimisation experiment, reproduced", results);

        // The companions show the result does not hinge on replaying the course's random numbers.
        RunResult[] companions = [];
        if (!options.IsCustom && options.Precision is null && options.Shuffle is null)
        {
            companions = CourseExperiment.TrainAll(data, CourseExperiment.CompanionRuns, CourseExperiment.CompanionSettings(settings), options.Parallelism);
            CourseReport.Write(output, "2. The same optimizers in float32, with NumKit's own seeded shuffles", companions);
        }

        if (options.Plots)
        {
            output.WriteLine("3. Pictures");
            foreach (string path in DrawPictures(data, results, companions, options.OutputDirectory))
            {
                output.WriteLine("   " + path);
            }

            output.WriteLine();
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s."));

        bool reproduced = results.All(r => r.Run.PublishedCosts is null || !r.Settings.MatchesCourse || r.MatchesPublished(CourseExperiment.CostTolerance, out _));
        return reproduced ? 0 : MismatchExitCode;
    }

    /// <summary>Writes the cost curves, the decision boundaries side by side, and one boundary picture per run; returns the paths.</summary>
    public static IReadOnlyList<string> DrawPictures(MoonsData data, IReadOnlyList<RunResult> results, IReadOnlyList<RunResult> companions, string directory)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(companions);
        var paths = new List<string>
        {
            CoursePlots.CostCurves(results, companions, Path.Combine(directory, "cost-curves.png")),
        };
        RunResult[] all = [.. results, .. companions];
        paths.Add(CoursePlots.DecisionBoundaries(all, data, Path.Combine(directory, "decision-boundaries.png"), columns: 4));
        for (int i = 0; i < all.Length; i++)
        {
            CourseRun run = all[i].Run;
            string decay = run.Decay switch
            {
                DecayKind.EveryEpoch => "-epoch-decay",
                DecayKind.FixedInterval => "-interval-decay",
                _ => string.Empty,
            };
            string precision = all[i].Settings.Precision == Precision.Single ? "-float32" : string.Empty;
            string name = string.Create(CultureInfo.InvariantCulture, $"boundary-{i + 1}-{run.Optimizer}-{run.LearningRate:G6}{decay}{precision}.png");
            paths.Add(CoursePlots.DecisionBoundary(all[i], data, Path.Combine(directory, "boundaries", name)));
        }

        return paths;
    }

    private static string Label(string optimizer, float learningRate, DecayKind decay)
    {
        string alpha = learningRate.ToString("G6", CultureInfo.InvariantCulture);
        return decay switch
        {
            DecayKind.EveryEpoch => $"{optimizer}, α0 {alpha} / (1 + epoch)",
            DecayKind.FixedInterval => $"{optimizer}, α0 {alpha}, interval decay",
            _ => $"{optimizer}, α {alpha}",
        };
    }
}
