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
