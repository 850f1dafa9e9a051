using System;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace NumKit.Tuning;

/// <summary>
/// A study stored in one SQLite file: the embedded default, for workers (threads or processes) on one
/// machine. Write-ahead logging, so readers never block the writer; a 30 s busy timeout, so workers queue
/// for the write lock instead of failing with "database is locked"; every write a short IMMEDIATE transaction.
/// </summary>
/// <remarks>
/// Limits: one machine — SQLite's locks do not work over network file systems (NFS, SMB), so workers on
/// several machines need <see cref="PostgresStudyStorage"/>; one writer at a time, so throughput tops out
/// at a few thousand short transactions a second; <c>synchronous = NORMAL</c> under WAL, so a power cut
/// (not a process crash) can lose the last transactions but never corrupts the file.
/// </remarks>
public sealed class SqliteStudyStorage : SqlStudyStorage
{
    private readonly string _connectionString;
    private bool _walSet;

    /// <summary>Opens (creating if needed) the study file at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public SqliteStudyStorage(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The study file.</summary>
    public string Path { get; }

    private protected override string NowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    // A write transaction locks the whole file, so no row lock is needed.
    private protected override string SkipLocked => string.Empty;

    private protected override string[] CreateSchema =>
    [
        "CREATE TABLE IF NOT EXISTS numkit_schema (version INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS numkit_studies (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, space TEXT NOT NULL, sampler TEXT NOT NULL, seed TEXT NOT NULL, budget INTEGER NOT NULL, max_attempts INTEGER NOT NULL, next_number INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS numkit_trials (id INTEGER PRIMARY KEY, study_id INTEGER NOT NULL REFERENCES numkit_studies (id), number INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL, vals TEXT, value REAL, error TEXT, worker TEXT, heartbeat INTEGER NOT NULL, UNIQUE (study_id, number))",
        "CREATE INDEX IF NOT EXISTS numkit_trials_state ON numkit_trials (study_id, state, number)",
        "CREATE TABLE IF NOT EXISTS numkit_trial_values (trial_id INTEGER NOT NULL REFERENCES numkit_trials (id), step INTEGER NOT NULL, value REAL, PRIMARY KEY (trial_id, step))",
    ];

    private protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using SqliteCommand pragmas = connection.CreateCommand();
        // WAL is a property of the file (set once, when the schema is created); synchronous is per connection.
        // Busy waits come from DefaultTimeout: Microsoft.Data.Sqlite retries a locked database for that long.
        pragmas.CommandText = _walSet ? "PRAGMA synchronous = NORMAL;" : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
        pragmas.ExecuteNonQuery();
        _walSet = true;
        return connection;
    }

    // BEGIN IMMEDIATE: take the write lock up front (waiting up to the busy timeout) rather than failing later on an upgrade.
    private protected override DbTransaction Begin(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);
}
