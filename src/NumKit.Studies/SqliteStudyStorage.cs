using System;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace NumKit.Tuning;

/// <summary>
/// A study stored in one SQLite file: the embedded default, for workers (threads or processes) on one
/// machine. Write-ahead logging, so readers never block the writer; a 30 s busy timeout, so workers queue
/// for the write lock instead of failing with "database is locked"; every write a short IMMEDIATE
/// transaction on a connection the storage keeps open.
/// </summary>
/// <remarks>
/// <para>
/// Durability: <c>synchronous = NORMAL</c> under WAL. A committed transaction is in the WAL file when the
/// call returns, so a worker process killed at any point loses nothing it was told was stored. A power cut
/// or kernel crash can lose the transactions committed since the WAL was last synced (at a checkpoint); the
/// file is never corrupted, and it reads as it was at an earlier commit: a trial told since then is
/// running again with a stale heartbeat, so the next worker retries it with the same parameters.
/// </para>
/// <para>
/// Limits: one machine — SQLite's locks do not work over network file systems (NFS, SMB), so workers on
/// several machines need <see cref="PostgresStudyStorage"/>; one writer at a time, so throughput tops out
/// at a few thousand short transactions a second.
/// </para>
/// </remarks>
public sealed class SqliteStudyStorage : SqlStudyStorage
{
    private readonly string _connectionString;

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
        try
        {
            connection.Open();
            using SqliteCommand pragmas = connection.CreateCommand();
            // WAL is a property of the file (a no-op once set); synchronous is per connection. Busy waits come
            // from DefaultTimeout: Microsoft.Data.Sqlite retries a locked database for that long.
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // BEGIN IMMEDIATE: take the write lock up front (waiting up to the busy timeout) rather than failing later on an upgrade.
    private protected override DbTransaction? BeginWrite(SqlSession session) => ((SqliteConnection)session.Connection).BeginTransaction(deferred: false);

    // The same transaction: under WAL with synchronous = NORMAL no commit waits for the disk (see the remarks).
    private protected override DbTransaction BeginDurable(SqlSession session) => ((SqliteConnection)session.Connection).BeginTransaction(deferred: false);

    // The file's write lock is the whole database's, so the three statements need no row locks: a retry
    // first, else the next number (bumped on the study's row) and its new row.
    private protected override ClaimedTrial? Claim(SqlSession session, long studyId, string worker, int budget)
    {
        using DbTransaction transaction = ((SqliteConnection)session.Connection).BeginTransaction(deferred: false);
        ClaimedTrial? claim = ReadClaim(session.Command(
            $"UPDATE numkit_trials SET state = 'running', worker = @worker, heartbeat = {NowMilliseconds}, attempts = attempts + 1 " +
            "WHERE id = (SELECT id FROM numkit_trials WHERE study_id = @study AND state = 'waiting' ORDER BY number LIMIT 1) " +
            "RETURNING id, number, attempts, vals",
            transaction, ("worker", worker), ("study", studyId)));
        if (claim is null && session.Scalar(
            "UPDATE numkit_studies SET next_number = next_number + 1 WHERE id = @study AND next_number < @budget RETURNING next_number - 1",
            transaction, ("study", studyId), ("budget", budget)) is { } next)
        {
            int number = Convert.ToInt32(next, CultureInfo.InvariantCulture);
            object id = session.Scalar(
                $"INSERT INTO numkit_trials (study_id, number, state, attempts, worker, heartbeat) VALUES (@study, @number, 'running', 1, @worker, {NowMilliseconds}) RETURNING id",
                transaction, ("study", studyId), ("number", number), ("worker", worker))!;
            claim = new ClaimedTrial(Convert.ToInt64(id, CultureInfo.InvariantCulture), number, 1, null);
        }

        transaction.Commit();
        return claim;
    }
}
