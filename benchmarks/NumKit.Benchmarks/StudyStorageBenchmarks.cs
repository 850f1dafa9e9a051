using BenchmarkDotNet.Attributes;
using NumKit.Tuning;

namespace NumKit.Benchmarks;

/// <summary>
/// What a study's storage costs per trial: ask (claim a number, store its parameters; reaping stale trials
/// every quarter of StaleAfter), ten epoch reports (held back, stored with the tell) and tell. SQLite on a
/// temporary file; PostgreSQL at the connection string in NUMKIT_BENCH_POSTGRES, with durable tells (the
/// default) and without ("postgres-fast-tells").
/// </summary>
[MemoryDiagnoser]
public class StudyStorageBenchmarks
{
    private static readonly SearchSpace s_space = new(Dimension.LogUniform("alpha", 1e-4, 1), Dimension.OneMinusLogUniform("beta", 0.9, 0.999),
        Dimension.PowerOfTwo("batch", 16, 256), Dimension.Integer("hidden", 3, 10));

    private string? _folder;
    private IStudyStorage? _storage;
    private Study? _study;

    [Params("sqlite", "postgres", "postgres-fast-tells")]
    public string Storage { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        if (Storage == "sqlite")
        {
            _folder = Directory.CreateTempSubdirectory("numkit-bench-study-").FullName;
            _storage = new SqliteStudyStorage(Path.Combine(_folder, "bench.db"));
        }
        else
        {
            string connection = Environment.GetEnvironmentVariable("NUMKIT_BENCH_POSTGRES")
                ?? throw new InvalidOperationException("Set NUMKIT_BENCH_POSTGRES to a PostgreSQL connection string to run the postgres case.");
            _storage = new PostgresStudyStorage(connection, durableTells: Storage == "postgres");
        }

        _study = Study.CreateOrLoad(_storage, "bench-" + Guid.NewGuid().ToString("N"), s_space, new StudyOptions { Budget = int.MaxValue, Seed = 1 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>One trial's storage work: ask, ten reports, tell.</summary>
    [Benchmark]
    public bool AskTenReportsTell()
    {
        StudyTrial trial = _study!.Ask("bench")!;
        for (int epoch = 0; epoch < 10; epoch++)
        {
            _storage!.ReportIntermediate(trial.StorageId, epoch, 1.0 / (epoch + 1));
        }

        return _study.Tell(trial, StudyTrialState.Completed, 0.1);
    }
}
