using NumKit.Demo.Tune;
using NumKit.Tuning;

namespace NumKit.Demo.Tests.Studies;

/// <summary>What a study guarantees whatever its storage: determinism of random and grid trials, pruning from the store.</summary>
public sealed class StudyTests : IDisposable
{
    private static readonly SearchSpace s_space = MoonsSearch.Space;
    private readonly string _folder = Directory.CreateTempSubdirectory("numkit-study-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("grid")]
    public void Random_and_grid_trials_depend_only_on_the_seed_and_the_number_whatever_the_workers_and_finishing_order(string samplerName)
    {
        ISampler sampler = samplerName == "grid" ? new GridSampler(2) : RandomSampler.Instance;
        int budget = samplerName == "grid" ? 16 : 40;
        var options = new StudyOptions { Seed = 21, Budget = budget, Sampler = sampler };

        // Each trial sleeps a different, seed-unrelated time, so finishing order differs between runs.
        TrialObjective jittery = (trial, reporter, _) =>
        {
            Thread.Sleep((int)((trial.Seed ^ (ulong)Environment.TickCount64) % 7));
            reporter.Report(0, trial["alpha"]);
            return trial["alpha"];
        };

        string[] Run(IStudyStorage storage, int threads)
        {
            using (storage)
            {
                Study study = Study.CreateOrLoad(storage, "determinism", s_space, options);
                study.RunAsync(jittery, threads).GetAwaiter().GetResult();
                Assert.True(study.IsFinished());
                return study.Trials().Select(t => t.Values!).ToArray();
            }
        }

        string[] one = Run(new InMemoryStudyStorage(), 1);
        string[] four = Run(new InMemoryStudyStorage(), 4);
        string[] sqlite = Run(new SqliteStudyStorage(Path.Combine(_folder, samplerName + ".db")), 3);
        Assert.Equal(budget, one.Length);
        Assert.Equal(one, four);
        Assert.Equal(one, sqlite);
        for (int n = 0; n < budget; n++)
        {
            Assert.Equal(string.Join(",", sampler.Sample(s_space, n, 0, [], 21).Values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))), one[n]);
        }

        Assert.Equal(budget, one.Distinct().Count());
    }

    /// <summary>
    /// The in-process search and a study are the same loop in what they decide: with one worker, a study (in
    /// memory or in SQLite) and <see cref="Search"/> give every trial the same parameters and seed, the same
    /// pruning decisions and the same results — for random search and for TPE, whose history they build alike.
    /// </summary>
    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    public void With_one_worker_a_study_decides_exactly_as_the_in_process_search(string samplerName)
    {
        ISampler sampler = samplerName == "tpe" ? new TpeSampler() : RandomSampler.Instance;
        var pruner = new MedianPruner(warmupEpochs: 2, minimumTrials: 4);
        TrialObjective objective = (trial, reporter, _) =>
        {
            double cost = double.NaN;
            for (int epoch = 0; epoch < 6; epoch++)
            {
                cost = Math.Abs(Math.Log10(trial["alpha"]) + 2) + (0.01 * trial["hidden"]) + ((trial.Seed % 1000) * 1e-5) + (1.0 / (epoch + 2));
                if (!reporter.Report(epoch, cost))
                {
                    break;
                }
            }

            return cost;
        };

        SearchHistory search = Search.Run(s_space, SearchPlan.Sampled(sampler, 24), objective, seed: 5,
            new ParallelTrialsOptions { MaxDegreeOfParallelism = 1, Pruner = pruner });
        TrialResult[] expected = search.All.Trials.ToArray();
        Assert.Contains(expected, r => r.Status == TrialStatus.Pruned);
        Assert.Contains(expected, r => r.Status == TrialStatus.Completed);

        foreach (IStudyStorage storage in new IStudyStorage[] { new InMemoryStudyStorage(), new SqliteStudyStorage(Path.Combine(_folder, samplerName + "-same.db")) })
        {
            using (storage)
            {
                Study study = Study.CreateOrLoad(storage, "same", s_space, new StudyOptions { Seed = 5, Budget = 24, Sampler = sampler, Pruner = pruner });
                study.Work(objective);
                TrialResult[] actual = study.Results().Trials.ToArray();
                Assert.Equal(expected.Length, actual.Length);
                for (int n = 0; n < expected.Length; n++)
                {
                    Assert.Equal(expected[n].Trial.Values.ToArray(), actual[n].Trial.Values.ToArray());
                    Assert.Equal(expected[n].Trial.Seed, actual[n].Trial.Seed);
                    Assert.Equal(expected[n].Status, actual[n].Status);
                    Assert.Equal(expected[n].Cost, actual[n].Cost);
                    Assert.Equal(expected[n].Curve.ToArray(), actual[n].Curve.ToArray());
                }
            }
        }
    }

    [Fact]
    public void A_worker_whose_beat_finds_its_trial_taken_stops_running_it()
    {
        using var storage = new TakingStorage(new InMemoryStudyStorage());
        Study study = Study.CreateOrLoad(storage, "taken", s_space, new StudyOptions { Budget = 1, HeartbeatInterval = TimeSpan.FromMilliseconds(20) });
        int epochs = 0;
        int ran = study.Work((trial, reporter, _) =>
        {
            for (int epoch = 0; epoch < 500; epoch++)
            {
                if (epoch == 5)
                {
                    storage.TakeAtNextBeat = true;
                }

                if (!reporter.Report(epoch, 1.0))
                {
                    break;
                }

                epochs++;
                Thread.Sleep(10);
            }

            return 1.0;
        });

        // Stopped within a few beats of losing the trial, not after 500 epochs (5 s); the tell was refused.
        Assert.InRange(epochs, 5, 100);
        Assert.Equal(0, ran);
        StoredTrial stored = Assert.Single(study.Trials());
        Assert.Equal(StudyTrialState.Failed, stored.State);
        Assert.Equal("taken", stored.Error);
    }

    [Fact]
    public void Pruning_compares_with_the_values_lower_numbered_trials_stored()
    {
        // Trial n reports n at every epoch, so every trial from the fifth on is above the median of those before it.
        using var storage = new SqliteStudyStorage(Path.Combine(_folder, "prune.db"));
        Study study = Study.CreateOrLoad(storage, "prune", s_space, new StudyOptions
        {
            Budget = 8,
            Pruner = new MedianPruner(warmupEpochs: 2, minimumTrials: 4),
        });
        study.Work((trial, reporter, _) =>
        {
            for (int epoch = 0; epoch < 5; epoch++)
            {
                if (!reporter.Report(epoch, trial.Id))
                {
                    break;
                }
            }

            return trial.Id;
        });

        IReadOnlyList<StoredTrial> trials = study.Trials();
        Assert.All(trials.Take(4), t => Assert.Equal(StudyTrialState.Completed, t.State));
        Assert.All(trials.Skip(4), t =>
        {
            Assert.Equal(StudyTrialState.Pruned, t.State);
            Assert.Equal(2, t.Intermediate[^1].Epoch);
        });
        SearchResults results = study.Results();
        Assert.Equal(4, results.Count(TrialStatus.Pruned));
    }

    [Fact]
    public void A_joining_worker_takes_the_stored_settings_and_must_search_the_same_space()
    {
        using var storage = new InMemoryStudyStorage();
        Study first = Study.CreateOrLoad(storage, "s", s_space, new StudyOptions { Seed = 7, Budget = 12 });
        Study joined = Study.CreateOrLoad(storage, "s", s_space, new StudyOptions { Seed = 99, Budget = 500 });
        Assert.Equal(first.StudyId, joined.StudyId);
        Assert.Equal(7UL, joined.Settings.Seed);
        Assert.Equal(12, joined.Settings.Budget);

        var other = new SearchSpace(Dimension.Uniform("x", 0, 1));
        Assert.Throws<ArgumentException>(() => Study.CreateOrLoad(storage, "s", other));
        Assert.Throws<ArgumentException>(() => Study.CreateOrLoad(storage, "s", s_space, new StudyOptions { Sampler = new TpeSampler() }));
    }

    /// <summary>A storage whose next heartbeat, once told to, fails the trial (as a reaper elsewhere would) and reports it lost.</summary>
    private sealed class TakingStorage(IStudyStorage inner) : IStudyStorage
    {
        public volatile bool TakeAtNextBeat;

        public (long StudyId, StudySettings Settings) CreateOrLoadStudy(StudySettings proposed) => inner.CreateOrLoadStudy(proposed);

        public (long StudyId, StudySettings Settings)? FindStudy(string name) => inner.FindStudy(name);

        public int ReapStaleTrials(long studyId, TimeSpan staleAfter, int maxAttempts) => inner.ReapStaleTrials(studyId, staleAfter, maxAttempts);

        public ClaimedTrial? ClaimTrial(long studyId, string worker, int budget) => inner.ClaimTrial(studyId, worker, budget);

        public void SetValues(long trialId, string values) => inner.SetValues(trialId, values);

        public bool Heartbeat(long trialId, string worker)
        {
            if (TakeAtNextBeat)
            {
                inner.FinishTrial(trialId, worker, StudyTrialState.Failed, double.NaN, "taken");
            }

            return inner.Heartbeat(trialId, worker);
        }

        public void ReportIntermediate(long trialId, int step, double value) => inner.ReportIntermediate(trialId, step, value);

        public IReadOnlyList<double> IntermediateValuesAt(long studyId, int step, int belowNumber) => inner.IntermediateValuesAt(studyId, step, belowNumber);

        public bool FinishTrial(long trialId, string worker, StudyTrialState state, double value, string? error) => inner.FinishTrial(trialId, worker, state, value, error);

        public IReadOnlyList<StoredTrial> LoadTrials(long studyId) => inner.LoadTrials(studyId);

        public void Dispose() => inner.Dispose();
    }
}
