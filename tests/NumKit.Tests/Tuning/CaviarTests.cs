using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class CaviarTests
{
    // Perturbs thread timing so trials finish out of id order when run in parallel.
    private static void Jitter(Trial trial, int epoch)
    {
        if ((trial.Id + epoch) % 5 == 0)
        {
            Thread.Sleep(1);
        }
        else
        {
            Thread.Yield();
        }
    }

    private static void AssertSameResults(SearchResults expected, SearchResults actual)
    {
        Assert.Equal(expected.Trials.Length, actual.Trials.Length);
        for (int i = 0; i < expected.Trials.Length; i++)
        {
            TrialResult e = expected.Trials[i];
            TrialResult a = actual.Trials[i];
            Assert.True(e.Trial.SameAs(a.Trial), $"trial {e.Id}");
            Assert.Equal(e.Status, a.Status);
            Assert.Equal(e.Cost, a.Cost);
            Assert.Equal(e.PrunedAtEpoch, a.PrunedAtEpoch);
            Assert.Equal(e.Curve.ToArray(), a.Curve.ToArray());
        }

        Assert.Equal(expected.ToCsv(), actual.ToCsv());
    }

    [Fact]
    public void One_thread_and_four_threads_give_identical_trials_and_results()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 24, seed: 11);
        TrialObjective objective = Synthetic.Objective(12, Jitter);
        SearchResults one = ParallelTrials.Run(trials, objective, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 });
        SearchResults four = ParallelTrials.Run(trials, objective, new ParallelTrialsOptions { MaxDegreeOfParallelism = 4 });
        AssertSameResults(one, four);
        Assert.Equal(24, one.Count(TrialStatus.Completed));
        Assert.False(one.WasCancelled);

        // The trials themselves, sampled again on four threads at once, are the same too.
        var parallel = new Trial[24];
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Synthetic.Space().Sample(11, i));
        Assert.All(Enumerable.Range(0, 24), i => Assert.True(trials[i].SameAs(parallel[i])));
    }

    [Fact]
    public void Results_are_ordered_by_id_and_the_best_is_the_lowest_cost()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 16, seed: 3);
        Trial[] shuffled = trials.Reverse().ToArray();
        SearchResults results = ParallelTrials.Run(shuffled, Synthetic.Objective(5), new ParallelTrialsOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(Enumerable.Range(0, 16), results.Trials.Select(r => r.Id));
        TrialResult best = results.Trials.MinBy(r => r.Cost)!;
        Assert.Same(best, results.Best);
        Assert.Same(best, results.Ranked[0]);
        Assert.Equal(results.Trials.Select(r => r.Cost).Order(), results.Ranked.Select(r => r.Cost));
        Assert.Equal(5, best.Curve.Length);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, best.Curve.Select(p => p.Epoch));
        Assert.Equal(best.Curve[^1].Cost, best.Cost);
        Assert.Equal(3, results.Top(3).Length);
    }

    [Fact]
    public void Each_trial_gets_its_own_model_from_the_factory_and_it_is_disposed()
    {
        var created = new ConcurrentBag<Model>();
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 10, seed: 5);
        SearchResults results = ParallelTrials.Run(trials,
            trial =>
            {
                var model = new Model(trial.Id);
                created.Add(model);
                return model;
            },
            (model, trial, reporter, token) =>
            {
                Assert.Equal(trial.Id, model.TrialId);
                Assert.Equal(Environment.CurrentManagedThreadId, model.CreatedOnThread);
                for (int e = 0; e < 3; e++)
                {
                    model.Weight -= 0.1 * trial["alpha"];
                    reporter.Report(e, model.Weight);
                }

                return model.Weight;
            },
            new ParallelTrialsOptions { MaxDegreeOfParallelism = 2 });

        Assert.Equal(10, created.Count);
        Assert.Equal(10, created.Select(m => m.TrialId).Distinct().Count());
        Assert.All(created, m => Assert.True(m.Disposed));
        Assert.All(results.Trials, r => Assert.Equal(1 - (0.3 * r.Trial["alpha"]), r.Cost, 12));
    }

    [Fact]
    public void A_failing_trial_is_recorded_and_the_others_go_on()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 6, seed: 1);
        SearchResults results = ParallelTrials.Run(trials, (trial, reporter, token) =>
        {
            reporter.Report(0, 1.0);
            if (trial.Id == 2)
            {
                throw new InvalidOperationException("the model exploded");
            }

            return trial.Id;
        }, new ParallelTrialsOptions { MaxDegreeOfParallelism = 2 });

        TrialResult failed = results.Trials[2];
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Equal("InvalidOperationException: the model exploded", failed.Error);
        Assert.Equal(1.0, failed.Cost);
        Assert.Equal(5, results.Count(TrialStatus.Completed));
        Assert.Equal(0, results.Best!.Id);
        Assert.Contains("the model exploded", results.ToCsv());
    }

    [Fact]
    public void Progress_events_tell_every_start_epoch_and_end()
    {
        var events = new ConcurrentQueue<TrialEvent>();
        var progress = new SearchProgress(8);
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 8, seed: 9);
        SearchResults results = ParallelTrials.Run(trials, Synthetic.Objective(4), new ParallelTrialsOptions
        {
            MaxDegreeOfParallelism = 2,
            Progress = e =>
            {
                events.Enqueue(e);
                progress.Observe(e);
            },
        });

        Assert.Equal(8, events.Count(e => e.Kind == TrialEventKind.Started));
        Assert.Equal(32, events.Count(e => e.Kind == TrialEventKind.Epoch));
        Assert.Equal(8, events.Count(e => e.Kind == TrialEventKind.Completed));
        foreach (IGrouping<int, TrialEvent> trial in events.GroupBy(e => e.Trial.Id))
        {
            // Per trial, events arrive in order: started, epochs 0..3, completed with the final cost.
            TrialEvent[] ordered = trial.ToArray();
            Assert.Equal(TrialEventKind.Started, ordered[0].Kind);
            Assert.Equal(new[] { 0, 1, 2, 3 }, ordered.Skip(1).Take(4).Select(e => e.Epoch));
            Assert.Equal(TrialEventKind.Completed, ordered[5].Kind);
            Assert.Equal(results.Trials[trial.Key].Cost, ordered[5].Cost);
        }

        Assert.Equal(8, progress.Completed);
        Assert.Equal(0, progress.Running);
        Assert.Equal(32, progress.Epochs);
        Assert.Equal((results.Best!.Cost, results.Best.Id), progress.Best);
        Assert.StartsWith("8/8 done (0 pruned, 0 failed), 0 running, best ", progress.ToString());
    }

    [Fact]
    public void Cancelling_mid_run_stops_cleanly_and_keeps_the_results_so_far()
    {
        using var cancellation = new CancellationTokenSource();
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 10, seed: 4);
        // Trial 3 is interrupted after its epoch 5 (as Ctrl+C would); one thread, so this is exact.
        TrialObjective objective = Synthetic.Objective(10, (trial, epoch) =>
        {
            if (trial.Id == 3 && epoch == 5)
            {
                cancellation.Cancel();
            }
        });
        SearchResults results = ParallelTrials.Run(trials, objective, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 }, cancellation.Token);
        SearchResults uncancelled = ParallelTrials.Run(trials, Synthetic.Objective(10), new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 });

        Assert.True(results.WasCancelled);
        Assert.Equal(new[] { TrialStatus.Completed, TrialStatus.Completed, TrialStatus.Completed, TrialStatus.Cancelled },
            results.Trials.Take(4).Select(r => r.Status));
        Assert.All(results.Trials.Skip(4), r => Assert.Equal(TrialStatus.NotStarted, r.Status));
        Assert.Equal(6, results.Trials[3].Curve.Length);
        Assert.Equal(results.Trials[3].Curve[^1].Cost, results.Trials[3].Cost);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(uncancelled.Trials[i].Cost, results.Trials[i].Cost);
        }

        Assert.Contains(results.Best!.Id, new[] { 0, 1, 2 });
        Assert.Contains("(search cancelled)", results.FormatTable());
        Assert.Contains("not_started", results.ToCsv());
    }

    [Fact]
    public async Task Cancelling_in_parallel_keeps_the_finished_trials_and_never_throws()
    {
        using var cancellation = new CancellationTokenSource();
        int completed = 0;
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 40, seed: 6);
        // An objective that watches the token instead of Report's answer, as a plain training loop might.
        TrialObjective objective = (trial, reporter, token) =>
        {
            for (int e = 0; e < 50; e++)
            {
                token.ThrowIfCancellationRequested();
                reporter.Report(e, 1.0 / (e + 1));
                Thread.Yield();
            }

            return trial.Id;
        };
        var options = new ParallelTrialsOptions
        {
            MaxDegreeOfParallelism = 2,
            Progress = e =>
            {
                if (e.Kind == TrialEventKind.Completed && Interlocked.Increment(ref completed) == 4)
                {
                    cancellation.Cancel();
                }
            },
        };

        SearchResults results = await ParallelTrials.RunAsync(trials, objective, options, cancellation.Token);
        Assert.True(results.WasCancelled);
        Assert.True(results.Count(TrialStatus.Completed) >= 4);
        Assert.True(results.Count(TrialStatus.NotStarted) > 0);
        Assert.Equal(0, results.Count(TrialStatus.Failed));
        Assert.All(results.Trials.Where(r => r.Status == TrialStatus.Completed), r => Assert.Equal(r.Id, r.Cost));
        Assert.All(results.Trials.Where(r => r.Status == TrialStatus.Cancelled), r => Assert.InRange(r.Curve.Length, 0, 50));
        Assert.Equal(40, results.Trials.Length);
    }

    [Fact]
    public void An_already_cancelled_search_starts_nothing()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 5, seed: 6);
        SearchResults results = ParallelTrials.Run(trials, Synthetic.Objective(3), null, new CancellationToken(canceled: true));
        Assert.True(results.WasCancelled);
        Assert.All(results.Trials, r => Assert.Equal(TrialStatus.NotStarted, r.Status));
        Assert.Null(results.Best);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        SearchSpace space = Synthetic.Space();
        var duplicate = new[] { space.Sample(1, 4), space.Sample(2, 4) };
        var error = Assert.Throws<ArgumentException>(() => ParallelTrials.Run(duplicate, Synthetic.Objective(1)));
        Assert.Contains("id 4", error.Message);
        var mixed = new[] { space.Sample(1, 0), new SearchSpace(Dimension.Uniform("gamma", 0, 1)).Sample(1, 1) };
        Assert.Contains("(gamma)", Assert.Throws<ArgumentException>(() => ParallelTrials.Run(mixed, Synthetic.Objective(1))).Message);
        Assert.Throws<ArgumentException>(() => ParallelTrials.Run(new Trial[] { null! }, Synthetic.Objective(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelTrialsOptions { MaxDegreeOfParallelism = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelTrialsOptions { EpochCapacity = -1 });

        // Epochs reported out of order fail the trial, with the numbers in the message.
        SearchResults results = ParallelTrials.Run(new[] { space.Sample(1, 0) }, (trial, reporter, token) =>
        {
            reporter.Report(3, 1);
            reporter.Report(3, 1);
            return 0;
        });
        Assert.Equal(TrialStatus.Failed, results.Trials[0].Status);
        Assert.Contains("epoch 3 follows epoch 3", results.Trials[0].Error);
        Assert.Empty(ParallelTrials.Run(Array.Empty<Trial>(), Synthetic.Objective(1)).Trials);
    }

    [Fact]
    public void Reporting_an_epoch_allocates_nothing()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 3, seed: 2);
        foreach (Pruner? pruner in new Pruner?[] { null, new MedianPruner(warmupEpochs: 1, minimumTrials: 1) })
        {
            var allocated = new long[trials.Length];
            // Run twice and keep the second run's numbers: the first may pay one-time costs of the process
            // (such as the runtime's lazily created sort helper the median uses), which are not per epoch.
            for (int run = 0; run < 2; run++)
            {
                ParallelTrials.Run(trials, (trial, reporter, token) =>
                {
                    reporter.Report(0, 1.0);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int e = 1; e < 200; e++)
                    {
                        reporter.Report(e, 1.0 / e);
                    }

                    allocated[trial.Id] = GC.GetAllocatedBytesForCurrentThread() - before;
                    return 0;
                }, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1, EpochCapacity = 200, Pruner = pruner });
            }

            Assert.All(allocated, bytes => Assert.Equal(0, bytes));
        }
    }

    [Fact]
    public void Csv_uses_the_invariant_culture_whatever_the_current_one()
    {
        var space = new SearchSpace(Dimension.LogUniform("alpha", 1e-4, 1), Dimension.Choice("optimizer", "adam, amsgrad", "sgd \"plain\""));
        Trial[] trials = { space.CreateTrial(0, new Dictionary<string, double> { ["alpha"] = 0.0025, ["optimizer"] = 0 }, seed: 17),
                           space.CreateTrial(1, new Dictionary<string, double> { ["alpha"] = 0.5, ["optimizer"] = 1 }, seed: 18, round: 2) };
        CultureInfo previous = CultureInfo.CurrentCulture;
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        try
        {
            CultureInfo.CurrentCulture = comma;
            SearchResults results = ParallelTrials.Run(trials, (t, r, c) => { r.Report(0, 1.5); return t["alpha"] * 2; }, new ParallelTrialsOptions { MaxDegreeOfParallelism = 1 });
            string[] lines = results.ToCsv().Split('\n');
            Assert.Equal("id,round,status,cost,last_epoch,pruned_at_epoch,seed,alpha,optimizer,error", lines[0]);
            Assert.Equal("0,0,completed,0.005,0,,17,0.0025,\"adam, amsgrad\",", lines[1]);
            Assert.Equal("1,2,completed,1,0,,18,0.5,\"sgd \"\"plain\"\"\",", lines[2]);
            Assert.Equal("", lines[3]);

            using var curves = new StringWriter();
            results.WriteCurvesCsv(curves);
            Assert.Equal("id,epoch,cost\n0,0,1.5\n1,0,1.5\n", curves.ToString());

            string path = Path.Combine(Path.GetTempPath(), $"numkit-tuning-{Guid.NewGuid():N}.csv");
            try
            {
                results.WriteCsv(path);
                Assert.Equal(results.ToCsv(), File.ReadAllText(path));
            }
            finally
            {
                File.Delete(path);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_table_ranks_trials_and_shows_their_hyperparameters()
    {
        ImmutableArray<Trial> trials = RandomSearch.Sample(Synthetic.Space(), 6, seed: 8);
        SearchResults results = ParallelTrials.Run(trials, Synthetic.Objective(3), new ParallelTrialsOptions { MaxDegreeOfParallelism = 2 });
        string[] lines = results.FormatTable(maxRows: 3).Split('\n');
        Assert.Matches(@"^rank\s+id\s+round\s+status\s+cost\s+epochs\s+alpha\s+beta$", lines[0]);
        Assert.Matches($@"^\s+1\s+{results.Best!.Id}\s+0\s+completed\s+", lines[1]);
        Assert.Contains(results.Best.Trial.GetString("alpha"), lines[1]);
        Assert.Equal(5, lines.Length);
        Assert.Equal("6 trials: 6 completed, 0 pruned, 0 failed, 0 cancelled, 0 not started", lines[4]);
    }

    private sealed class Model : IDisposable
    {
        public Model(int trialId)
        {
            TrialId = trialId;
            CreatedOnThread = Environment.CurrentManagedThreadId;
        }

        public int TrialId { get; }

        public int CreatedOnThread { get; }

        public double Weight { get; set; } = 1;

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
