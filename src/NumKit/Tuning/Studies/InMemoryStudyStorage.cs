using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace NumKit.Tuning;

/// <summary>
/// A study storage in this process's memory: for studies whose workers are threads of one process,
/// and for tests. Thread-safe (one lock); lost when the process ends.
/// </summary>
public sealed class InMemoryStudyStorage : IStudyStorage
{
    private readonly object _gate = new();
    private readonly List<(StudySettings Settings, int NextNumber)> _studies = [];
    private readonly List<Row> _trials = [];
    private readonly TimeProvider _time;

    /// <summary>Creates an empty storage; <paramref name="time"/> (default: the system clock) dates heartbeats.</summary>
    public InMemoryStudyStorage(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public (long StudyId, StudySettings Settings) CreateOrLoadStudy(StudySettings proposed)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        proposed.Validate();
        lock (_gate)
        {
            int index = _studies.FindIndex(s => s.Settings.Name == proposed.Name);
            if (index < 0)
            {
                _studies.Add((proposed, 0));
                index = _studies.Count - 1;
            }

            return (index, _studies[index].Settings);
        }
    }

    /// <inheritdoc/>
    public (long StudyId, StudySettings Settings)? FindStudy(string name)
    {
        lock (_gate)
        {
            int index = _studies.FindIndex(s => s.Settings.Name == name);
            return index < 0 ? null : (index, _studies[index].Settings);
        }
    }

    /// <inheritdoc/>
    public int ReapStaleTrials(long studyId, TimeSpan staleAfter, int maxAttempts)
    {
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            int reaped = 0;
            foreach (Row row in _trials.Where(t => t.StudyId == studyId && t.State == StudyTrialState.Running && now - t.Heartbeat > staleAfter))
            {
                row.State = row.Attempts < maxAttempts ? StudyTrialState.Waiting : StudyTrialState.Failed;
                row.Error = "its worker stopped beating";
                row.Worker = null;
                reaped++;
            }

            return reaped;
        }
    }

    /// <inheritdoc/>
    public ClaimedTrial? ClaimTrial(long studyId, string worker, int budget)
    {
        lock (_gate)
        {
            Row? row = _trials.Where(t => t.StudyId == studyId && t.State == StudyTrialState.Waiting).MinBy(t => t.Number);
            if (row is null)
            {
                (StudySettings settings, int next) = _studies[(int)studyId];
                if (next >= budget)
                {
                    return null;
                }

                _studies[(int)studyId] = (settings, next + 1);
                row = new Row { Id = _trials.Count, StudyId = studyId, Number = next };
                _trials.Add(row);
            }

            row.State = StudyTrialState.Running;
            row.Attempts++;
            row.Worker = worker;
            row.Heartbeat = _time.GetUtcNow();
            return new ClaimedTrial(row.Id, row.Number, row.Attempts, row.Values);
        }
    }

    /// <inheritdoc/>
    public void SetValues(long trialId, string values)
    {
        lock (_gate)
        {
            _trials[(int)trialId].Values ??= values;
        }
    }

    /// <inheritdoc/>
    public bool Heartbeat(long trialId, string worker)
    {
        lock (_gate)
        {
            Row row = _trials[(int)trialId];
            if (row.State != StudyTrialState.Running || row.Worker != worker)
            {
                return false;
            }

            row.Heartbeat = _time.GetUtcNow();
            return true;
        }
    }

    /// <inheritdoc/>
    public void ReportIntermediate(long trialId, int step, double value)
    {
        lock (_gate)
        {
            _trials[(int)trialId].Intermediate[step] = value;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<double> IntermediateValuesAt(long studyId, int step, int belowNumber)
    {
        lock (_gate)
        {
            var values = new List<double>();
            foreach (Row row in _trials)
            {
                if (row.StudyId == studyId && row.Number < belowNumber && row.Intermediate.TryGetValue(step, out double value))
                {
                    values.Add(value);
                }
            }

            return values;
        }
    }

    /// <inheritdoc/>
    public bool FinishTrial(long trialId, string worker, StudyTrialState state, double value, string? error)
    {
        lock (_gate)
        {
            Row row = _trials[(int)trialId];
            if (row.State != StudyTrialState.Running || row.Worker != worker)
            {
                return false;
            }

            row.State = state;
            row.Value = value;
            row.Error = error;
            row.Worker = null;
            return true;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredTrial> LoadTrials(long studyId)
    {
        lock (_gate)
        {
            return _trials.Where(t => t.StudyId == studyId).OrderBy(t => t.Number)
                .Select(t => new StoredTrial(t.Id, t.Number, t.State, t.Attempts, t.Values, t.Value, t.Error, t.Worker,
                    t.Intermediate.OrderBy(p => p.Key).Select(p => new EpochCost(p.Key, p.Value)).ToImmutableArray()))
                .ToArray();
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private sealed class Row
    {
        public long Id { get; init; }

        public long StudyId { get; init; }

        public int Number { get; init; }

        public StudyTrialState State { get; set; }

        public int Attempts { get; set; }

        public string? Values { get; set; }

        public double Value { get; set; } = double.NaN;

        public string? Error { get; set; }

        public string? Worker { get; set; }

        public DateTimeOffset Heartbeat { get; set; }

        public SortedDictionary<int, double> Intermediate { get; } = [];
    }
}
