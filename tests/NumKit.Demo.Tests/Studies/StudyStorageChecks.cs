using System.Collections.Concurrent;
using NumKit.Tuning;

namespace NumKit.Demo.Tests.Studies;

/// <summary>Checks every storage must pass, run against each.</summary>
internal static class StudyStorageChecks
{
    private static readonly SearchSpace s_space = new(Dimension.LogUniform("alpha", 1e-4, 1), Dimension.Integer("hidden", 3, 10));

    public static void ConcurrentClaimsAreUnique(IStudyStorage storage)
    {
        using (storage)
        {
            Study study = Study.CreateOrLoad(storage, "claims", s_space, new StudyOptions { Budget = 300, Seed = 3 });
            var claimed = new ConcurrentBag<int>();
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
            {
                string worker = $"w{w}";
                while (study.Ask(worker) is { } trial)
                {
                    claimed.Add(trial.Trial.Id);
                    storage.ReportIntermediate(trial.StorageId, 0, trial.Trial.Id);
                    Assert.True(study.Tell(trial, StudyTrialState.Completed, trial.Trial.Id));
                }
            });

            Assert.Equal(Enumerable.Range(0, 300), claimed.Order());
            Assert.True(study.IsFinished());
            Assert.All(study.Trials(), t => Assert.Equal((double)t.Number, t.Value));
        }
    }

    public static void StaleTrialIsRetried(IStudyStorage storage)
    {
        using (storage)
        {
            var options = new StudyOptions { Budget = 3, MaxAttempts = 2, StaleAfter = TimeSpan.FromMilliseconds(400), Seed = 11 };
            Study study = Study.CreateOrLoad(storage, "stale", s_space, options);
            StudyTrial dead = study.Ask("dead")!;
            storage.ReportIntermediate(dead.StorageId, 0, 5.0);
            storage.ReportIntermediate(dead.StorageId, 1, 4.0);

            // Reports reach the store with the worker's next beat at the latest; then it falls silent.
            Assert.True(storage.Heartbeat(dead.StorageId, dead.Worker));
            Thread.Sleep(900);

            // The next ask fails the silent worker's attempt and hands the same trial out again, values kept.
            StudyTrial retry = study.Ask("alive")!;
            Assert.Equal(dead.Trial.Id, retry.Trial.Id);
            Assert.Equal(dead.Trial.Values.ToArray(), retry.Trial.Values.ToArray());
            Assert.Equal(2, retry.Attempt);
            Assert.Equal([new EpochCost(0, 5.0), new EpochCost(1, 4.0)], retry.EarlierValues.ToArray());
            Assert.False(study.Tell(dead, StudyTrialState.Completed, 1.0));
            Assert.True(study.Tell(retry, StudyTrialState.Completed, 2.0));

            // With no attempts left, a silent worker's trial fails for good.
            Study once = Study.CreateOrLoad(storage, "stale-once", s_space, new StudyOptions { Budget = 1, MaxAttempts = 1, StaleAfter = TimeSpan.FromMilliseconds(400) });
            StudyTrial lost = once.Ask("dead")!;
            Thread.Sleep(900);
            Assert.Null(once.Ask("alive"));
            StoredTrial failed = Assert.Single(once.Trials());
            Assert.Equal(StudyTrialState.Failed, failed.State);
            Assert.Equal("its worker stopped beating", failed.Error);
            Assert.True(once.IsFinished());
            Assert.False(once.Tell(lost, StudyTrialState.Completed, 1.0));
        }
    }
}
