using NumKit.Tuning;

namespace NumKit.Demo.Tests.Studies;

/// <summary>Studies in a real PostgreSQL server, started for these tests (see <see cref="PostgresCluster"/>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStudyTests(PostgresCluster cluster)
{
    [Fact]
    public void Four_worker_processes_run_200_trials_each_exactly_once() =>
        StudyScenarios.EveryTrialExactlyOnce(cluster.CreateDatabase("load"), 200);

    [Fact]
    public void A_worker_killed_mid_trial_has_its_trial_retried_and_the_study_completes() =>
        StudyScenarios.KilledWorkersTrialIsRetried(cluster.CreateDatabase("kill"));

    [Fact]
    public void A_study_resumes_after_every_worker_died_with_the_trials_of_an_uninterrupted_run() =>
        StudyScenarios.StudyResumesAfterEveryWorkerDied(cluster.CreateDatabase("restart"));

    [Fact]
    public void Trials_claimed_from_eight_threads_are_each_claimed_once() =>
        StudyStorageChecks.ConcurrentClaimsAreUnique(new PostgresStudyStorage(cluster.CreateDatabase("claims")));

    [Fact]
    public void A_trial_whose_worker_stopped_beating_is_retried_with_its_values_and_its_old_worker_cannot_finish_it() =>
        StudyStorageChecks.StaleTrialIsRetried(new PostgresStudyStorage(cluster.CreateDatabase("stale")));

    /// <summary>
    /// The durability argument of <see cref="PostgresStudyStorage"/>, on a real crash: claims, parameters and
    /// reports commit without waiting for the disk; tells wait, or (durableTells false) do not. The server is
    /// crashed (immediate stop) while two workers run trials, and restarted; new workers finish the study.
    /// Every number ends exactly once, completed, with the random sampler's parameters — and none failed,
    /// although a trial has one attempt: an attempt the crash ended does not count. With durable tells every
    /// result whose tell returned true is the one kept; without, a told trial may have been run again.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_crash_mid_study_loses_no_trial_and_the_study_completes_with_the_same_parameters(bool durableTells)
    {
        string database = cluster.CreateDatabase(durableTells ? "crash_durable" : "crash_relaxed");
        var space = new SearchSpace(Dimension.LogUniform("alpha", 1e-4, 1), Dimension.Integer("hidden", 3, 10));
        var options = new StudyOptions
        {
            Budget = 80, Seed = 17, MaxAttempts = 1, HeartbeatInterval = TimeSpan.FromMilliseconds(100), StaleAfter = TimeSpan.FromSeconds(1),
        };
        var told = new System.Collections.Concurrent.ConcurrentDictionary<int, double>();
        var crashed = new ManualResetEventSlim();
        using (var before = new PostgresStudyStorage(database, durableTells))
        {
            Study study = Study.CreateOrLoad(before, "crash", space, options);
            Thread[] workers = Enumerable.Range(0, 2).Select(w => new Thread(() =>
            {
                try
                {
                    while (!crashed.IsSet && study.Ask($"before-{w}") is { } trial)
                    {
                        for (int epoch = 0; epoch < 5; epoch++)
                        {
                            before.ReportIntermediate(trial.StorageId, epoch, trial.Trial.Id + epoch);
                            Thread.Sleep(2);
                        }

                        // Before the crash a trial's value is its number + 0.25; after it, + 0.5.
                        if (study.Tell(trial, StudyTrialState.Completed, trial.Trial.Id + 0.25))
                        {
                            told[trial.Trial.Id] = trial.Trial.Id + 0.25;
                        }
                    }
                }
                catch (Npgsql.NpgsqlException)
                {
                    // The server went away under this worker, as it does in a crash.
                }
            })).ToArray();
            foreach (Thread worker in workers)
            {
                worker.Start();
            }

            WorkerProcesses.WaitUntil(() => told.Count >= 25, TimeSpan.FromMinutes(2), "25 trials were told");
            cluster.CrashAndRestart();
            crashed.Set();
            foreach (Thread worker in workers)
            {
                Assert.True(worker.Join(TimeSpan.FromMinutes(1)));
            }
        }

        using var after = new PostgresStudyStorage(database, durableTells);
        Study resumed = Study.CreateOrLoad(after, "crash", space, options);
        Task finishing = resumed.RunAsync((trial, reporter, _) =>
        {
            for (int epoch = 0; epoch < 5; epoch++)
            {
                reporter.Report(epoch, trial.Id + epoch);
            }

            return trial.Id + 0.5;
        }, threads: 2);
        await finishing.WaitAsync(TimeSpan.FromMinutes(2));

        IReadOnlyList<StoredTrial> trials = resumed.Trials();
        Assert.True(resumed.IsFinished());
        Assert.Equal(Enumerable.Range(0, 80), trials.Select(t => t.Number));
        Assert.All(trials, t =>
        {
            Assert.Equal(StudyTrialState.Completed, t.State);
            Assert.Equal(5, t.Intermediate.Length);
            Assert.True(t.Value == t.Number + 0.25 || t.Value == t.Number + 0.5, $"trial {t.Number} ended with {t.Value}");
        });
        if (durableTells)
        {
            Assert.All(told, pair => Assert.Equal(pair.Value, trials[pair.Key].Value));
        }

        Assert.Contains(trials, t => t.Value == t.Number + 0.5);
        StudyScenarios.AssertParametersAreTheRandomSamplers(resumed, trials);
    }

    [Fact]
    public void A_postgres_uri_opens_the_postgres_storage()
    {
        string database = cluster.CreateDatabase("uri");
        using SqlStudyStorage storage = StudyStorage.Open($"postgresql://postgres@127.0.0.1:{cluster.Port}/uri");
        Assert.IsType<PostgresStudyStorage>(storage);
        Assert.Equal(0, storage.CreateOrLoadStudy(new StudySettings("s", "x", "random", 1, 1, 1)).Settings.Budget - 1);
        Assert.Contains("Database=uri", database);
    }
}
