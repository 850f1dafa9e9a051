using System;
using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace NumKit.Tuning;

/// <summary>
/// A study stored in PostgreSQL, for workers on many machines: a trial is claimed in one statement — the
/// lowest waiting one with <c>SELECT … FOR UPDATE SKIP LOCKED</c>, else a new number from a row-locked
/// <c>UPDATE … RETURNING</c> — so no trial runs twice and none is lost; heartbeats use the server's clock,
/// so machines' clocks need not agree. Each operation is one round trip on a connection the storage keeps
/// open, its statement prepared on the server.
/// </summary>
/// <remarks>
/// <para>
/// Durability, with durable tells (the default): telling a result (<see cref="SqlStudyStorage.FinishTrial"/>)
/// and creating a study commit with <c>synchronous_commit = on</c> — the call returns once the server has
/// the result on disk. Every other write (claims, parameters, epoch reports, heartbeats, reaping) commits
/// with <c>synchronous_commit = off</c>: it is visible to every worker at once, and on disk within
/// <c>3 × wal_writer_delay</c> (0.6 s by default). PostgreSQL writes its log in order, so when a tell
/// reaches the disk, so has everything its trial committed before it; a server crash can lose only the last
/// writes of trials still running — a claim (the number is claimed again, and with the random and grid
/// samplers gets the same parameters), epoch reports (reported again by the retry), a heartbeat or a reap.
/// No told result is lost.
/// </para>
/// <para>
/// Without durable tells (<c>durableTells: false</c>), tells commit without waiting too, saving the disk's
/// flush (2–15 ms on a loaded virtual machine) per trial. A server crash can then also lose the tells of its
/// last 0.6 s: those trials are running again in the store, with their parameters (stored with or before
/// the tell), and are retried — the objective runs once more with the same parameters, and the study ends
/// with one result per trial. No trial is lost, and none is failed by the crash: an attempt whose last beat
/// came before the server started is not counted (<see cref="SqlStudyStorage.ReapStaleTrials"/>).
/// </para>
/// </remarks>
public sealed class PostgresStudyStorage : SqlStudyStorage
{
    // Any fixed number: the advisory lock that serialises schema creation by first workers.
    private const long SchemaLock = 0x4E4B_5354_5544_59;

    // Every report of one trial in one statement, from two arrays (NaN stored as NULL, as SQLite must).
    private const string InsertReports =
        "INSERT INTO numkit_trial_values (trial_id, step, value) SELECT @id, r.step, NULLIF(r.value, 'NaN'::float8) FROM unnest(@steps, @values) AS r (step, value) " +
        "ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _finish;

    /// <summary>
    /// Connects with <paramref name="connectionString"/> (such as <c>Host=db;Database=studies;Username=numkit</c>);
    /// <paramref name="durableTells"/> false lets tells commit without waiting for the disk (see the remarks).
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public PostgresStudyStorage(string connectionString, bool durableTells = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        DurableTells = durableTells;
        _finish = (durableTells ? "BEGIN; SET LOCAL synchronous_commit = on; " : "BEGIN; ") +
            "WITH reported AS (" + InsertReports + ") " +
            "UPDATE numkit_trials SET state = @state, value = @value, error = @error, worker = NULL WHERE id = @id AND worker = @worker AND state = 'running' RETURNING 1; " +
            "COMMIT";
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // Prepare each of the storage's dozen statements on the server the second time a connection runs it.
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Whether a tell returns only once the result is on the server's disk.</summary>
    public bool DurableTells { get; }

    private protected override string ServerStartedMilliseconds => "CAST(EXTRACT(EPOCH FROM pg_postmaster_start_time()) * 1000 AS BIGINT)";

    private protected override string NowMilliseconds => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

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
        base.Dispose(disposing);
        if (disposing)
        {
            _dataSource.Dispose();
        }
    }

    private protected override DbConnection Open()
    {
        NpgsqlConnection connection = _dataSource.OpenConnection();
        try
        {
            // The session's default; a tell raises it for its own transaction (see the remarks).
            using NpgsqlCommand relaxed = connection.CreateCommand();
            relaxed.CommandText = "SET synchronous_commit = off";
            relaxed.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // A single statement commits on its own, in its one round trip, without waiting for the disk.
    private protected override DbTransaction? BeginWrite(SqlSession session) => null;

    private protected override DbTransaction BeginDurable(SqlSession session)
    {
        DbTransaction transaction = session.Connection.BeginTransaction();
        session.Execute("SET LOCAL synchronous_commit = on", transaction);
        return transaction;
    }

    // One statement: take the lowest waiting trial no one else is taking, or, if there is none, bump the
    // study's next number (the row lock makes concurrent claimers queue, and re-check the budget) and insert it.
    private protected override ClaimedTrial? Claim(SqlSession session, long studyId, string worker, int budget) => ReadClaim(session.Command(
        "WITH retry AS (" +
        $"UPDATE numkit_trials SET state = 'running', worker = @worker, heartbeat = {NowMilliseconds}, attempts = attempts + 1 " +
        "WHERE id = (SELECT id FROM numkit_trials WHERE study_id = @study AND state = 'waiting' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED) " +
        "RETURNING id, number, attempts, vals), " +
        "numbered AS (UPDATE numkit_studies SET next_number = next_number + 1 " +
        "WHERE id = @study AND next_number < @budget AND NOT EXISTS (SELECT 1 FROM retry) RETURNING next_number - 1 AS number), " +
        "fresh AS (INSERT INTO numkit_trials (study_id, number, state, attempts, worker, heartbeat) " +
        $"SELECT @study, number, 'running', 1, @worker, {NowMilliseconds} FROM numbered RETURNING id, number, attempts, vals) " +
        "SELECT id, number, attempts, vals FROM retry UNION ALL SELECT id, number, attempts, vals FROM fresh",
        null, ("worker", worker), ("study", studyId), ("budget", budget)));

    // One round trip: the transaction, (with durable tells) the commit that waits for the disk, the held-back reports and the result.
    private protected override bool Finish(SqlSession session, long trialId, string worker, string state, object value, object error, EpochCost[] reports)
    {
        (int[] steps, double[] values) = Columns(reports);
        return session.Scalar(_finish, null, ("id", trialId), ("steps", steps), ("values", values), ("state", state), ("value", value), ("error", error), ("worker", worker)) is not null;
    }

    private protected override void WriteReports(SqlSession session, DbTransaction? transaction, long trialId, EpochCost[] reports)
    {
        (int[] steps, double[] values) = Columns(reports);
        session.Execute(InsertReports, transaction, ("id", trialId), ("steps", steps), ("values", values));
    }

    private protected override void BeforeCreatingSchema(SqlSession session, DbTransaction transaction) =>
        session.Execute("SELECT pg_advisory_xact_lock(" + SchemaLock.ToString(CultureInfo.InvariantCulture) + ")", transaction);

    private static (int[] Steps, double[] Values) Columns(EpochCost[] reports)
    {
        int[] steps = new int[reports.Length];
        double[] values = new double[reports.Length];
        for (int i = 0; i < reports.Length; i++)
        {
            steps[i] = reports[i].Epoch;
            values[i] = reports[i].Cost;
        }

        return (steps, values);
    }
}
