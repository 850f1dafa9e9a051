using System.Globalization;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class PandaTests
{
    /// <summary>A run whose costs come from a script, logging every call the babysitter makes.</summary>
    private sealed class ScriptedRun : IBabysatRun
    {
        private readonly Func<int, ScriptedRun, double> _script;
        private float _learningRate;

        public ScriptedRun(float learningRate, Func<int, ScriptedRun, double> script)
        {
            _learningRate = learningRate;
            _script = script;
        }

        public List<string> Log { get; } = new();

        public int Epoch { get; private set; }

        public int Restores { get; private set; }

        public float LearningRate
        {
            get => _learningRate;
            set
            {
                Log.Add(string.Create(CultureInfo.InvariantCulture, $"lr {value}"));
                _learningRate = value;
            }
        }

        public double TrainEpoch()
        {
            Log.Add(string.Create(CultureInfo.InvariantCulture, $"train {Epoch}"));
            return _script(Epoch++, this);
        }

        public void SaveCheckpoint() => Log.Add("save");

        public void RestoreCheckpoint()
        {
            Restores++;
            Log.Add("restore");
        }
    }

    [Fact]
    public void A_plateau_lowers_the_learning_rate_after_the_patience()
    {
        // No smoothing, so the decisions can be read off the script: the cost falls to 0.8 at epoch 2,
        // then stays flat. Patience 5: lowered at epoch 7, again at 12 and 17.
        double[] falling = { 1.0, 0.9, 0.8 };
        var run = new ScriptedRun(0.1f, (e, _) => e < 3 ? falling[e] : 0.8);
        BabysitResult result = Babysitter.Run(run, 20, new BabysittingOptions { SmoothingBeta = 0, Patience = 5, PlateauFactor = 0.5f });

        Assert.Equal(BabysitStatus.Completed, result.Status);
        Assert.Equal(new[] { 7, 12, 17 }, result.Corrections.Select(c => c.Epoch));
        Assert.All(result.Corrections, c => Assert.Equal(CorrectionKind.Plateau, c.Kind));
        Assert.Equal(new[] { 0.1f, 0.05f, 0.025f }, result.Corrections.Select(c => c.OldLearningRate));
        Assert.Equal(new[] { 0.05f, 0.025f, 0.0125f }, result.Corrections.Select(c => c.NewLearningRate));
        Assert.All(result.Corrections, c => Assert.Null(c.RestoredEpoch));
        Assert.Equal(0.0125f, result.FinalLearningRate);
        Assert.Equal(0.1f, result.InitialLearningRate);
        // The epoch after a correction trains at the new rate; the chart marks the correction's epoch.
        Assert.Equal(0.1f, result.Epochs[7].LearningRate);
        Assert.Equal(0.05f, result.Epochs[8].LearningRate);
        Assert.Equal(CorrectionKind.Plateau, result.Epochs[7].Correction);
        Assert.Null(result.Epochs[8].Correction);
        Assert.Equal(0, run.Restores);
        // Checkpoints: the start, then each new best (epochs 0, 1, 2).
        Assert.Equal(4, run.Log.Count(l => l == "save"));
        Assert.Equal(2, result.CheckpointEpoch);
        Assert.Equal((0.8, 2), (result.BestCost, result.BestEpoch));
    }

    [Fact]
    public void Slow_steady_progress_is_not_a_plateau()
    {
        // A 0.5% drop per epoch is above the 0.1% threshold: never lowered.
        var run = new ScriptedRun(0.1f, (e, _) => Math.Pow(0.995, e));
        BabysitResult result = Babysitter.Run(run, 60, new BabysittingOptions { Patience = 5 });
        Assert.Empty(result.Corrections);

        // A 0.01% drop per epoch adds up to less than 0.1% over the 5 epochs of patience: a plateau. (Over
        // about ten epochs it adds up to 0.1%, which counts as an improvement and restarts the patience.)
        var slow = new ScriptedRun(0.1f, (e, _) => Math.Pow(0.9999, e));
        BabysitResult crawling = Babysitter.Run(slow, 60, new BabysittingOptions { Patience = 5 });
        Assert.Equal(5, crawling.Corrections[0].Epoch);
        Assert.True(crawling.Corrections.Length >= 6, crawling.Format());
        Assert.All(crawling.Corrections.Zip(crawling.Corrections.Skip(1)), pair => Assert.True(pair.Second.Epoch - pair.First.Epoch >= 5));
    }

    [Fact]
    public void The_smoothed_cost_is_the_bias_corrected_exponentially_weighted_average()
    {
        double[] costs = { 3, 1, 4, 1, 5, 9, 2, 6 };
        var run = new ScriptedRun(0.1f, (e, _) => costs[e]);
        // A high divergence factor so the noisy script never counts as diverging.
        BabysitResult result = Babysitter.Run(run, costs.Length, new BabysittingOptions { SmoothingBeta = 0.8, DivergenceFactor = 100, Patience = 100 });
        double v = 0;
        for (int t = 1; t <= costs.Length; t++)
        {
            v = (0.8 * v) + (0.2 * costs[t - 1]);
            Assert.Equal(v / (1 - Math.Pow(0.8, t)), result.Epochs[t - 1].SmoothedCost, 12);
        }

        Assert.Equal(3, result.Epochs[0].SmoothedCost);
    }

    [Fact]
    public void Divergence_restores_the_last_good_checkpoint_and_lowers_the_rate()
    {
        // The cost falls, blows up to NaN at epoch 3, and falls again once the rate is below 0.1.
        var run = new ScriptedRun(0.1f, (e, r) => e switch
        {
            0 => 1.0,
            1 => 0.8,
            2 => 0.6,
            3 => double.NaN,
            _ => r.LearningRate < 0.1f ? 0.6 - (0.01 * e) : double.NaN,
        });
        BabysitResult result = Babysitter.Run(run, 6, new BabysittingOptions { DivergenceLearningRateFactor = 0.5f });

        Correction correction = Assert.Single(result.Corrections);
        Assert.Equal(CorrectionKind.Divergence, correction.Kind);
        Assert.Equal(3, correction.Epoch);
        Assert.Equal(2, correction.RestoredEpoch);
        Assert.Equal((0.1f, 0.05f), (correction.OldLearningRate, correction.NewLearningRate));
        Assert.True(double.IsNaN(correction.Cost));
        Assert.Equal(new[] { "save", "train 0", "save", "train 1", "save", "train 2", "save", "train 3", "restore", "lr 0.05", "train 4", "save", "train 5", "save" }, run.Log);
        // The diverged cost is kept out of the average.
        Assert.Equal(result.Epochs[2].SmoothedCost, result.Epochs[3].SmoothedCost);
        Assert.Equal(CorrectionKind.Divergence, result.Epochs[3].Correction);
        Assert.Equal(BabysitStatus.Completed, result.Status);
        Assert.Equal(0.05f, result.FinalLearningRate);
        Assert.Contains("epoch 3: divergence (cost NaN), restored the checkpoint of epoch 2, learning rate 0.1 -> 0.05", correction.ToString());
    }

    [Fact]
    public void A_cost_far_above_the_best_is_a_divergence_too()
    {
        double[] costs = { 1.0, 0.5, 0.9, 1.1, 0.45 };
        var run = new ScriptedRun(0.2f, (e, _) => costs[e]);
        BabysitResult result = Babysitter.Run(run, costs.Length, new BabysittingOptions { DivergenceFactor = 2 });
        // 0.9 is within 2 x the best (0.5); 1.1 is not.
        Correction correction = Assert.Single(result.Corrections);
        Assert.Equal(3, correction.Epoch);
        Assert.Equal(1, correction.RestoredEpoch);
        Assert.Equal(0.1f, result.FinalLearningRate);
    }

    [Fact]
    public void A_divergence_before_any_good_epoch_restores_the_start()
    {
        var run = new ScriptedRun(1f, (e, r) => r.LearningRate > 0.5f ? double.PositiveInfinity : 1.0);
        BabysitResult result = Babysitter.Run(run, 3);
        Correction correction = Assert.Single(result.Corrections);
        Assert.Equal(-1, correction.RestoredEpoch);
        Assert.Contains("restored the checkpoint of the start", correction.ToString());
        Assert.Equal(new[] { "save", "train 0", "restore", "lr 0.5", "train 1", "save", "train 2" }, run.Log);
    }

    [Fact]
    public void A_run_that_keeps_diverging_is_given_up_with_the_checkpoint_restored()
    {
        var run = new ScriptedRun(1f, (e, _) => e == 0 ? 1.0 : double.NaN);
        BabysitResult result = Babysitter.Run(run, 100, new BabysittingOptions { MaxRestores = 2 });
        Assert.Equal(BabysitStatus.GaveUp, result.Status);
        Assert.Equal(4, result.Epochs.Length);
        Assert.Equal(2, result.Corrections.Length);
        Assert.Equal(3, run.Restores);
        Assert.Equal("restore", run.Log[^1]);
        Assert.Equal(0.25f, result.FinalLearningRate);
    }

    [Fact]
    public void The_rate_never_goes_below_the_minimum()
    {
        var run = new ScriptedRun(0.1f, (e, _) => 1.0);
        BabysitResult result = Babysitter.Run(run, 40, new BabysittingOptions { SmoothingBeta = 0, Patience = 3, MinimumLearningRate = 0.04f });
        Assert.Equal(new[] { 0.05f, 0.04f }, result.Corrections.Select(c => c.NewLearningRate));
        Assert.Equal(0.04f, result.FinalLearningRate);
    }

    [Fact]
    public void Cancellation_stops_between_epochs_and_keeps_the_record()
    {
        using var cancellation = new CancellationTokenSource();
        var seen = new List<BabysitEpoch>();
        var run = new ScriptedRun(0.1f, (e, _) =>
        {
            if (e == 5)
            {
                cancellation.Cancel();
            }

            return 1.0 / (e + 1);
        });
        BabysitResult result = Babysitter.Run(run, 100, null, seen.Add, cancellation.Token);
        Assert.Equal(BabysitStatus.Cancelled, result.Status);
        Assert.Equal(6, result.Epochs.Length);
        Assert.Equal(result.Epochs, seen);
        Assert.Equal(1.0 / 6, result.BestCost);
    }

    [Fact]
    public void Csv_and_text_mark_the_corrections()
    {
        double[] costs = { 1.0, 0.5, double.NaN, 0.4 };
        var run = new ScriptedRun(0.5f, (e, _) => costs[e]);
        BabysitResult result = Babysitter.Run(run, 4, new BabysittingOptions { SmoothingBeta = 0 });
        Assert.Equal(
            "epoch,cost,smoothed_cost,learning_rate,correction\n0,1,1,0.5,\n1,0.5,0.5,0.5,\n2,NaN,0.5,0.5,divergence\n3,0.4,0.4,0.25,\n",
            result.ToCsv());
        string text = result.Format();
        Assert.Contains("completed after 4 epochs: best cost 0.4 at epoch 3, learning rate 0.5 -> 0.25, 1 corrections", text);
        Assert.Matches(@"\n\s*2\s+NaN\s+0\.5\s+0\.5\s+divergence\n", text);
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BabysittingOptions { SmoothingBeta = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BabysittingOptions { Patience = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BabysittingOptions { PlateauFactor = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BabysittingOptions { DivergenceFactor = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BabysittingOptions { DivergenceLearningRateFactor = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BabysittingOptions { MaxRestores = -1 });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Babysitter.Run(new ScriptedRun(0f, (e, _) => 1), 3));
        Assert.Equal("run", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Babysitter.Run(new ScriptedRun(1f, (e, _) => 1), -1));
    }

    [Fact]
    public void SpanCheckpoint_round_trips_without_allocating()
    {
        var checkpoint = new SpanCheckpoint<double>(3, 2);
        double[] weights = { 1, 2, 3 };
        double[] state = { 4, 5 };
        Assert.False(checkpoint.IsSaved(0));
        checkpoint.Save(0, weights);
        checkpoint.Save(1, state);
        weights[0] = 99;
        state[1] = 99;

        long before = GC.GetAllocatedBytesForCurrentThread();
        checkpoint.Restore(0, weights);
        checkpoint.Restore(1, state);
        checkpoint.Save(0, weights);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.Equal(new double[] { 1, 2, 3 }, weights);
        Assert.Equal(new double[] { 4, 5 }, state);
        var error = Assert.Throws<ArgumentException>(() => checkpoint.Save(1, weights));
        Assert.Contains("3 elements but slot 1 holds 2", error.Message);
        Assert.Equal(new double[] { 4, 5 }, state);
        Assert.Throws<InvalidOperationException>(() => new SpanCheckpoint<float>(1).Restore(0, new float[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => checkpoint.Save(2, state));
        Assert.Throws<ArgumentException>(() => new SpanCheckpoint<float>());
    }
}
