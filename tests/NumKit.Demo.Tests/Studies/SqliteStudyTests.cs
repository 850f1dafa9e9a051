using Microsoft.Data.Sqlite;
using NumKit.Tuning;

namespace NumKit.Demo.Tests.Studies;

/// <summary>Studies in a SQLite file: the embedded default; needs nothing installed.</summary>
public sealed class SqliteStudyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("numkit-sqlite-study-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Four_worker_processes_run_200_trials_each_exactly_once() =>
        StudyScenarios.EveryTrialExactlyOnce(Path.Combine(_folder, "load.db"), 200);

    [Fact]
    public void A_worker_killed_mid_trial_has_its_trial_retried_and_the_study_completes() =>
        StudyScenarios.KilledWorkersTrialIsRetried(Path.Combine(_folder, "kill.db"));

    [Fact]
    public void A_study_resumes_after_every_worker_died_with_the_trials_of_an_uninterrupted_run() =>
        StudyScenarios.StudyResumesAfterEveryWorkerDied(Path.Combine(_folder, "restart.db"));

    [Fact]
    public void A_storage_written_by_a_newer_schema_is_refused()
    {
        string path = Path.Combine(_folder, "newer.db");
        using (var storage = new SqliteStudyStorage(path))
        {
            storage.CreateOrLoadStudy(new StudySettings("s", "x: uniform [0, 1]", "random", 1, 10, 1));
        }

        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE numkit_schema SET version = 99";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        using var reopened = new SqliteStudyStorage(path);
        NotSupportedException refused = Assert.Throws<NotSupportedException>(() => reopened.FindStudy("s"));
        Assert.Contains("99", refused.Message);
    }

    [Fact]
    public void Trials_claimed_from_eight_threads_are_each_claimed_once() =>
        StudyStorageChecks.ConcurrentClaimsAreUnique(new SqliteStudyStorage(Path.Combine(_folder, "claims.db")));

    [Fact]
    public void A_trial_whose_worker_stopped_beating_is_retried_with_its_values_and_its_old_worker_cannot_finish_it() =>
        StudyStorageChecks.StaleTrialIsRetried(new SqliteStudyStorage(Path.Combine(_folder, "stale.db")));
}
