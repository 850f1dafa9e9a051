using System;
using System.Data.Common;
using Npgsql;

namespace NumKit.Tuning;

/// <summary>
/// A study stored in PostgreSQL, for workers on many machines: a waiting trial is claimed with
/// <c>SELECT … FOR UPDATE SKIP LOCKED</c> and a new number with a row-locked <c>UPDATE … RETURNING</c>, so
/// no trial runs twice and none is lost; heartbeats use the server's clock, so machines' clocks need not agree.
/// </summary>
public sealed class PostgresStudyStorage : SqlStudyStorage
{
    // Any fixed number: the advisory lock that serialises schema creation by first workers.
    private const long SchemaLock = 0x4E4B_5354_5544_59;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Connects with <paramref name="connectionString"/> (such as <c>Host=db;Database=studies;Username=numkit</c>).</summary>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public PostgresStudyStorage(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    private protected override string NowMilliseconds => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    private protected override string SkipLocked => "FOR UPDATE SKIP LOCKED";

    private protected override string? RelaxedCommit => "SET LOCAL synchronous_commit = off";

    private protected override string[] CreateSchema =>
    [
        "CREATE TABLE IF NOT EXISTS numkit_schema (version INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS numkit_studies (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, space TEXT NOT NULL, sampler TEXT NOT NULL, seed TEXT NOT NULL, budget INTEGER NOT NULL, max_attempts INTEGER NOT NULL, next_number INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS numkit_trials (id BIGSERIAL PRIMARY KEY, study_id BIGINT NOT NULL REFERENCES numkit_studies (id), number INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL, vals TEXT, value DOUBLE PRECISION, error TEXT, worker TEXT, heartbeat BIGINT NOT NULL, UNIQUE (study_id, number))",
        "CREATE INDEX IF NOT EXISTS numkit_trials_state ON numkit_trials (study_id, state, number)",
        "CREATE TABLE IF NOT EXISTS numkit_trial_values (trial_id BIGINT NOT NULL REFERENCES numkit_trials (id), step INTEGER NOT NULL, value DOUBLE PRECISION, PRIMARY KEY (trial_id, step))",
    ];

    /// <summary>Whether <paramref name="storage"/> reads as a PostgreSQL connection string or URI rather than a file path.</summary>
    public static bool LooksLikeConnectionString(string storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || storage.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || storage.Contains("Host=", StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    private protected override DbConnection Open() => _dataSource.OpenConnection();

    private protected override void BeforeCreatingSchema(DbConnection connection, DbTransaction transaction)
    {
        using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(" + SchemaLock.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
        command.ExecuteNonQuery();
    }
}
