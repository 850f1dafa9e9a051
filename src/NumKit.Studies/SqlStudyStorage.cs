using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;

namespace NumKit.Tuning;

/// <summary>
/// The study storage both SQL databases share: one schema, versioned, created by the first worker; open
/// connections kept and reused (one per concurrent caller, so in effect one per worker thread), each
/// statement compiled once per connection; every operation one short transaction. A subclass supplies the
/// connection, the database's clock, how a trial is claimed, and how writes commit.
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

    // Idle sessions, last in first out, so a worker thread keeps getting the connection it warmed up.
    private readonly ConcurrentStack<SqlSession> _idle = new();
    private readonly object _schemaGate = new();
    private volatile bool _schemaReady;
    private volatile bool _disposed;

    // Epoch reports held back until the trial's next heartbeat or its end, by trial id (lock: the dictionary).
    private readonly Dictionary<long, List<EpochCost>> _pending = [];

    /// <summary>SQL for the database's clock in milliseconds since 1970.</summary>
    private protected abstract string NowMilliseconds { get; }

    /// <summary>SQL for when the database server last started, in milliseconds of its clock since 1970 (0 for an embedded database).</summary>
    private protected virtual string ServerStartedMilliseconds => "0";

    /// <summary>The statements that create the schema (idempotent).</summary>
    private protected abstract string[] CreateSchema { get; }

    /// <inheritdoc/>
    public (long StudyId, StudySettings Settings) CreateOrLoadStudy(StudySettings proposed)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        proposed.Validate();
        return Durable((session, transaction) =>
        {
            session.Execute(
                "INSERT INTO numkit_studies (name, space, sampler, seed, budget, max_attempts, next_number) VALUES (@name, @space, @sampler, @seed, @budget, @attempts, 0) ON CONFLICT (name) DO NOTHING",
                transaction, ("name", proposed.Name), ("space", proposed.Space), ("sampler", proposed.Sampler),
                ("seed", proposed.Seed.ToString(CultureInfo.InvariantCulture)), ("budget", proposed.Budget), ("attempts", proposed.MaxAttempts));
            return Find(session, transaction, proposed.Name)!.Value;
        });
    }

    /// <inheritdoc/>
    public (long StudyId, StudySettings Settings)? FindStudy(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Use(session => Find(session, null, name));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// An attempt whose last beat came before the database server last started was ended by the server's
    /// restart, not by its trial or its worker: it goes back to waiting and does not count as an attempt, so a
    /// database crash never fails a trial for good.
    /// </remarks>
    public int ReapStaleTrials(long studyId, TimeSpan staleAfter, int maxAttempts) =>
        Write((session, transaction) => session.Execute(
            $"UPDATE numkit_trials SET state = CASE WHEN heartbeat < {ServerStartedMilliseconds} OR attempts < @max THEN 'waiting' ELSE 'failed' END, " +
            $"attempts = CASE WHEN heartbeat < {ServerStartedMilliseconds} THEN attempts - 1 ELSE attempts END, worker = NULL, " +
            $"error = CASE WHEN heartbeat < {ServerStartedMilliseconds} THEN 'the database restarted under its worker' ELSE 'its worker stopped beating' END " +
            $"WHERE study_id = @study AND state = 'running' AND heartbeat < {NowMilliseconds} - @stale",
            transaction, ("max", maxAttempts), ("study", studyId), ("stale", (long)staleAfter.TotalMilliseconds)));

    /// <inheritdoc/>
    public ClaimedTrial? ClaimTrial(long studyId, string worker, int budget)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        return Use(session => Claim(session, studyId, worker, budget));
    }

    /// <inheritdoc/>
    public void SetValues(long trialId, string values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Write((session, transaction) =>
            session.Execute("UPDATE numkit_trials SET vals = @vals WHERE id = @id AND vals IS NULL", transaction, ("vals", values), ("id", trialId)));
    }

    /// <inheritdoc/>
    /// <remarks>Also stores the epoch reports held back since the trial's last beat (see <see cref="ReportIntermediate"/>).</remarks>
    public bool Heartbeat(long trialId, string worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        EpochCost[] reports = TakePending(trialId);
        try
        {
            return Write((session, transaction) =>
            {
                if (reports.Length > 0)
                {
                    WriteReports(session, transaction, trialId, reports);
                }

                return session.Execute($"UPDATE numkit_trials SET heartbeat = {NowMilliseconds} WHERE id = @id AND worker = @worker AND state = 'running'",
                    transaction, ("id", trialId), ("worker", worker)) == 1;
            });
        }
        catch
        {
            Restore(trialId, reports);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Held back in this process, and stored with the trial's next <see cref="Heartbeat"/> or its
    /// <see cref="FinishTrial"/>, whichever comes first: an epoch costs no database round trip, other workers
    /// see it at most one heartbeat interval late, and a worker that dies loses only the reports since its
    /// last beat, which its trial's retry reports again.
    /// </remarks>
    public void ReportIntermediate(long trialId, int step, double value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_pending)
        {
            if (!_pending.TryGetValue(trialId, out List<EpochCost>? reports))
            {
                _pending[trialId] = reports = [];
            }

            reports.Add(new EpochCost(step, value));
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<double> IntermediateValuesAt(long studyId, int step, int belowNumber) => Use(session =>
    {
        using DbDataReader reader = session.Command(
            "SELECT v.value FROM numkit_trial_values v JOIN numkit_trials t ON t.id = v.trial_id WHERE t.study_id = @study AND t.number < @below AND v.step = @step",
            null, ("study", studyId), ("below", belowNumber), ("step", step)).ExecuteReader();
        var values = new List<double>();
        while (reader.Read())
        {
            values.Add(FromStored(reader, 0));
        }

        return values;
    });

    /// <inheritdoc/>
    /// <remarks>
    /// The one commit per trial that waits for the disk; it stores the trial's held-back epoch reports with
    /// the result. See the storage's remarks for what it guarantees on each database.
    /// </remarks>
    public bool FinishTrial(long trialId, string worker, StudyTrialState state, double value, string? error)
    {
        ArgumentNullException.ThrowIfNull(worker);
        EpochCost[] reports = TakePending(trialId);
        try
        {
            return Use(session => Finish(session, trialId, worker, StateName(state), ToStored(value), (object?)error ?? DBNull.Value, reports));
        }
        catch
        {
            Restore(trialId, reports);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>One statement, so the trials and their values are read from one snapshot.</remarks>
    public IReadOnlyList<StoredTrial> LoadTrials(long studyId) => Use(session =>
    {
        using DbDataReader reader = session.Command(
            "SELECT t.id, t.number, t.state, t.attempts, t.vals, t.value, t.error, t.worker, v.step, v.value " +
            "FROM numkit_trials t LEFT JOIN numkit_trial_values v ON v.trial_id = t.id WHERE t.study_id = @study ORDER BY t.number, v.step",
            null, ("study", studyId)).ExecuteReader();
        var trials = new List<StoredTrial>();
        StoredTrial? current = null;
        var curve = ImmutableArray.CreateBuilder<EpochCost>();
        while (reader.Read())
        {
            long id = reader.GetInt64(0);
            if (current is null || current.Id != id)
            {
                if (current is not null)
                {
                    trials.Add(current with { Intermediate = curve.ToImmutable() });
                    curve.Clear();
                }

                current = new StoredTrial(id, reader.GetInt32(1), ParseState(reader.GetString(2)), reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), FromStored(reader, 5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), ImmutableArray<EpochCost>.Empty);
            }

            if (!reader.IsDBNull(8))
            {
                curve.Add(new EpochCost(reader.GetInt32(8), FromStored(reader, 9)));
            }
        }

        if (current is not null)
        {
            trials.Add(current with { Intermediate = curve.ToImmutable() });
        }

        return trials;
    });

    /// <summary>Closes the storage's connections.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the storage's connections.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            FlushAllPending();
            _disposed = true;
            while (_idle.TryPop(out SqlSession? session))
            {
                session.Dispose();
            }
        }
    }

    /// <summary>A new open connection, with the database's per-connection settings applied.</summary>
    private protected abstract DbConnection Open();

    /// <summary>
    /// Starts the transaction a single-statement write runs in, or returns null to let the statement commit
    /// on its own (PostgreSQL: one round trip, committed without waiting for the disk).
    /// </summary>
    private protected abstract DbTransaction? BeginWrite(SqlSession session);

    /// <summary>Starts a transaction whose commit waits until it is on disk (creating a study, telling a result).</summary>
    private protected abstract DbTransaction BeginDurable(SqlSession session);

    /// <summary>Claims a trial: the lowest-numbered waiting one, else the next new number below the budget (see <see cref="ClaimTrial"/>).</summary>
    private protected abstract ClaimedTrial? Claim(SqlSession session, long studyId, string worker, int budget);

    /// <summary>
    /// Stores the held-back <paramref name="reports"/> (distinct steps) and ends <paramref name="worker"/>'s
    /// attempt, durably, in one transaction; false if the worker no longer held the trial.
    /// </summary>
    private protected virtual bool Finish(SqlSession session, long trialId, string worker, string state, object value, object error, EpochCost[] reports)
    {
        using DbTransaction transaction = BeginDurable(session);
        if (reports.Length > 0)
        {
            WriteReports(session, transaction, trialId, reports);
        }

        bool held = session.Execute(
            "UPDATE numkit_trials SET state = @state, value = @value, error = @error, worker = NULL WHERE id = @id AND worker = @worker AND state = 'running'",
            transaction, ("state", state), ("value", value), ("error", error), ("id", trialId), ("worker", worker)) == 1;
        transaction.Commit();
        return held;
    }

    /// <summary>Stores epoch reports of one trial (distinct steps), replacing values stored at the same steps.</summary>
    private protected virtual void WriteReports(SqlSession session, DbTransaction? transaction, long trialId, EpochCost[] reports)
    {
        foreach (EpochCost report in reports)
        {
            session.Execute(
                "INSERT INTO numkit_trial_values (trial_id, step, value) VALUES (@id, @step, @value) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value",
                transaction, ("id", trialId), ("step", report.Epoch), ("value", ToStored(report.Cost)));
        }
    }

    /// <summary>Runs before the schema statements, inside their transaction (PostgreSQL: an advisory lock, so two first workers do not race).</summary>
    private protected virtual void BeforeCreatingSchema(SqlSession session, DbTransaction transaction)
    {
    }

    /// <summary>Runs <paramref name="work"/> on a session of its own; a session whose operation failed is closed, not reused (its connection may be broken).</summary>
    private protected T Use<T>(Func<SqlSession, T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SqlSession session = Rent();
        T result;
        try
        {
            result = work(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        if (_disposed)
        {
            session.Dispose();
        }
        else
        {
            _idle.Push(session);
        }

        return result;
    }

    private protected T Write<T>(Func<SqlSession, DbTransaction?, T> work) => Use(session =>
    {
        using DbTransaction? transaction = BeginWrite(session);
        T result = work(session, transaction);
        transaction?.Commit();
        return result;
    });

    private protected T Durable<T>(Func<SqlSession, DbTransaction, T> work) => Use(session =>
    {
        using DbTransaction transaction = BeginDurable(session);
        T result = work(session, transaction);
        transaction.Commit();
        return result;
    });

    private protected static ClaimedTrial? ReadClaim(DbCommand command)
    {
        using DbDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new ClaimedTrial(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    // SQLite keeps NaN as NULL, so both databases store NaN as NULL and read NULL back as NaN.
    private protected static object ToStored(double value) => double.IsNaN(value) ? DBNull.Value : value;

    // The trial's held-back reports, the last value of each step, in step order; removed from the pending ones.
    private EpochCost[] TakePending(long trialId)
    {
        List<EpochCost>? reports;
        lock (_pending)
        {
            if (!_pending.Remove(trialId, out reports))
            {
                return [];
            }
        }

        var byStep = new SortedDictionary<int, EpochCost>();
        foreach (EpochCost report in reports)
        {
            byStep[report.Epoch] = report;
        }

        return [.. byStep.Values];
    }

    // A write that failed: its reports go back in front of any reported since, so none is lost or reordered.
    private void Restore(long trialId, EpochCost[] reports)
    {
        if (reports.Length == 0)
        {
            return;
        }

        lock (_pending)
        {
            if (_pending.TryGetValue(trialId, out List<EpochCost>? later))
            {
                later.InsertRange(0, reports);
            }
            else
            {
                _pending[trialId] = [.. reports];
            }
        }
    }

    // On dispose: store what is held back; a database that cannot be reached then loses them, as a dying worker does.
    private void FlushAllPending()
    {
        long[] trials;
        lock (_pending)
        {
            trials = [.. _pending.Keys];
        }

        foreach (long trialId in trials)
        {
            EpochCost[] reports = TakePending(trialId);
            try
            {
                Write((session, transaction) =>
                {
                    WriteReports(session, transaction, trialId, reports);
                    return 0;
                });
            }
            catch (DbException)
            {
                return;
            }
        }
    }

    private SqlSession Rent()
    {
        if (_idle.TryPop(out SqlSession? idle))
        {
            return idle;
        }

        var session = new SqlSession(Open());
        if (!_schemaReady)
        {
            try
            {
                lock (_schemaGate)
                {
                    if (!_schemaReady)
                    {
                        EnsureSchema(session);
                        _schemaReady = true;
                    }
                }
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        return session;
    }

    private void EnsureSchema(SqlSession session)
    {
        using DbTransaction transaction = BeginDurable(session);
        BeforeCreatingSchema(session, transaction);
        foreach (string statement in CreateSchema)
        {
            session.Execute(statement, transaction);
        }

        object? version = session.Scalar("SELECT MAX(version) FROM numkit_schema", transaction);
        if (version is null)
        {
            session.Execute("INSERT INTO numkit_schema (version) VALUES (@version)", transaction, ("version", SchemaVersion));
        }
        else if (Convert.ToInt32(version, CultureInfo.InvariantCulture) > SchemaVersion)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"The study storage has schema version {version}, written by a newer NumKit; this one reads version {SchemaVersion}."));
        }

        transaction.Commit();
    }

    private static (long, StudySettings)? Find(SqlSession session, DbTransaction? transaction, string name)
    {
        using DbDataReader reader = session.Command(
            "SELECT id, name, space, sampler, seed, budget, max_attempts FROM numkit_studies WHERE name = @name", transaction, ("name", name)).ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return (reader.GetInt64(0), new StudySettings(reader.GetString(1), reader.GetString(2), reader.GetString(3),
            ulong.Parse(reader.GetString(4), CultureInfo.InvariantCulture), reader.GetInt32(5), reader.GetInt32(6)));
    }


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
