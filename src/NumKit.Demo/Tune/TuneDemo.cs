using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NumKit.Demo.Course;
using NumKit.Demo.Plots;
using NumKit.Demo.Training;
using NumKit.Tuning;

namespace NumKit.Demo.Tune;

/// <summary>Which early stopping the <c>tune</c> command uses.</summary>
public enum PruneKind
{
    /// <summary>Every trial runs to the end.</summary>
    None,

    /// <summary><see cref="MedianPruner"/>: stop a trial worse than the median of the earlier trials at the same epoch.</summary>
    Median,

    /// <summary><see cref="SuccessiveHalvingPruner"/>: keep the best third at each rung.</summary>
    Halving,
}

/// <summary>What the <c>tune</c> command was asked to do (its command-line options, parsed).</summary>
public sealed record TuneDemoOptions
{
    /// <summary>Random trials per coarse-to-fine round.</summary>
    public int Trials { get; init; } = 30;

    /// <summary>Coarse-to-fine rounds.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Epochs per trial (and for the babysat run).</summary>
    public int Epochs { get; init; } = 600;

    /// <summary>How many trials train at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The search's seed: the same seed gives the same trials and results at any parallelism.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The early stopping.</summary>
    public PruneKind Prune { get; init; } = PruneKind.Median;

    /// <summary>Where the CSV and pictures go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("out", "tune");

    /// <summary>Whether to draw the pictures.</summary>
    public bool Plots { get; init; } = true;

    /// <summary>The babysat run's optimizer (a catalog name).</summary>
    public string PandaOptimizer { get; init; } = "momentum";

    /// <summary>The babysat run's starting learning rate: too high on purpose, so the policy has to correct it.</summary>
    public float PandaLearningRate { get; init; } = 8f;

    /// <summary>Whether the console line can be overwritten with a live progress display.</summary>
    public bool LiveProgress { get; init; }
}

/// <summary>
/// The <c>tune</c> command: the course's week on hyperparameter search run on the moons — grid versus
/// random, coarse-to-fine random search in parallel (caviar) with pruning, the staged search in the
/// course's order of importance, and one babysat run (panda).
/// </summary>
public static class TuneDemo
{
    /// <summary>The exit code when Ctrl+C stopped the search (the results so far are still printed and written).</summary>
    public const int CancelledExitCode = 130;

    /// <summary>Runs every section, printing to <paramref name="output"/>; cancellation stops early and keeps what is done.</summary>
    /// <returns>0, or <see cref="CancelledExitCode"/> when cancelled.</returns>
    public static int Run(TuneDemoOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        MoonsData data = MoonsData.LoadCourse();
        SearchSpace space = MoonsSearch.Space;
        int epochs = options.Epochs;
        // Before the search: a folder that cannot be written is a one-line refusal now, not a stack trace after the run.
        Commands.OutputFolder.Prepare(options.OutputDirectory);
        output.WriteLine(Invariant($"Hyperparameter search on the moons: Adam on a [2, hidden, 2, 1] network in float32, {epochs} epochs per trial, seed {options.Seed}, {options.Parallelism} trial(s) at once."));
        output.WriteLine(space.ToString());
        output.WriteLine();

        // 1. Why random: with the same budget, a grid tries only a few values of the parameter that matters.
        int budget = options.Trials * options.Rounds;
        output.WriteLine(Invariant($"1. Grid versus random search, {budget} trials each"));
        output.WriteLine(SearchComparison.GridVersusRandom(space, budget, MoonsSearch.Alpha, options.Seed).Format());
        output.WriteLine();

        // 2. Parallel trials (the course's caviar): coarse to fine, every round's trials in parallel.
        output.WriteLine(Invariant($"2. Parallel trials (caviar): coarse to fine, {options.Rounds} round(s) of {options.Trials} random trials, {options.Parallelism} at once, pruning: {PrunerName(options.Prune)}"));
        var progress = new SearchProgress(budget);
        var writeLock = new object();
        SearchHistory history;
        using (var timer = options.LiveProgress ? new Timer(_ => Live(output, writeLock, progress), null, 200, 200) : null)
        {
            history = CoarseToFine.RunAsync(
                space,
                trial => MoonsSearch.CreateTrainer(data, trial),
                (trainer, trial, reporter, token) => MoonsSearch.Train(trainer, reporter, epochs),
                options.Seed,
                new CoarseToFineOptions
                {
                    Rounds = options.Rounds,
                    TrialsPerRound = options.Trials,
                    TopK = Math.Max(2, options.Trials / 5),
                    RoundFinished = round =>
                    {
                        lock (writeLock)
                        {
                            output.Write(options.LiveProgress ? "\r" + new string(' ', 79) + "\r" : string.Empty);
                            output.WriteLine(Invariant($"round {round.Index} finished: {progress}"));
                        }
                    },
                },
                ParallelOptions(options, progress, epochs),
                cancellationToken).GetAwaiter().GetResult();
        }

        if (options.LiveProgress)
        {
            lock (writeLock)
            {
                output.Write("\r" + new string(' ', 79) + "\r");
            }
        }

        output.WriteLine();
        output.WriteLine(history.FormatRounds());
        output.WriteLine(FormatPruning(history.All, options.Prune));
        output.WriteLine();
        output.WriteLine("Top trials:");
        output.WriteLine(history.All.FormatTable(maxRows: 8));
        output.WriteLine();
        output.WriteLine("How much each parameter mattered (all rounds' completed trials):");
        output.WriteLine(ParameterImportance.Estimate(history.All).Format());
        string csv = Path.Combine(options.OutputDirectory, "trials.csv");
        history.All.WriteCsv(csv);
        output.WriteLine(Invariant($"All {history.All.Trials.Length} trials: {csv}"));
        if (options.Plots)
        {
            output.WriteLine("Final cost against α, per round: " + TunePlots.CostAgainstAlpha(history, Path.Combine(options.OutputDirectory, "cost-vs-alpha.png")));
        }

        output.WriteLine();
        if (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(output);
        }

        // 3. The course's order of importance: α first, then β and the mini-batch size, then the rest.
        int perStage = Math.Max(2, options.Trials / 2);
        var stages = StagedSearch.CourseOrder(space, perStage, MoonsSearch.Alpha, MoonsSearch.Beta, MoonsSearch.Batch);
        output.WriteLine(Invariant($"3. Staged search in the course's order of importance: {string.Join(" → ", stages.Select(s => s.Name))}, {perStage} trials each"));
        SearchHistory staged = StagedSearch.RunAsync(
            space,
            stages,
            trial => MoonsSearch.CreateTrainer(data, trial),
            (trainer, trial, reporter, token) => MoonsSearch.Train(trainer, reporter, epochs),
            options.Seed + 1,
            parallel: ParallelOptions(options, null, epochs),
            cancellationToken: cancellationToken).GetAwaiter().GetResult();
        // One line per stage: the held dimensions' one-point ranges add nothing here.
        foreach (string line in staged.FormatRounds().Split('\n').Where(l => !l.StartsWith("    ", StringComparison.Ordinal) && l.Trim().Length > 0))
        {
            output.WriteLine(line.TrimEnd('\r'));
        }

        if (staged.Best is { } stagedBest)
        {
            output.WriteLine(Invariant($"best of the staged search: {stagedBest.Cost:G6} at #{stagedBest.Id} {string.Join(" ", space.Select((d, i) => d.Name + "=" + d.Format(stagedBest.Trial.Values[i])))}"));
        }
        output.WriteLine();
        if (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(output);
        }

        // 4. Babysitter (the course's panda): one run babysat epoch by epoch, started with a learning rate that is too high.
        CatalogOptimizer optimizer = OptimizerCatalog.Get(options.PandaOptimizer);
        var run = new BabysatMoonsRun(optimizer.CreateTrainer(
            data,
            options.PandaLearningRate,
            new TrainerOptions { Shuffle = ShuffleSource.Seeded, Seed = options.Seed },
            Precision.Double));
        output.WriteLine(Invariant($"4. Babysitter (panda): {optimizer.Label} on the course's network babysat for {epochs} epochs, starting at α = {options.PandaLearningRate}"));
        BabysitResult panda = Babysitter.Run(run, epochs, new BabysittingOptions { Patience = Math.Max(5, epochs / 20) }, cancellationToken: cancellationToken);
        output.WriteLine(panda.Format(every: Math.Max(1, epochs / 10)));
        if (options.Plots)
        {
            output.WriteLine("Smoothed cost with the corrections: " + TunePlots.Babysitting(panda, optimizer.Label, Path.Combine(options.OutputDirectory, "panda.png")));
        }

        return cancellationToken.IsCancellationRequested ? Cancelled(output) : 0;
    }

    /// <summary>The pruner <paramref name="kind"/> scaled to <paramref name="epochs"/>, or null.</summary>
    public static Pruner? CreatePruner(PruneKind kind, int epochs) => kind switch
    {
        PruneKind.Median => new MedianPruner(warmupEpochs: Math.Max(1, epochs / 5), minimumTrials: 4, interval: Math.Max(1, epochs / 10)),
        PruneKind.Halving => new SuccessiveHalvingPruner(firstRung: Math.Max(1, epochs / 27), reductionFactor: 3, minimumTrials: 3),
        _ => null,
    };

    /// <summary>One line saying how many trials were pruned and at which epochs.</summary>
    public static string FormatPruning(SearchResults results, PruneKind kind)
    {
        ArgumentNullException.ThrowIfNull(results);
        TrialResult[] pruned = results.Trials.Where(r => r.Status == TrialStatus.Pruned).ToArray();
        if (kind == PruneKind.None)
        {
            return "No pruning: every trial ran to the end.";
        }

        // The library prunes a trial whose cost is no longer finite whatever the pruner: report those apart.
        TrialResult[] diverged = pruned.Where(r => r.Curve.Length > 0 && !double.IsFinite(r.Curve[^1].Cost)).ToArray();
        TrialResult[] hopeless = pruned.Except(diverged).ToArray();
        var text = new StringBuilder(Invariant($"Pruned {pruned.Length} of {results.Trials.Length} trials ({PrunerName(kind)})"));
        if (hopeless.Length > 0)
        {
            text.Append(Invariant($"; {hopeless.Length} judged hopeless, at epoch (× trials): {EpochCounts(hopeless)}"));
        }

        if (diverged.Length > 0)
        {
            text.Append(Invariant($"; {diverged.Length} diverged (cost NaN or ∞) at epoch {EpochCounts(diverged)}"));
        }

        return text.Append('.').ToString();
    }

    private static string EpochCounts(IEnumerable<TrialResult> trials) => string.Join(", ", trials
        .GroupBy(r => r.PrunedAtEpoch ?? -1)
        .OrderBy(g => g.Key)
        .Select(g => g.Count() == 1 ? Invariant($"{g.Key}") : Invariant($"{g.Key} ×{g.Count()}")));

    private static ParallelTrialsOptions ParallelOptions(TuneDemoOptions options, SearchProgress? progress, int epochs) => new()
    {
        MaxDegreeOfParallelism = options.Parallelism,
        Pruner = CreatePruner(options.Prune, epochs),
        Progress = progress is null ? null : progress.Observe,
        EpochCapacity = epochs,
    };

    private static string PrunerName(PruneKind kind) => kind switch
    {
        PruneKind.Median => "median",
        PruneKind.Halving => "successive halving",
        _ => "none",
    };

    private static void Live(TextWriter output, object writeLock, SearchProgress progress)
    {
        lock (writeLock)
        {
            output.Write("\r" + progress.ToString().PadRight(79));
            output.Flush();
        }
    }

    private static int Cancelled(TextWriter output)
    {
        output.WriteLine("Cancelled (Ctrl+C): the results above are those finished so far.");
        return CancelledExitCode;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
