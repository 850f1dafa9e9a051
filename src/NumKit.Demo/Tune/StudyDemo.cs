using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NumKit.Demo.Course;
using NumKit.Tuning;

namespace NumKit.Demo.Tune;

/// <summary>What a study's workers train: the moons network, or a quick synthetic cost (for tests and benchmarks).</summary>
public enum StudyObjectiveKind
{
    /// <summary>Adam on the course's moons, as the in-process search trains it.</summary>
    Moons,

    /// <summary>A synthetic learning curve with its minimum at α = 3·10⁻³, β = 0.95, optionally sleeping per epoch.</summary>
    Synthetic,
}

/// <summary>The settings of <c>tune --storage</c>, <c>tune worker</c> and <c>tune report</c>.</summary>
public sealed record StudyDemoOptions
{
    /// <summary>A SQLite file, or a PostgreSQL connection string or URI.</summary>
    public required string Storage { get; init; }

    /// <summary>The study's name.</summary>
    public string Study { get; init; } = "moons";

    /// <summary>Worker processes to start (0: only create the study and report it).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The study's budget when it is created.</summary>
    public int Trials { get; init; } = 30;

    /// <summary>Epochs per trial.</summary>
    public int Epochs { get; init; } = 600;

    /// <summary>The study's seed when it is created.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>"random" or "tpe" when the study is created.</summary>
    public string Sampler { get; init; } = "random";

    /// <summary>Early stopping from the stored values.</summary>
    public PruneKind Prune { get; init; } = PruneKind.Median;

    /// <summary>What the workers train.</summary>
    public StudyObjectiveKind Objective { get; init; } = StudyObjectiveKind.Moons;

    /// <summary>For the synthetic objective, milliseconds each epoch sleeps.</summary>
    public int EpochMilliseconds { get; init; }

    /// <summary>Seconds between heartbeats.</summary>
    public double HeartbeatSeconds { get; init; } = 1;

    /// <summary>Seconds without a heartbeat before a trial's worker is taken for dead.</summary>
    public double StaleAfterSeconds { get; init; } = 10;

    /// <summary>How many times a trial may be started (stored when the study is created).</summary>
    public int MaxAttempts { get; init; } = 3;
}

/// <summary>
/// Studies from the command line: <c>tune --storage S --study N --workers K</c> creates or joins the study
/// and starts K worker processes (<c>tune worker</c>), printing progress from the store; <c>tune report</c>
/// prints the study.
/// </summary>
public static class StudyDemo
{
    /// <summary>Creates or joins the study, runs the worker processes, shows progress and the report; the exit code.</summary>
    public static int Run(StudyDemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using SqlStudyStorage storage = StudyStorage.Open(options.Storage);
        Study study = Open(storage, options);
        output.WriteLine(Invariant($"Study '{study.Name}' in {Describe(options.Storage)}: {study.Settings.Budget} trials, sampler {study.Settings.Sampler}, seed {study.Settings.Seed}; starting {options.Workers} worker process(es)."));
        var workers = new List<Process>();
        try
        {
            for (int i = 0; i < options.Workers; i++)
            {
                workers.Add(StartWorker(options));
            }

            string last = string.Empty;
            while (workers.Any(w => !w.HasExited))
            {
                if (cancellationToken.WaitHandle.WaitOne(1000))
                {
                    break;
                }

                string line = Progress(study);
                if (line != last)
                {
                    output.WriteLine(line);
                    last = line;
                }
            }
        }
        finally
        {
            foreach (Process worker in workers)
            {
                if (!worker.HasExited && cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C: the workers get the same signal; wait for them to hand their trials back.
                    worker.WaitForExit(30_000);
                }

                worker.Dispose();
            }
        }

        output.WriteLine(Progress(study));
        output.WriteLine();
        WriteReport(study, output);
        return cancellationToken.IsCancellationRequested ? 130 : study.IsFinished() ? 0 : 1;
    }

    /// <summary>One worker: runs trials of the study until it is finished (the body of <c>tune worker</c>).</summary>
    public static int Work(StudyDemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using SqlStudyStorage storage = StudyStorage.Open(options.Storage);
        Study study = Open(storage, options);
        int ran = study.Work(Objective(options), Study.WorkerName(), cancellationToken);
        output.WriteLine(Invariant($"worker {Study.WorkerName()}: {ran} trial(s)"));
        return cancellationToken.IsCancellationRequested ? 130 : 0;
    }

    /// <summary>Prints the study from the store (the body of <c>tune report</c>); exit code 2 if there is no such study.</summary>
    public static int Report(StudyDemoOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using SqlStudyStorage storage = StudyStorage.Open(options.Storage);
        if (storage.FindStudy(options.Study) is null)
        {
            output.WriteLine(Invariant($"There is no study '{options.Study}' in {Describe(options.Storage)}."));
            return 2;
        }

        Study study = Open(storage, options);
        output.WriteLine(Progress(study));
        WriteReport(study, output);
        return 0;
    }

    /// <summary>Creates or joins the study: a joining worker takes the stored sampler, seed and budget.</summary>
    public static Study Open(IStudyStorage storage, StudyDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        string samplerName = storage.FindStudy(options.Study)?.Settings.Sampler ?? options.Sampler;
        ISampler sampler = samplerName == "tpe" ? new TpeSampler() : RandomSampler.Instance;
        return Study.CreateOrLoad(storage, options.Study, MoonsSearch.Space, new StudyOptions
        {
            Seed = options.Seed,
            Budget = options.Trials,
            Sampler = sampler,
            Pruner = TuneDemo.CreatePruner(options.Prune, options.Epochs),
            MaxAttempts = options.MaxAttempts,
            HeartbeatInterval = TimeSpan.FromSeconds(options.HeartbeatSeconds),
            StaleAfter = TimeSpan.FromSeconds(options.StaleAfterSeconds),
        });
    }

    /// <summary>The objective the workers run.</summary>
    public static TrialObjective Objective(StudyDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Objective == StudyObjectiveKind.Synthetic)
        {
            int sleep = options.EpochMilliseconds;
            int epochs = options.Epochs;
            return (trial, reporter, token) =>
            {
                double floor = Math.Pow(Math.Log10(trial[MoonsSearch.Alpha]) + 2.5, 2) + (100 * Math.Pow(trial[MoonsSearch.Beta] - 0.95, 2));
                double cost = double.NaN;
                for (int epoch = 0; epoch < epochs; epoch++)
                {
                    if (sleep > 0)
                    {
                        Thread.Sleep(sleep);
                    }

                    cost = floor + (1.0 / (epoch + 1));
                    if (!reporter.Report(epoch, cost))
                    {
                        break;
                    }
                }

                return cost;
            };
        }

        MoonsData data = MoonsData.LoadCourse();
        int moonsEpochs = options.Epochs;
        return (trial, reporter, token) => MoonsSearch.Train(MoonsSearch.CreateTrainer(data, trial), reporter, moonsEpochs);
    }

    /// <summary>A status line from the store, such as <c>12/30 ended (3 pruned, 0 failed), 2 running, 1 retried, best 0.1 (#7)</c>.</summary>
    public static string Progress(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        IReadOnlyList<StoredTrial> trials = study.Trials();
        int Count(StudyTrialState state) => trials.Count(t => t.State == state);
        int ended = Count(StudyTrialState.Completed) + Count(StudyTrialState.Pruned) + Count(StudyTrialState.Failed);
        StoredTrial? best = trials.Where(t => t.State == StudyTrialState.Completed && double.IsFinite(t.Value)).MinBy(t => t.Value);
        return Invariant($"{ended}/{study.Settings.Budget} ended ({Count(StudyTrialState.Pruned)} pruned, {Count(StudyTrialState.Failed)} failed), {Count(StudyTrialState.Running)} running, {Count(StudyTrialState.Waiting)} waiting, {trials.Count(t => t.Attempts > 1)} retried, ")
            + (best is null ? "no trial completed yet" : Invariant($"best {best.Value:G6} (#{best.Number})"));
    }

    private static void WriteReport(Study study, TextWriter output)
    {
        SearchResults results = study.Results();
        output.WriteLine(results.FormatTable(maxRows: 8));
        output.WriteLine();
        output.WriteLine("How much each parameter mattered (completed trials):");
        output.WriteLine(ParameterImportance.Estimate(results).Format());
    }

    private static Process StartWorker(StudyDemoOptions options)
    {
        // The same program: `dotnet NumKit.Demo.dll` or the apphost; its first argument is the entry assembly.
        string program = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        string entry = Environment.GetCommandLineArgs()[0];
        if (entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(entry);
        }

        foreach (string argument in WorkerArguments(options))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start a worker process.");
    }

    /// <summary>The command line of <c>tune worker</c> for these options.</summary>
    public static IReadOnlyList<string> WorkerArguments(StudyDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            "tune", "worker", "--storage", options.Storage, "--study", options.Study,
            "--trials", Invariant($"{options.Trials}"), "--epochs", Invariant($"{options.Epochs}"), "--seed", Invariant($"{options.Seed}"),
            "--sampler", options.Sampler, "--prune", options.Prune.ToString().ToLowerInvariant(),
            "--objective", options.Objective.ToString().ToLowerInvariant(), "--epoch-ms", Invariant($"{options.EpochMilliseconds}"),
            "--heartbeat", Invariant($"{options.HeartbeatSeconds}"), "--stale-after", Invariant($"{options.StaleAfterSeconds}"),
            "--attempts", Invariant($"{options.MaxAttempts}"),
        ];
    }

    private static string Describe(string storage) =>
        PostgresStudyStorage.LooksLikeConnectionString(storage) ? "PostgreSQL" : Invariant($"SQLite file {storage}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
