using System.Collections.Immutable;
using NumKit.Randomness;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class PruningTests
{
    private const int Epochs = 12;

    // An independent, single-threaded reference of the pruning rule: trial k at epoch e is compared with
    // the costs at e of the trials before it that were still running at e.
    private static Dictionary<int, int> ReferencePrunes(ImmutableArray<Trial> trials, Func<int, double, List<double>, bool> prune, Func<int, bool> evaluates)
    {
        var curves = new List<List<double>>();
        var prunedAt = new Dictionary<int, int>();
        foreach (Trial trial in trials)
        {
            var noise = new TrialRandom(trial.Seed);
            var curve = new List<double>();
            for (int e = 0; e < Epochs; e++)
            {
                double cost = Synthetic.Curve(trial, e, ref noise);
                curve.Add(cost);
                if (evaluates(e))
                {
                    List<double> earlier = curves.Where(c => c.Count > e).Select(c => c[e]).ToList();
                    if (prune(e, cost, earlier))
                    {
                        prunedAt[trial.Id] = e;
                        break;
                    }
                }
            }

            curves.Add(curve);
        }

        return prunedAt;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    [Fact]
    public void Median_pruning_stops_the_bad_trials_and_never_the_best()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 30, seed: 21);
        var pruner = new MedianPruner(warmupEpochs: 2, minimumTrials: 3);
        SearchResults results = ParallelTrials.Run(trials, Synthetic.Objective(Epochs), new ParallelTrialsOptions { MaxDegreeOfParallelism = 3, Pruner = pruner });

        Trial best = trials.MinBy(Synthetic.Bowl)!;
        Assert.Equal(TrialStatus.Completed, results.Trials[best.Id].Status);
        Assert.Same(results.Trials[best.Id], results.Best);
        TrialResult[] pruned = results.Trials.Where(r => r.Status == TrialStatus.Pruned).ToArray();
        Assert.True(pruned.Length >= 8, $"only {pruned.Length} pruned");
        // Nothing is pruned during the warm-up, and a pruned trial's curve ends where it was pruned.
        Assert.All(pruned, r => Assert.InRange(r.PrunedAtEpoch!.Value, 2, Epochs - 1));
        Assert.All(pruned, r => Assert.Equal(r.PrunedAtEpoch!.Value + 1, r.Curve.Length));
        Assert.All(pruned, r => Assert.Equal(r.Curve[^1].Cost, r.Cost));

        Dictionary<int, int> expected = ReferencePrunes(trials,
            (e, cost, earlier) => earlier.Count >= 3 && cost > Median(earlier), e => e >= 2);
        Assert.Equal(expected.OrderBy(p => p.Key), pruned.Select(r => KeyValuePair.Create(r.Id, r.PrunedAtEpoch!.Value)));
        Assert.Contains($"pruned@{pruned[0].PrunedAtEpoch}", results.FormatTable(30));
    }

    [Fact]
    public void Successive_halving_keeps_the_best_third_at_each_rung()
    {
        var pruner = new SuccessiveHalvingPruner(firstRung: 1, reductionFactor: 3, minimumTrials: 2);
        Assert.Equal(new[] { 1, 3, 9, 27 }, Enumerable.Range(0, 30).Where(pruner.Evaluates));

        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 30, seed: 22);
        SearchResults results = ParallelTrials.Run(trials, Synthetic.Objective(Epochs), new ParallelTrialsOptions { MaxDegreeOfParallelism = 4, Pruner = pruner });

        Trial best = trials.MinBy(Synthetic.Bowl)!;
        Assert.Same(results.Trials[best.Id], results.Best);
        Dictionary<int, int> expected = ReferencePrunes(trials, (e, cost, earlier) =>
        {
            if (earlier.Count < 2)
            {
                return false;
            }

            int better = earlier.Count(c => c < cost);
            return better >= Math.Max(1, (earlier.Count + 1) / 3);
        }, pruner.Evaluates);
        Assert.True(expected.Count >= 15, $"reference pruned only {expected.Count}");
        Assert.Equal(expected.OrderBy(p => p.Key),
            results.Trials.Where(r => r.Status == TrialStatus.Pruned).Select(r => KeyValuePair.Create(r.Id, r.PrunedAtEpoch!.Value)));
        Assert.All(results.Trials.Where(r => r.Status == TrialStatus.Pruned), r => Assert.Contains(r.PrunedAtEpoch!.Value, new[] { 1, 3, 9 }));
    }

    [Fact]
    public void Pruning_decisions_do_not_depend_on_the_number_of_threads()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 24, seed: 23);
        TrialObjective objective = Synthetic.Objective(Epochs, (trial, epoch) =>
        {
            // Later trials run faster than earlier ones, so they must wait for them to decide.
            if (trial.Id % 4 == 0)
            {
                Thread.Sleep(1);
            }
        });
        foreach (Pruner pruner in new Pruner[] { new MedianPruner(1, 2), new SuccessiveHalvingPruner(1, 2, 1) })
        {
            SearchResults one = ParallelTrials.Run(trials, objective, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1, Pruner = pruner });
            SearchResults four = ParallelTrials.Run(trials, objective, new ParallelTrialsOptions { MaxDegreeOfParallelism = 4, Pruner = pruner });
            Assert.True(one.Count(TrialStatus.Pruned) > 0);
            Assert.Equal(one.ToCsv(), four.ToCsv());
            Assert.Equal(one.Trials.Select(r => r.Curve.Length), four.Trials.Select(r => r.Curve.Length));
        }
    }

    [Fact]
    public void A_non_finite_cost_is_pruned_at_once_and_a_loop_watching_the_token_stops_too()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 3, seed: 1);
        int epochsAfterPruning = 0;
        SearchResults results = ParallelTrials.Run(trials, (trial, reporter, token) =>
        {
            for (int e = 0; e < 10; e++)
            {
                // This loop ignores Report's answer and relies on the token.
                token.ThrowIfCancellationRequested();
                if (reporter.IsPruned)
                {
                    epochsAfterPruning++;
                }

                reporter.Report(e, trial.Id == 1 && e == 4 ? double.NaN : 1.0);
            }

            return 1.0;
        }, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1, Pruner = new MedianPruner(warmupEpochs: 100) });

        Assert.Equal(0, epochsAfterPruning);
        Assert.Equal(TrialStatus.Pruned, results.Trials[1].Status);
        Assert.Equal(4, results.Trials[1].PrunedAtEpoch);
        Assert.True(double.IsNaN(results.Trials[1].Cost));
        Assert.Equal(TrialStatus.Completed, results.Trials[2].Status);
        Assert.Equal(new[] { 0, 2, 1 }, results.Ranked.Select(r => r.Id));
    }

    [Fact]
    public void Pruner_settings_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MedianPruner(warmupEpochs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MedianPruner(minimumTrials: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(reductionFactor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(firstRung: 0));
        Assert.Equal(3.0, MedianPruner.Median(new double[] { 5, 1, 3 }));
        Assert.Equal(2.5, MedianPruner.Median(new double[] { 4, 1, 3, 2 }));
        var median = new MedianPruner(warmupEpochs: 3, minimumTrials: 2, interval: 2);
        Assert.Equal(new[] { 3, 5, 7 }, Enumerable.Range(0, 9).Where(median.Evaluates));
        Assert.False(median.ShouldPrune(3, 10, new double[] { 1 }));
        Assert.True(median.ShouldPrune(3, 10, new double[] { 1, 2 }));
        Assert.False(median.ShouldPrune(3, 1.5, new double[] { 1, 2 }));
    }
}
