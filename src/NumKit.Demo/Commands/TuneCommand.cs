using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using NumKit.Demo.Training;
using NumKit.Demo.Tune;

namespace NumKit.Demo.Commands;

/// <summary>The <c>tune</c> command: hyperparameter search on the moons (grid vs random, caviar, staged, panda).</summary>
public static class TuneCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var trials = new Option<int>("--trials", "-t")
        {
            Description = "Random trials per coarse-to-fine round.",
            DefaultValueFactory = _ => 30,
        }.AtLeast(1);
        var rounds = new Option<int>("--rounds", "-r")
        {
            Description = "Coarse-to-fine rounds.",
            DefaultValueFactory = _ => 3,
        }.AtLeast(1);
        var epochs = new Option<int>("--epochs", "-e")
        {
            Description = "Epochs per trial and for the babysat run.",
            DefaultValueFactory = _ => 600,
        }.AtLeast(1);
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many trials train at once (the results do not depend on it).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        }.AtLeast(1);
        var seed = new Option<ulong>("--seed")
        {
            Description = "The search's seed: the same seed gives the same trials and results.",
            DefaultValueFactory = _ => 1,
        }.Whole();
        var prune = new Option<string>("--prune")
        {
            Description = "Early stopping of hopeless trials: median, halving (successive halving) or none.",
            DefaultValueFactory = _ => "median",
        };
        prune.AcceptOnlyFromAmong("median", "halving", "none");
        var pandaOptimizer = new Option<string>("--panda-optimizer")
        {
            Description = "The babysat run's optimizer.",
            DefaultValueFactory = _ => "momentum",
        };
        pandaOptimizer.AcceptOnlyFromAmong([.. OptimizerCatalog.Names]);
        var pandaRate = new Option<float>("--panda-lr")
        {
            Description = "The babysat run's starting learning rate (too high on purpose, so the policy corrects it).",
            DefaultValueFactory = _ => 8f,
        }.Number(1000f, "the default, 8, is already too high on purpose");
        var output = new Option<string>("--out", "--output")
        {
            Description = "Folder for trials.csv and the pictures.",
            DefaultValueFactory = _ => Path.Combine("out", "tune"),
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the pictures." };

        var study = new StudyOptionSet();
        var command = new Command(
            "tune",
            "Hyperparameter search on the moons: grid versus random, coarse-to-fine random search in parallel (caviar) with "
            + "pruning, the staged search in the course's order of importance, and one run babysat epoch by epoch (panda). "
            + "Ctrl+C stops and keeps the results so far.")
        {
            trials, rounds, epochs, parallel, seed, prune, pandaOptimizer, pandaRate, output, noPlots,
        };
        study.AddTo(command);
        command.Subcommands.Add(StudySubcommand("worker", "One worker process of a study: runs its trials until the study is finished (tune --storage starts these).", trials, epochs, seed, prune, StudyDemo.Work));
        command.Subcommands.Add(StudySubcommand("report", "Prints a study from its storage: progress, the best trials, and how much each parameter mattered.", trials, epochs, seed, prune,
            static (options, writer, _) => StudyDemo.Report(options, writer)));
        command.SetAction(parseResult =>
        {
            TextWriter writer = parseResult.InvocationConfiguration.Output;
            var options = new TuneDemoOptions
            {
                Trials = parseResult.GetValue(trials),
                Rounds = parseResult.GetValue(rounds),
                Epochs = parseResult.GetValue(epochs),
                Parallelism = parseResult.GetValue(parallel),
                Seed = parseResult.GetValue(seed),
                Prune = parseResult.GetValue(prune) switch
                {
                    "halving" => PruneKind.Halving,
                    "none" => PruneKind.None,
                    _ => PruneKind.Median,
                },
                PandaOptimizer = parseResult.GetValue(pandaOptimizer) ?? "momentum",
                PandaLearningRate = parseResult.GetValue(pandaRate),
                OutputDirectory = parseResult.GetValue(output) ?? Path.Combine("out", "tune"),
                Plots = !parseResult.GetValue(noPlots),
                LiveProgress = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected,
            };

            if (parseResult.GetValue(study.Storage) is { } storage)
            {
                return WithCtrlC(token => StudyDemo.Run(study.Read(parseResult, storage, trials, epochs, seed, prune), writer, token));
            }

            // Ctrl+C cancels the search instead of killing the process, so the results so far are still printed and written.
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return TuneDemo.Run(options, writer, cancel.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    private static Command StudySubcommand(string name, string description, Option<int> trials, Option<int> epochs, Option<ulong> seed, Option<string> prune,
        Func<StudyDemoOptions, TextWriter, CancellationToken, int> action)
    {
        var set = new StudyOptionSet();
        var command = new Command(name, description) { trials, epochs, seed, prune };
        set.AddTo(command);
        command.SetAction(parseResult =>
        {
            string? storage = parseResult.GetValue(set.Storage);
            if (storage is null)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"tune {name} needs --storage (a SQLite file or a PostgreSQL connection string).");
                return 2;
            }

            StudyDemoOptions options = set.Read(parseResult, storage, trials, epochs, seed, prune);
            return WithCtrlC(token => action(options, parseResult.InvocationConfiguration.Output, token));
        });
        return command;
    }

    // Ctrl+C cancels instead of killing the process, so a worker hands its trial back.
    private static int WithCtrlC(Func<CancellationToken, int> run)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return run(cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The options of a study (tune --storage, tune worker, tune report), one set per command.</summary>
    private sealed class StudyOptionSet
    {
        public Option<string?> Storage { get; } = new("--storage")
        {
            Description = "Run the search as a study in this storage: a SQLite file (such as study.db) or a PostgreSQL connection string (Host=...;Database=...). --trials is then the study's budget.",
        };

        public Option<string> Study { get; } = new("--study") { Description = "The study's name (created, or joined if it exists).", DefaultValueFactory = _ => "moons" };

        public Option<int> Workers { get; } = new Option<int>("--workers") { Description = "Worker processes to start on this machine.", DefaultValueFactory = _ => 2 }.AtLeast(0);

        public Option<string> Sampler { get; } = new("--sampler") { Description = "How a new study picks trials: random or tpe.", DefaultValueFactory = _ => "random" };

        public Option<string> Objective { get; } = new("--objective") { Description = "What workers train: moons, or synthetic (quick, for tests).", DefaultValueFactory = _ => "moons", Hidden = true };

        public Option<int> EpochMilliseconds { get; } = new Option<int>("--epoch-ms") { Description = "Synthetic objective: milliseconds per epoch.", Hidden = true }.AtLeast(0);

        public Option<double> Heartbeat { get; } = new("--heartbeat") { Description = "Seconds between a worker's heartbeats.", DefaultValueFactory = _ => 1.0 };

        public Option<double> StaleAfter { get; } = new("--stale-after") { Description = "Seconds without a heartbeat before a trial's worker is taken for dead and the trial retried.", DefaultValueFactory = _ => 10.0 };

        public Option<int> Attempts { get; } = new Option<int>("--attempts") { Description = "How many times a new study starts a trial whose workers die.", DefaultValueFactory = _ => 3 }.AtLeast(1);

        public void AddTo(Command command)
        {
            Sampler.AcceptOnlyFromAmong("random", "tpe");
            Objective.AcceptOnlyFromAmong("moons", "synthetic");
            foreach (Option option in new Option[] { Storage, Study, Workers, Sampler, Objective, EpochMilliseconds, Heartbeat, StaleAfter, Attempts })
            {
                command.Options.Add(option);
            }
        }

        public StudyDemoOptions Read(ParseResult parseResult, string storage, Option<int> trials, Option<int> epochs, Option<ulong> seed, Option<string> prune) => new()
        {
            Storage = storage,
            Study = parseResult.GetValue(Study) ?? "moons",
            Workers = parseResult.GetValue(Workers),
            Trials = parseResult.GetValue(trials),
            Epochs = parseResult.GetValue(epochs),
            Seed = parseResult.GetValue(seed),
            Sampler = parseResult.GetValue(Sampler) ?? "random",
            Prune = parseResult.GetValue(prune) switch
            {
                "halving" => PruneKind.Halving,
                "none" => PruneKind.None,
                _ => PruneKind.Median,
            },
            Objective = parseResult.GetValue(Objective) == "synthetic" ? StudyObjectiveKind.Synthetic : StudyObjectiveKind.Moons,
            EpochMilliseconds = parseResult.GetValue(EpochMilliseconds),
            HeartbeatSeconds = parseResult.GetValue(Heartbeat),
            StaleAfterSeconds = parseResult.GetValue(StaleAfter),
            MaxAttempts = parseResult.GetValue(Attempts),
        };
    }
}
