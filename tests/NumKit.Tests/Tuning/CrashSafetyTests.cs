using System.Collections.Immutable;
using System.Text;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

/// <summary>Issue 11's tuning items: what a crash, a failing write or a failing epoch leaves behind.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("numkit-tuning-crash-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteCsv_that_fails_half_way_leaves_the_previous_file_whole()
    {
        var space = new SearchSpace(Dimension.Uniform("x", 0, 1), Dimension.Choice("opt", "sgd", "adam"));
        SearchResults good = ParallelTrials.Run(RandomSearch.Sample(space, 200, seed: 1), (t, r, _) => t["x"]);
        string path = Path.Combine(_directory, "trials.csv");
        good.WriteCsv(path);
        byte[] before = File.ReadAllBytes(path);

        // A result whose choice index is not one of the dimension's: formatting its row throws, after the
        // header and the first rows have been written.
        var bad = new Trial(space, 999, 0, 0, ImmutableArray.Create(0.5, 7.0));
        var broken = new SearchResults(good.Trials.Add(new TrialResult(bad, TrialStatus.Completed, 1, ImmutableArray<EpochCost>.Empty)));
        Assert.ThrowsAny<ArgumentException>(() => broken.WriteCsv(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Finished_trials_are_in_the_results_log_before_the_search_ends()
    {
        var space = new SearchSpace(Dimension.Uniform("x", 0, 1));
        string path = Path.Combine(_directory, "log.csv");
        var rowsSeen = new int[10];
        using (var log = new TrialResultLog(path, space))
        {
            ParallelTrials.Run(RandomSearch.Sample(space, 10, seed: 3), (trial, reporter, _) =>
            {
                // One thread: when trial k starts, trials 0..k-1 have finished and must be on disk already.
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                rowsSeen[trial.Id] = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
                reporter.Report(0, trial["x"]);
                return trial["x"];
            }, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1, TrialFinished = log.Append });
        }

        Assert.Equal(Enumerable.Range(0, 10), rowsSeen);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("id,round,status,cost,last_epoch,pruned_at_epoch,seed,x,error", lines[0]);

        // Reopening for the same space appends; for another space it is refused.
        using (var again = new TrialResultLog(path, space))
        {
        }

        Assert.Throws<IOException>(() => new TrialResultLog(path, new SearchSpace(Dimension.Uniform("y", 0, 1))));
        Assert.Equal(11, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void An_exception_in_a_babysat_epoch_keeps_the_record_and_restores_the_last_good_checkpoint()
    {
        var run = new FileRun(epoch => epoch == 4 ? throw new InvalidOperationException("disk full") : 1.0 / (epoch + 1));
        BabysitResult result = Babysitter.Run(run, 10, new BabysittingOptions { SmoothingBeta = 0 });

        Assert.Equal(BabysitStatus.Failed, result.Status);
        Assert.Equal("InvalidOperationException: disk full", result.Error);
        Assert.Equal(4, result.Epochs.Length);
        Assert.Equal(3, result.BestEpoch);
        Assert.Equal(3, run.Restored);
        Assert.Contains("disk full", result.Format());
    }

    [Fact]
    public void A_babysat_run_keeps_its_last_good_checkpoint_on_disk_when_asked()
    {
        string path = Path.Combine(_directory, "panda.ckpt");

        // Costs fall until epoch 5, then the run dies with an exception at epoch 8: the file holds epoch 5's checkpoint.
        var run = new FileRun(epoch => epoch == 8 ? throw new IOException("killed") : epoch <= 5 ? 10 - epoch : 6);
        BabysitResult result = Babysitter.Run(run, 20, new BabysittingOptions { SmoothingBeta = 0, CheckpointPath = path });
        Assert.Equal(BabysitStatus.Failed, result.Status);
        Assert.Equal("5", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_directory));

        // Asking for a file with a run that cannot write one is refused before anything runs.
        var plain = new PlainRun();
        Assert.Throws<ArgumentException>(() => Babysitter.Run(plain, 3, new BabysittingOptions { CheckpointPath = path }));
        Assert.Equal(0, plain.Epochs);
    }

    [Fact]
    public void Integer_dimension_over_the_whole_int_range_samples_all_of_it()
    {
        var wide = Dimension.Integer("n", 0, int.MaxValue);
        var space = new SearchSpace(wide);
        double[] values = Enumerable.Range(0, 1000).Select(i => space.Sample(7, i)["n"]).ToArray();

        Assert.All(values, v => Assert.True(wide.Contains(v)));
        Assert.True(values.Distinct().Count() > 990);
        Assert.True(values.Max() > int.MaxValue * 0.9);
        Assert.True(values.Min() < int.MaxValue * 0.1);
        Assert.InRange(values.Average(), int.MaxValue * 0.4, int.MaxValue * 0.6);
        Assert.Equal(2147483648L, wide.DistinctValueCount);
        Assert.Equal(new[] { 0.0, 1073741824, int.MaxValue }, wide.GridValues(3));

        var full = Dimension.Integer("m", int.MinValue, int.MaxValue);
        double[] both = Enumerable.Range(0, 200).Select(i => new SearchSpace(full).Sample(7, i)["m"]).ToArray();
        Assert.Contains(both, v => v < -1e9);
        Assert.Contains(both, v => v > 1e9);
    }

    /// <summary>A run whose checkpoint is the number of the epoch it was saved after (−1: before training).</summary>
    private sealed class FileRun(Func<int, double> cost) : IPersistentBabysatRun
    {
        private int _epoch;
        private int _saved = -1;

        public int Restored { get; private set; } = int.MinValue;

        public float LearningRate { get; set; } = 0.1f;

        public double TrainEpoch() => cost(_epoch++);

        public void SaveCheckpoint() => _saved = _epoch - 1;

        public void RestoreCheckpoint() => Restored = _saved;

        public void WriteCheckpoint(Stream stream) => stream.Write(Encoding.ASCII.GetBytes(_saved.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private sealed class PlainRun : IBabysatRun
    {
        public int Epochs { get; private set; }

        public float LearningRate { get; set; } = 0.1f;

        public double TrainEpoch() => ++Epochs;

        public void SaveCheckpoint()
        {
        }

        public void RestoreCheckpoint()
        {
        }
    }
}
