using System;
using System.CommandLine;
using System.Linq;
using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Commands;

/// <summary>The root command: the course's optimisation experiment, with options to change the runs.</summary>
public static class CourseCommand
{
    // The course's data set is the one the command trains on: a batch cannot hold more examples than it has.
    private static readonly int CourseExamples = MoonsData.LoadCourse().Count;

    /// <summary>Builds the root command, whose action is the course experiment.</summary>
    public static RootCommand CreateRoot()
    {
        var epochs = new Option<int>("--epochs", "-e")
        {
            Description = "Epochs per run.",
            DefaultValueFactory = _ => 5000,
        }.Whole(1);
        var optimizers = new Option<string[]>("--optimizer", "-o")
        {
            Description = $"Run these optimizers instead of the course's seven runs: {string.Join(", ", OptimizerCatalog.Names)}.",
            AllowMultipleArgumentsPerToken = true,
        }.OneOf(OptimizerCatalog.Names.ToArray());
        var learningRate = new Option<float?>("--learning-rate", "--lr")
        {
            Description = "The learning rate α (α0 with --decay) for your runs [default: 0.0007].",
        }.Number(10f, "the course's rates are 0.0007 to 0.01");
        var decay = new Option<string?>("--decay")
        {
            Description = "Learning-rate decay for your runs: none, epoch (α0/(1 + epoch)) or interval (α0/(1 + ⌊epoch/1000⌋)).",
        };
        decay.AcceptOnlyFromAmong("none", "epoch", "interval");
        var batchSize = new Option<int>("--batch-size", "-b")
        {
            Description = "Examples per mini-batch.",
            DefaultValueFactory = _ => 64,
        }.Whole(1, CourseExamples, $"the course's data set has {CourseExamples} examples");
        var precision = new Option<string?>("--precision", "-p")
        {
            Description = "double (float64) or single (float32) [default: double, plus float32 companion runs].",
        };
        precision.AcceptOnlyFromAmong("double", "float64", "single", "float32");
        var shuffle = new Option<string?>("--shuffle")
        {
            Description = "course (replay numpy's shuffles), seeded (NumKit's own, see --seed) or none [default: course].",
        };
        shuffle.AcceptOnlyFromAmong("course", "seeded", "none");
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of NumKit's own shuffles.",
            DefaultValueFactory = _ => 1,
        }.Whole();
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Sizes of the hidden layers.",
            DefaultValueFactory = _ => [5, 2],
            AllowMultipleArgumentsPerToken = true,
        }.Sizes(maximum: 4096);
        var output = new Option<string>("--output")
        {
            Description = "Folder for the pictures.",
            DefaultValueFactory = _ => "out",
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the pictures." };
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many runs train at once.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        }.Whole(1, 1024);

        var root = new RootCommand(
            "NumKit's demo: the course's optimisation experiment (gradient descent, momentum, Adam, learning-rate decay on the moons), "
            + "its table and pictures. Name optimizers, a learning rate or a decay to run your own configurations instead.")
        {
            epochs, optimizers, learningRate, decay, batchSize, precision, shuffle, seed, hidden, output, noPlots, parallel,
        };

        root.SetAction(parseResult =>
        {
            string[] names = DemoCommandLine.Names(parseResult, optimizers);
            var options = new CourseDemoOptions
            {
                Epochs = parseResult.GetValue(epochs),
                BatchSize = parseResult.GetValue(batchSize),
                Optimizers = names.Length == 0 ? null : names,
                LearningRate = parseResult.GetValue(learningRate),
                Decay = parseResult.GetValue(decay) switch
                {
                    "none" => DecayKind.None,
                    "epoch" => DecayKind.EveryEpoch,
                    "interval" => DecayKind.FixedInterval,
                    _ => null,
                },
                Precision = parseResult.GetValue(precision) switch
                {
                    "double" or "float64" => Training.Precision.Double,
                    "single" or "float32" => Training.Precision.Single,
                    _ => null,
                },
                Shuffle = parseResult.GetValue(shuffle) switch
                {
                    "course" => ShuffleSource.Course,
                    "seeded" => ShuffleSource.Seeded,
                    "none" => ShuffleSource.None,
                    _ => null,
                },
                Seed = parseResult.GetValue(seed),
                HiddenUnits = parseResult.GetValue(hidden) ?? [5, 2],
                OutputDirectory = parseResult.GetValue(output) ?? "out",
                Plots = !parseResult.GetValue(noPlots),
                Parallelism = parseResult.GetValue(parallel),
            };
            return CourseDemo.Run(options, parseResult.InvocationConfiguration.Output);
        });
        return root;
    }
}
