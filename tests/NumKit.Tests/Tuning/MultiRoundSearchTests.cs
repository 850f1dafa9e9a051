using System.Collections.Immutable;
using NumKit.Randomness;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class MultiRoundSearchTests
{
    private static double Width(Dimension d) => d.ScaleHigh - d.ScaleLow;

    [Fact]
    public void Coarse_to_fine_narrows_towards_the_optimum()
    {
        // The bowl's minimum: alpha = 3e-3 (log10 = -2.52), beta = 0.95 (log10(1 - beta) = -1.30).
        var finished = new List<SearchRound>();
        SearchHistory history = CoarseToFine.Run(Synthetic.Space(), Synthetic.Objective(3), seed: 5,
            new CoarseToFineOptions { Rounds = 4, TrialsPerRound = 30, TopK = 5, RoundFinished = finished.Add },
            new ParallelTrialsOptions { MaxDegreeOfParallelism = 2 });

        Assert.Equal(4, history.Rounds.Length);
        Assert.Equal(history.Rounds, finished);
        Assert.Equal(120, history.All.Trials.Length);
        Assert.Equal(Enumerable.Range(0, 120), history.All.Trials.Select(r => r.Id));
        double previousAlpha = double.PositiveInfinity;
        double previousBest = double.PositiveInfinity;
        foreach (SearchRound round in history.Rounds)
        {
            Dimension alpha = round.Space["alpha"];
            Dimension beta = round.Space["beta"];
            Assert.InRange(Math.Log10(3e-3), alpha.ScaleLow, alpha.ScaleHigh);
            Assert.InRange(0.95, beta.Low, beta.High);
            Assert.True(Width(alpha) < previousAlpha, $"round {round.Index}: alpha's range did not narrow");
            previousAlpha = Width(alpha);
            Assert.All(round.Results.Trials, r => Assert.Equal(round.Index, r.Trial.Round));
            Assert.All(round.Results.Trials, r => Assert.True(alpha.Contains(r.Trial["alpha"]) && beta.Contains(r.Trial["beta"])));
            Assert.True(round.Best!.Cost <= previousBest + 1e-5);
            previousBest = round.Best.Cost;
        }

        // The last round samples less than a decade of alpha (of the first round's four) ...
        Assert.True(Width(history.Rounds[^1].Space["alpha"]) < 1.0, history.FormatRounds());
        // ... and its best is within a few hundredths of a decade of the optimum in both parameters.
        Trial best = history.Best!.Trial;
        Assert.InRange(Math.Log10(best["alpha"]) - Math.Log10(3e-3), -0.1, 0.1);
        Assert.InRange(Math.Log10(1 - best["beta"]) - Math.Log10(0.05), -0.1, 0.1);
        Assert.True(history.Best.Cost < history.Rounds[0].Best!.Cost);
    }

    [Fact]
    public void Coarse_to_fine_is_reproducible_across_thread_counts_and_stops_on_cancel()
    {
        var options = new CoarseToFineOptions { Rounds = 2, TrialsPerRound = 10, TopK = 3 };
        SearchHistory one = CoarseToFine.Run(Synthetic.Space(), Synthetic.Objective(2), 9, options, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 });
        SearchHistory three = CoarseToFine.Run(Synthetic.Space(), Synthetic.Objective(2), 9, options, new ParallelTrialsOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(one.All.ToCsv(), three.All.ToCsv());

        using var cancellation = new CancellationTokenSource();
        SearchHistory cut = CoarseToFine.Run(Synthetic.Space(), Synthetic.Objective(2, (trial, epoch) =>
        {
            if (trial.Id == 13)
            {
                cancellation.Cancel();
            }
        }), 9, options, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 }, cancellation.Token);
        Assert.True(cut.WasCancelled);
        Assert.Equal(2, cut.Rounds.Length);
        Assert.Equal(13, cut.All.Count(TrialStatus.Completed));
        Assert.Equal(one.All.Trials[12].Cost, cut.All.Trials[12].Cost);
    }

    [Fact]
    public void NextSpace_keeps_the_space_when_nothing_completed()
    {
        SearchSpace space = Synthetic.Space();
        var failed = new SearchResults(RandomSearch.Sample(space, 3, 1).Select(t =>
            new TrialResult(t, TrialStatus.Failed, double.NaN, ImmutableArray<EpochCost>.Empty, error: "x")));
        Assert.Same(space, CoarseToFine.NextSpace(space, failed, 2));
    }

    [Fact]
    public async Task Staged_search_tunes_alpha_first_then_holds_it()
    {
        var space = new SearchSpace(
            Dimension.LogUniform("alpha", 1e-4, 1),
            Dimension.OneMinusLogUniform("beta", 0.9, 0.999),
            Dimension.PowerOfTwo("batch", 16, 256),
            Dimension.Integer("hidden", 2, 10));
        ImmutableArray<SearchStage> stages = StagedSearch.CourseOrder(space, 12, "alpha", "beta", "batch", "missing");
        Assert.Equal(new[] { "alpha", "beta, batch", "the rest" }, stages.Select(s => s.Name));
        Assert.Equal(new[] { "hidden" }, stages[2].Parameters);

        var start = new Dictionary<string, double> { ["alpha"] = 0.1, ["beta"] = 0.9, ["batch"] = 16, ["hidden"] = 2 };
        var seen = new List<SearchRound>();
        SearchHistory history = await StagedSearch.RunAsync(space, stages, Synthetic.Objective(1), seed: 3, start,
            new ParallelTrialsOptions { MaxDegreeOfParallelism = 2 }, seen.Add);

        Assert.Equal(3, history.Rounds.Length);
        Assert.Equal(history.Rounds, seen);
        // Stage 0 samples alpha only; the rest sit at the start.
        Assert.All(history.Rounds[0].Results.Trials, r =>
        {
            Assert.Equal(0.9, r.Trial["beta"]);
            Assert.Equal(16, r.Trial.GetInt32("batch"));
            Assert.Equal(2, r.Trial.GetInt32("hidden"));
        });
        Assert.Equal(12, SearchComparison.CountDistinct(history.Rounds[0].Results.Trials.Select(r => r.Trial), "alpha"));
        // Stage 1 holds stage 0's best alpha and samples beta and batch.
        double bestAlpha = history.Rounds[0].Best!.Trial["alpha"];
        Assert.All(history.Rounds[1].Results.Trials, r =>
        {
            Assert.Equal(bestAlpha, r.Trial["alpha"]);
            Assert.Equal(2, r.Trial.GetInt32("hidden"));
        });
        Assert.True(SearchComparison.CountDistinct(history.Rounds[1].Results.Trials.Select(r => r.Trial), "beta") > 1);
        // Stage 2 holds the best alpha, beta and batch so far.
        Trial bestSoFar = history.Rounds[1].Best!.Trial;
        Assert.All(history.Rounds[2].Results.Trials, r =>
        {
            Assert.Equal(bestAlpha, r.Trial["alpha"]);
            Assert.Equal(bestSoFar["beta"], r.Trial["beta"]);
            Assert.Equal(bestSoFar["batch"], r.Trial["batch"]);
        });
        Assert.Equal(Enumerable.Range(0, 36), history.All.Trials.Select(r => r.Id));
        Assert.Equal(new[] { 0, 1, 2 }, history.Rounds.Select(r => r.Results.Trials[0].Trial.Round));
        // Tuning beta after alpha improves on alpha alone (the start's beta = 0.9 is far from 0.95).
        Assert.True(history.Rounds[1].Best!.Cost < history.Rounds[0].Best!.Cost);
    }

    [Fact]
    public void Staged_search_refuses_unknown_parameters_and_bad_starts()
    {
        SearchSpace space = Synthetic.Space();
        var bad = new[] { new SearchStage("gamma", 3, "gamma") };
        Assert.Contains("'gamma'", Assert.Throws<ArgumentException>(() => StagedSearch.Run(space, bad, Synthetic.Objective(1), 1)).Message);
        var stages = new[] { new SearchStage("alpha", 3, "alpha") };
        var start = new Dictionary<string, double> { ["beta"] = 0.5 };
        Assert.Contains("0.5", Assert.Throws<ArgumentException>(() => StagedSearch.Run(space, stages, Synthetic.Objective(1), 1, start)).Message);
        Assert.Throws<ArgumentException>(() => new SearchStage("x", 3));
        Assert.Throws<ArgumentException>(() => new SearchStage("x", 3, "a", "a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchStage("x", 0, "a"));
    }

    [Fact]
    public void Importance_ranks_the_parameter_that_matters_first()
    {
        var space = new SearchSpace(
            Dimension.LogUniform("alpha", 1e-4, 1),
            Dimension.OneMinusLogUniform("beta", 0.9, 0.999),
            Dimension.PowerOfTwo("batch", 16, 256),
            Dimension.Integer("hidden", 2, 50),
            Dimension.Choice("activation", "relu", "tanh"));
        ImmutableArray<Trial> trials = RandomSearch.Sample(space, 300, seed: 12);
        // alpha matters most (a bowl in log10 alpha), batch a little and monotonically, beta very little,
        // hidden and activation not at all; plus noise.
        SearchResults results = ParallelTrials.Run(trials, (trial, reporter, token) =>
        {
            var noise = new TrialRandom(trial.Seed);
            double a = Math.Log10(trial["alpha"]) + 2;
            return (a * a) + (0.3 * Math.Log2(trial["batch"])) + (0.05 * Math.Log10(1 - trial["beta"])) + (0.2 * noise.NextDouble());
        }, new ParallelTrialsOptions { MaxDegreeOfParallelism = 2 });

        ImportanceTable table = ParameterImportance.Estimate(results);
        Assert.Equal(300, table.TrialCount);
        Assert.Equal("alpha", table.Rows[0].Parameter);
        Assert.Equal("batch", table.Rows[1].Parameter);
        Assert.True(table["alpha"].VarianceExplained > 0.6, table.Format());
        Assert.InRange(table["hidden"].VarianceExplained, 0, 0.06);
        Assert.InRange(table["activation"].VarianceExplained, 0, 0.03);
        Assert.Equal(2, table["activation"].Groups);
        Assert.Equal(5, table["batch"].Groups);
        Assert.True(double.IsNaN(table["activation"].RankCorrelation));
        // The cost grows with the batch size; alpha's bowl has no overall direction.
        Assert.True(table["batch"].RankCorrelation > 0.2, table.Format());
        Assert.InRange(table["hidden"].RankCorrelation, -0.15, 0.15);
        string text = table.Format();
        Assert.StartsWith("parameter", text);
        Assert.Contains("alpha", text.Split('\n')[1]);
    }

    [Fact]
    public void Importance_of_a_fixed_parameter_is_zero_and_ranks_share_ties()
    {
        SearchSpace space = Synthetic.Space().Fix("beta", 0.95);
        SearchResults results = ParallelTrials.Run(RandomSearch.Sample(space, 20, 1), (t, r, c) => Synthetic.Bowl(t), new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 });
        ImportanceTable table = ParameterImportance.Estimate(results);
        Assert.Equal(0, table["beta"].VarianceExplained);
        Assert.Equal(1, table["beta"].Groups);
        Assert.True(table["alpha"].VarianceExplained > 0.5);
        Assert.Equal(new[] { 1.5, 1.5, 3, 4.5, 4.5 }, ParameterImportance.Ranks(new[] { 1.0, 1.0, 2.0, 5.0, 5.0 }));
        Assert.Empty(ParameterImportance.Estimate(Array.Empty<TrialResult>()).Rows);
    }
}
