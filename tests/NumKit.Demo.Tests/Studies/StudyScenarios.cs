using System.Diagnostics;
using NumKit.Demo.Tune;
using NumKit.Tuning;

namespace NumKit.Demo.Tests.Studies;

/// <summary>The load and fault scenarios, against whichever storage a test passes in.</summary>
internal static class StudyScenarios
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    /// <summary>4 worker processes × <paramref name="budget"/> trials: every trial ends exactly once, none lost.</summary>
    public static void EveryTrialExactlyOnce(string storage, int budget)
    {
        var options = new StudyDemoOptions { Storage = storage, Study = "load", Trials = budget, Epochs = 10, Objective = StudyObjectiveKind.Synthetic, Prune = PruneKind.None, Seed = 5 };
        Process[] workers = Enumerable.Range(0, 4).Select(_ => WorkerProcesses.Start(options)).ToArray();
        WorkerProcesses.WaitAll(workers, s_timeout);

        using SqlStudyStorage store = StudyStorage.Open(storage);
        Study study = StudyDemo.Open(store, options);
        IReadOnlyList<StoredTrial> trials = study.Trials();
        Assert.Equal(Enumerable.Range(0, budget), trials.Select(t => t.Number));
        Assert.All(trials, t =>
        {
            Assert.Equal(StudyTrialState.Completed, t.State);
            Assert.Equal(1, t.Attempts);
            Assert.Equal(10, t.Intermediate.Length);
        });
        AssertParametersAreTheRandomSamplers(study, trials);
    }

    /// <summary>A worker killed (SIGKILL) mid-trial: its trial is failed as stale, retried by another worker, and the study completes.</summary>
    public static void KilledWorkersTrialIsRetried(string storage)
    {
        var options = new StudyDemoOptions
        {
            Storage = storage, Study = "kill", Trials = 12, Epochs = 20, EpochMilliseconds = 100, Objective = StudyObjectiveKind.Synthetic,
            Prune = PruneKind.None, HeartbeatSeconds = 0.2, StaleAfterSeconds = 1.5, Seed = 9,
        };
        using SqlStudyStorage store = StudyStorage.Open(storage);
        Study study = StudyDemo.Open(store, options);
        Process victim = WorkerProcesses.Start(options);
        Process survivor = WorkerProcesses.Start(options);
        try
        {
            string victimMark = $":{victim.Id}:";
            WorkerProcesses.WaitUntil(
                () => study.Trials().Any(t => t.State == StudyTrialState.Running && t.Worker!.Contains(victimMark, StringComparison.Ordinal) && t.Intermediate.Length >= 2),
                s_timeout, "the victim is part-way through a trial");
            // 20 epochs of 100 ms leave the victim ~1.5 s of its trial after its beat stored 2 epochs (reports
            // reach the store with heartbeats), so on a loaded machine it is still running it when killed.
            victim.Kill();
            victim.WaitForExit();

            // The trial the victim held when it died (it reported some epochs, and can never finish it now).
            StoredTrial held = Assert.Single(study.Trials(), t => t.State == StudyTrialState.Running && t.Worker!.Contains(victimMark, StringComparison.Ordinal));
            WorkerProcesses.WaitAll([survivor], s_timeout);
            IReadOnlyList<StoredTrial> trials = study.Trials();
            StoredTrial retried = trials.Single(t => t.Number == held.Number);
            Assert.Equal(StudyTrialState.Completed, retried.State);
            Assert.Equal(2, retried.Attempts);
            Assert.Equal(20, retried.Intermediate.Length);
            Assert.Equal(12, trials.Count);
            Assert.All(trials, t => Assert.Equal(StudyTrialState.Completed, t.State));
            Assert.True(study.IsFinished());
        }
        finally
        {
            WorkerProcesses.KillAll([victim, survivor]);
        }
    }

    /// <summary>Every worker killed, then new ones started: the study resumes and ends with the trials an uninterrupted run has.</summary>
    public static void StudyResumesAfterEveryWorkerDied(string storage)
    {
        var options = new StudyDemoOptions
        {
            Storage = storage, Study = "restart", Trials = 30, Epochs = 10, EpochMilliseconds = 15, Objective = StudyObjectiveKind.Synthetic,
            Prune = PruneKind.None, HeartbeatSeconds = 0.2, StaleAfterSeconds = 1, Seed = 13,
        };
        using SqlStudyStorage store = StudyStorage.Open(storage);
        Study study = StudyDemo.Open(store, options);
        Process[] first = [WorkerProcesses.Start(options), WorkerProcesses.Start(options)];
        try
        {
            WorkerProcesses.WaitUntil(() => study.Trials().Count(t => t.State == StudyTrialState.Completed) >= 8, s_timeout, "a quarter of the trials ended");
        }
        finally
        {
            WorkerProcesses.KillAll(first);
        }

        Assert.False(study.IsFinished());
        Process[] second = [WorkerProcesses.Start(options), WorkerProcesses.Start(options)];
        WorkerProcesses.WaitAll(second, s_timeout);

        IReadOnlyList<StoredTrial> trials = study.Trials();
        Assert.True(study.IsFinished());
        Assert.Equal(Enumerable.Range(0, 30), trials.Select(t => t.Number));
        Assert.Contains(trials, t => t.Attempts > 1);

        // The same parameters, trial by trial, as an uninterrupted run with one worker thread in memory.
        using var memory = new InMemoryStudyStorage();
        Study uninterrupted = StudyDemo.Open(memory, options);
        uninterrupted.Work(StudyDemo.Objective(options with { EpochMilliseconds = 0 }));
        Assert.Equal(uninterrupted.Trials().Select(t => t.Values), trials.Select(t => t.Values));
    }

    public static void AssertParametersAreTheRandomSamplers(Study study, IReadOnlyList<StoredTrial> trials)
    {
        foreach (StoredTrial trial in trials)
        {
            Trial expected = RandomSampler.Instance.Sample(study.Space, trial.Number, 0, [], study.Settings.Seed);
            Assert.Equal(string.Join(",", expected.Values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))), trial.Values);
        }
    }
}
