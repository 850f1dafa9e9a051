using System.CommandLine;
using System.Text.RegularExpressions;
using NumKit.Demo.Commands;
using NumKit.Demo.Course;
using NumKit.Demo.Training;
using NumKit.Demo.Tune;
using NumKit.Optimizers;
using NumKit.Tuning;

namespace NumKit.Demo.Tests;

public sealed class TuneTests : IDisposable
{
    private static readonly byte[] s_pngHeader = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "numkit-tune-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_tiny_tune_run_completes_writes_the_csv_and_pictures_and_is_the_same_on_one_and_two_threads()
    {
        (int code1, string output1, string csv1) = TinyRun(parallelism: 1, plots: true);
        (int code2, string output2, string csv2) = TinyRun(parallelism: 2, plots: true);

        Assert.Equal(0, code1);
        Assert.Equal(0, code2);
        foreach (string section in new[] { "1. Grid versus random", "2. Parallel trials (caviar)", "Pruned ", "Top trials:", "variance explained", "3. Staged search", "4. Babysitter (panda)", "corrections" })
        {
            Assert.Contains(section, output1);
        }

        // 2 rounds of 6 trials: a header and 12 rows, each trial by id whatever the thread timing.
        string[] lines = csv1.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(13, lines.Length);
        Assert.StartsWith("id,round,status,cost", lines[0]);
        Assert.Equal(csv1, csv2);

        // Everything printed is the same too, once the thread count and the folder are taken out.
        Assert.Equal(Normalise(output1, "p1"), Normalise(output2, "p2"));
        foreach (string name in new[] { "cost-vs-alpha.png", "panda.png" })
        {
            foreach (string folder in new[] { "p1", "p2" })
            {
                string path = Path.Combine(_directory, folder, name);
                Assert.Equal(s_pngHeader, File.ReadAllBytes(path)[..8]);
                Assert.Contains(path, folder == "p1" ? output1 : output2);
            }
        }
    }

    [Fact]
    public void A_cancelled_run_stops_and_still_writes_the_trials_so_far()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var output = new StringWriter();
        int code = TuneDemo.Run(Options(1, plots: false, "cancelled"), output, cancel.Token);

        Assert.Equal(TuneDemo.CancelledExitCode, code);
        Assert.Contains("Cancelled (Ctrl+C)", output.ToString());
        Assert.DoesNotContain("3. Staged search", output.ToString());
        Assert.True(File.Exists(Path.Combine(_directory, "cancelled", "trials.csv")));
    }

    [Fact]
    public void Pruning_is_reported_and_none_prunes_nothing()
    {
        var output = new StringWriter();
        Assert.Equal(0, TuneDemo.Run(Options(1, plots: false, "none") with { Prune = PruneKind.None }, output));
        Assert.Contains("No pruning: every trial ran to the end.", output.ToString());
        string csv = File.ReadAllText(Path.Combine(_directory, "none", "trials.csv"));
        Assert.DoesNotContain(",pruned,", csv);
    }

    [Fact]
    public void The_panda_adapter_restores_weights_and_optimizer_state_exactly()
    {
        var trainer = new MoonsTrainer<Adam, double>(
            MoonsData.LoadCourse(),
            new Adam { LearningRate = 0.01f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f },
            new TrainerOptions { Shuffle = ShuffleSource.Seeded, Seed = 5 });
        var run = new BabysatMoonsRun(trainer);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            run.TrainEpoch();
        }

        run.SaveCheckpoint();
        double[] parameters = trainer.Network.Parameters.ToArray();
        double[][] states = trainer.Optimizer.StateNames.Select(n => trainer.Optimizer.State(n).ToArray()).ToArray();
        int steps = trainer.StepCount;
        float rate = run.LearningRate;

        run.LearningRate = 0.5f;
        run.TrainEpoch();
        run.TrainEpoch();
        Assert.NotEqual(parameters, trainer.Network.Parameters.ToArray());
        Assert.NotEqual(states[0], trainer.Optimizer.State(0).ToArray());

        run.RestoreCheckpoint();
        Assert.Equal(parameters, trainer.Network.Parameters.ToArray());
        for (int i = 0; i < states.Length; i++)
        {
            Assert.Equal(states[i], trainer.Optimizer.State(i).ToArray());
        }

        Assert.Equal(steps, trainer.StepCount);
        Assert.Equal(3, trainer.Epoch);
        Assert.Equal(rate, run.LearningRate);
    }

    [Fact]
    public void A_trial_trains_the_same_whichever_trainer_instance_runs_it()
    {
        MoonsData data = MoonsData.LoadCourse();
        Trial trial = MoonsSearch.Space.Sample(seed: 9, id: 3);
        IMoonsTrainer first = MoonsSearch.CreateTrainer(data, trial);
        first.TrainEpoch();
        IMoonsTrainer second = MoonsSearch.CreateTrainer(data, trial);
        second.TrainEpoch();
        Assert.Equal(first.TrainEpoch(), second.TrainEpoch());
        Assert.Equal((5 * trial.GetInt32(MoonsSearch.Hidden)) + 5, first.ParameterCount);
    }

    [Fact]
    public void Tune_help_lists_its_options_and_bad_values_are_refused()
    {
        var output = new StringWriter();
        Assert.Equal(0, DemoCommandLine.Create().Parse("tune --help").Invoke(new InvocationConfiguration { Output = output }));
        foreach (string option in new[] { "--trials", "--rounds", "--epochs", "--parallel", "--seed", "--prune", "--out", "--panda-lr" })
        {
            Assert.Contains(option, output.ToString());
        }

        Assert.Contains(DemoCommandLine.Create().Parse("tune --prune sometimes").Errors, e => e.Message.Contains("sometimes", StringComparison.Ordinal));
        Assert.Contains(DemoCommandLine.Create().Parse("tune --trials 0").Errors, e => e.Message.Contains("--trials must be at least 1; it is 0", StringComparison.Ordinal));
    }

    private string Normalise(string output, string folder) =>
        Regex.Replace(output.Replace(Path.Combine(_directory, folder), "X", StringComparison.Ordinal), @"\d+ (trial\(s\) )?at once", "N at once");

    private (int Code, string Output, string Csv) TinyRun(int parallelism, bool plots)
    {
        string folder = "p" + parallelism;
        var output = new StringWriter();
        int code = TuneDemo.Run(Options(parallelism, plots, folder), output);
        return (code, output.ToString(), File.ReadAllText(Path.Combine(_directory, folder, "trials.csv")));
    }

    private TuneDemoOptions Options(int parallelism, bool plots, string folder) => new()
    {
        Trials = 6,
        Rounds = 2,
        Epochs = 40,
        Parallelism = parallelism,
        Seed = 3,
        Prune = PruneKind.Median,
        OutputDirectory = Path.Combine(_directory, folder),
        Plots = plots,
    };
}
