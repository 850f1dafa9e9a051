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
        };
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
        };
        pandaRate.Validators.Add(result =>
        {
            float value = result.GetValueOrDefault<float>();
            if (!float.IsFinite(value) || value <= 0)
            {
                result.AddError($"--panda-lr must be a positive number; it is {value}.");
            }
        });
        var output = new Option<string>("--out", "--output")
        {
            Description = "Folder for trials.csv and the pictures.",
            DefaultValueFactory = _ => Path.Combine("out", "tune"),
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the pictures." };

        var command = new Command(
            "tune",
            "Hyperparameter search on the moons: grid versus random, coarse-to-fine random search in parallel (caviar) with "
            + "pruning, the staged search in the course's order of importance, and one run babysat epoch by epoch (panda). "
            + "Ctrl+C stops and keeps the results so far.")
        {
            trials, rounds, epochs, parallel, seed, prune, pandaOptimizer, pandaRate, output, noPlots,
        };
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
}
