using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Linq;

namespace NumKit.Tuning;

/// <summary>
/// The study storage both SQL databases share: one schema, versioned, created by the first worker; every
/// operation one short transaction on a pooled connection. A subclass supplies the connection, the
/// database's clock, and how a waiting trial is claimed.
/// </summary>
/// <remarks>
/// Tables: <c>numkit_schema</c> (the schema version), <c>numkit_studies</c> (settings and the next trial
/// number), <c>numkit_trials</c> (state, attempts, parameters, worker, heartbeat in milliseconds of the
/// database's clock), <c>numkit_trial_values</c> (reported values by step, kept across attempts). A new
/// number comes from an <c>UPDATE … next_number + 1 … RETURNING</c> on the study's row, so two workers
/// never get the same one; a trial can only be finished by the worker that holds it.
/// </remarks>
public abstract class SqlStudyStorage : IStudyStorage
{
    /// <summary>The schema version this NumKit writes and reads.</summary>
    public const int SchemaVersion = 1;

    private bool _schemaReady;

    /// <summary>SQL for the database's clock in milliseconds since 1970.</summary>
    private protected abstract string NowMilliseconds { get; }

    /// <summary>The clause that locks the picked waiting row and skips rows others have locked ("" where a write transaction locks the whole database).</summary>
    private protected abstract string SkipLocked { get; }

    /// <summary>
    /// A statement that lets the current transaction commit without waiting for the disk (PostgreSQL:
    /// <c>SET LOCAL synchronous_commit = off</c>), for epoch reports and heartbeats only: losing the last of
    /// them in a database crash costs a pruning comparison or a heartbeat, never a trial. Null: none.
    /// </summary>
    private protected virtual string? RelaxedCommit => null;

    /// <summary>The statements that create the schema (idempotent).</summary>
    private protected abstract string[] CreateSchema { get; }

    /// <inheritdoc/>
    public (long StudyId, StudySettings Settings) CreateOrLoadStudy(StudySettings proposed)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        proposed.Validate();
        return InTransaction((connection, transaction) =>
        {
            Execute(connection, transaction,
                "INSERT INTO numkit_studies (name, space, sampler, seed, budget, max_attempts, next_number) VALUES (@name, @space, @sampler, @seed, @budget, @attempts, 0) ON CONFLICT (name) DO NOTHING",
                ("name", proposed.Name), ("space", proposed.Space), ("sampler", proposed.Sampler),
                ("seed", proposed.Seed.ToString(CultureInfo.InvariantCulture)), ("budget", proposed.Budget), ("attempts", proposed.MaxAttempts));
            return Find(connection, transaction, proposed.Name)!.Value;
        });
    }

    /// <inheritdoc/>
    public (long StudyId, StudySettings Settings)? FindStudy(string name) =>
        InTransaction((connection, transaction) => Find(connection, transaction, name));

    /// <inheritdoc/>
    public int ReapStaleTrials(long studyId, TimeSpan staleAfter, int maxAttempts) =>
        InTransaction((connection, transaction) => Execute(connection, transaction,
            $"UPDATE numkit_trials SET state = CASE WHEN attempts < @max THEN 'waiting' ELSE 'failed' END, worker = NULL, error = 'its worker stopped beating' " +
            $"WHERE study_id = @study AND state = 'running' AND heartbeat < {NowMilliseconds} - @stale",
            ("max", maxAttempts), ("study", studyId), ("stale", (long)staleAfter.TotalMilliseconds)));

    /// <inheritdoc/>
    public ClaimedTrial? ClaimTrial(long studyId, string worker, int budget) => InTransaction((connection, transaction) =>
    {
        ClaimedTrial? retry = ReadClaim(connection, transaction,
            $"UPDATE numkit_trials SET state = 'running', worker = @worker, heartbeat = {NowMilliseconds}, attempts = attempts + 1 " +
            $"WHERE id = (SELECT id FROM numkit_trials WHERE study_id = @study AND state = 'waiting' ORDER BY number LIMIT 1 {SkipLocked}) " +
            "RETURNING id, number, attempts, vals",
            ("worker", worker), ("study", studyId));
        if (retry is not null)
        {
            return retry;
        }

        object? next = Scalar(connection, transaction,
            "UPDATE numkit_studies SET next_number = next_number + 1 WHERE id = @study AND next_number < @budget RETURNING next_number - 1",
            ("study", studyId), ("budget", budget));
        if (next is null)
        {
            return null;
        }

        int number = Convert.ToInt32(next, CultureInfo.InvariantCulture);
        object id = Scalar(connection, transaction,
            $"INSERT INTO numkit_trials (study_id, number, state, attempts, worker, heartbeat) VALUES (@study, @number, 'running', 1, @worker, {NowMilliseconds}) RETURNING id",
            ("study", studyId), ("number", number), ("worker", worker))!;
        return new ClaimedTrial(Convert.ToInt64(id, CultureInfo.InvariantCulture), number, 1, null);
    });

    /// <inheritdoc/>
    public void SetValues(long trialId, string values) => InTransaction((connection, transaction) =>
        Execute(connection, transaction, "UPDATE numkit_trials SET vals = @vals WHERE id = @id AND vals IS NULL", ("vals", values), ("id", trialId)));

    /// <inheritdoc/>
    public bool Heartbeat(long trialId, string worker) => InTransaction(relaxed: true, (connection, transaction) =>
        Execute(connection, transaction, $"UPDATE numkit_trials SET heartbeat = {NowMilliseconds} WHERE id = @id AND worker = @worker AND state = 'running'",
            ("id", trialId), ("worker", worker)) == 1);

    /// <inheritdoc/>
    public void ReportIntermediate(long trialId, int step, double value) => InTransaction(relaxed: true, (connection, transaction) =>
        Execute(connection, transaction,
            "INSERT INTO numkit_trial_values (trial_id, step, value) VALUES (@id, @step, @value) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value",
            ("id", trialId), ("step", step), ("value", ToStored(value))));

    /// <inheritdoc/>
    public IReadOnlyList<double> IntermediateValuesAt(long studyId, int step, int belowNumber) => InTransaction((connection, transaction) =>
    {
        using DbCommand command = Command(connection, transaction,
            "SELECT v.value FROM numkit_trial_values v JOIN numkit_trials t ON t.id = v.trial_id WHERE t.study_id = @study AND t.number < @below AND v.step = @step",
            ("study", studyId), ("below", belowNumber), ("step", step));
        using DbDataReader reader = command.ExecuteReader();
        var values = new List<double>();
        while (reader.Read())
        {
            values.Add(FromStored(reader, 0));
        }

        return values;
    });

    /// <inheritdoc/>
    public bool FinishTrial(long trialId, string worker, StudyTrialState state, double value, string? error) => InTransaction((connection, transaction) =>
        Execute(connection, transaction,
            "UPDATE numkit_trials SET state = @state, value = @value, error = @error, worker = NULL WHERE id = @id AND worker = @worker AND state = 'running'",
            ("state", StateName(state)), ("value", ToStored(value)), ("error", (object?)error ?? DBNull.Value), ("id", trialId), ("worker", worker)) == 1);

    /// <inheritdoc/>
    public IReadOnlyList<StoredTrial> LoadTrials(long studyId) => InTransaction((connection, transaction) =>
    {
        var values = new Dictionary<long, List<EpochCost>>();
        using (DbCommand command = Command(connection, transaction,
            "SELECT v.trial_id, v.step, v.value FROM numkit_trial_values v JOIN numkit_trials t ON t.id = v.trial_id WHERE t.study_id = @study ORDER BY v.trial_id, v.step",
            ("study", studyId)))
        using (DbDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                long id = reader.GetInt64(0);
                if (!values.TryGetValue(id, out List<EpochCost>? curve))
                {
                    values[id] = curve = [];
                }

                curve.Add(new EpochCost(reader.GetInt32(1), FromStored(reader, 2)));
            }
        }

        var trials = new List<StoredTrial>();
        using (DbCommand command = Command(connection, transaction,
            "SELECT id, number, state, attempts, vals, value, error, worker FROM numkit_trials WHERE study_id = @study ORDER BY number", ("study", studyId)))
        using (DbDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                long id = reader.GetInt64(0);
                trials.Add(new StoredTrial(id, reader.GetInt32(1), ParseState(reader.GetString(2)), reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), FromStored(reader, 5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    values.TryGetValue(id, out List<EpochCost>? curve) ? [.. curve] : ImmutableArray<EpochCost>.Empty));
            }
        }

        return trials;
    });

    /// <summary>Releases the storage's connections.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the storage's connections.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A new open connection (pooled by the provider).</summary>
    private protected abstract DbConnection Open();

    /// <summary>Starts the transaction every operation runs in (SQLite: BEGIN IMMEDIATE, so writers queue at once instead of failing to upgrade).</summary>
    private protected virtual DbTransaction Begin(DbConnection connection) => connection.BeginTransaction();

    /// <summary>Runs before the schema statements, inside their transaction (PostgreSQL: an advisory lock, so two first workers do not race).</summary>
    private protected virtual void BeforeCreatingSchema(DbConnection connection, DbTransaction transaction)
    {
    }

    private protected T InTransaction<T>(Func<DbConnection, DbTransaction, T> work) => InTransaction(relaxed: false, work);

    private protected T InTransaction<T>(bool relaxed, Func<DbConnection, DbTransaction, T> work)
    {
        using DbConnection connection = Open();
        if (!_schemaReady)
        {
            EnsureSchema(connection);
            _schemaReady = true;
        }

        using DbTransaction transaction = Begin(connection);
        if (relaxed && RelaxedCommit is { } relax)
        {
            Execute(connection, transaction, relax);
        }

        T result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    private void EnsureSchema(DbConnection connection)
    {
        using DbTransaction transaction = Begin(connection);
        BeforeCreatingSchema(connection, transaction);
        foreach (string statement in CreateSchema)
        {
            Execute(connection, transaction, statement);
        }

        object? version = Scalar(connection, transaction, "SELECT MAX(version) FROM numkit_schema");
        if (version is null || version is DBNull)
        {
            Execute(connection, transaction, "INSERT INTO numkit_schema (version) VALUES (@version)", ("version", SchemaVersion));
        }
        else if (Convert.ToInt32(version, CultureInfo.InvariantCulture) > SchemaVersion)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"The study storage has schema version {version}, written by a newer NumKit; this one reads version {SchemaVersion}."));
        }

        transaction.Commit();
    }

    private static (long, StudySettings)? Find(DbConnection connection, DbTransaction transaction, string name)
    {
        using DbCommand command = Command(connection, transaction,
            "SELECT id, name, space, sampler, seed, budget, max_attempts FROM numkit_studies WHERE name = @name", ("name", name));
        using DbDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return (reader.GetInt64(0), new StudySettings(reader.GetString(1), reader.GetString(2), reader.GetString(3),
            ulong.Parse(reader.GetString(4), CultureInfo.InvariantCulture), reader.GetInt32(5), reader.GetInt32(6)));
    }

    private static ClaimedTrial? ReadClaim(DbConnection connection, DbTransaction transaction, string sql, params (string, object)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        using DbDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new ClaimedTrial(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private static int Execute(DbConnection connection, DbTransaction transaction, string sql, params (string, object)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, DbTransaction transaction, string sql, params (string, object)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        object? value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Every statement is a constant of this class; values go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach ((string name, object value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    // SQLite keeps NaN as NULL, so both databases store NaN as NULL and read NULL back as NaN.
    private static object ToStored(double value) => double.IsNaN(value) ? DBNull.Value : value;

    private static double FromStored(DbDataReader reader, int column) => reader.IsDBNull(column) ? double.NaN : reader.GetDouble(column);

    private static string StateName(StudyTrialState state) => state switch
    {
        StudyTrialState.Waiting => "waiting",
        StudyTrialState.Running => "running",
        StudyTrialState.Completed => "completed",
        StudyTrialState.Pruned => "pruned",
        _ => "failed",
    };

    private static StudyTrialState ParseState(string name) => name switch
    {
        "waiting" => StudyTrialState.Waiting,
        "running" => StudyTrialState.Running,
        "completed" => StudyTrialState.Completed,
        "pruned" => StudyTrialState.Pruned,
        "failed" => StudyTrialState.Failed,
        _ => throw new FormatException($"Unknown trial state '{name}' in the study storage."),
    };
}
