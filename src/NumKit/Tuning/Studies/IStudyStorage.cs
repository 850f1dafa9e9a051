using System;
using System.Collections.Generic;

namespace NumKit.Tuning;

/// <summary>
/// Where a study lives: its settings, its trials, their states, heartbeats and reported values. Knows
/// nothing of sampling or training (a <see cref="Study"/> does that); every method is one short
/// transaction, safe to call from many threads and, for the SQLite and PostgreSQL storages of the
/// NumKit.Studies package, from many processes and machines at once.
/// </summary>
/// <remarks>
/// The guarantees every storage gives: a trial number is claimed by one worker at a time (no trial runs
/// twice at once, none is lost); a worker can only finish a trial it still holds; reported values survive
/// retries. Implementations: <see cref="InMemoryStudyStorage"/> (one process), SQLite (one machine) and
/// PostgreSQL (many machines).
/// </remarks>
public interface IStudyStorage : IDisposable
{
    /// <summary>
    /// Creates the study named in <paramref name="proposed"/> if the storage has none of that name, and
    /// returns its id and the settings stored (those of the existing study when it was already there).
    /// </summary>
    (long StudyId, StudySettings Settings) CreateOrLoadStudy(StudySettings proposed);

    /// <summary>The id and settings of the study named <paramref name="name"/>, or null if there is none.</summary>
    (long StudyId, StudySettings Settings)? FindStudy(string name);

    /// <summary>
    /// Ends every attempt still running whose worker has not beaten for <paramref name="staleAfter"/>:
    /// the trial goes back to waiting (its values kept) if it has attempts left, and fails otherwise.
    /// Returns how many attempts were ended.
    /// </summary>
    int ReapStaleTrials(long studyId, TimeSpan staleAfter, int maxAttempts);

    /// <summary>
    /// Claims a trial for <paramref name="worker"/>: the lowest-numbered waiting one, else the next new
    /// number below <paramref name="budget"/>; null when there is none. The claim beats once.
    /// </summary>
    ClaimedTrial? ClaimTrial(long studyId, string worker, int budget);

    /// <summary>Records a claimed trial's sampled parameter values (a new trial's first attempt does this once).</summary>
    void SetValues(long trialId, string values);

    /// <summary>Records that <paramref name="worker"/> is alive and still running the trial; false if it no longer holds it.</summary>
    bool Heartbeat(long trialId, string worker);

    /// <summary>Records the value reported at <paramref name="step"/> (replacing one an earlier attempt reported there).</summary>
    void ReportIntermediate(long trialId, int step, double value);

    /// <summary>The values reported at <paramref name="step"/> by the study's trials numbered below <paramref name="belowNumber"/>, any state.</summary>
    IReadOnlyList<double> IntermediateValuesAt(long studyId, int step, int belowNumber);

    /// <summary>
    /// Ends <paramref name="worker"/>'s attempt at the trial with a final state, value and error; false (and
    /// nothing changed) if the worker no longer holds it — its attempt was reaped as stale.
    /// </summary>
    bool FinishTrial(long trialId, string worker, StudyTrialState state, double value, string? error);

    /// <summary>Every trial of the study, by number, with its reported values.</summary>
    IReadOnlyList<StoredTrial> LoadTrials(long studyId);
}
