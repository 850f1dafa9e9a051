using System;

namespace NumKit.Tuning;

/// <summary>How <see cref="ParallelTrials"/> runs trials: threads, early stopping, progress.</summary>
public sealed class ParallelTrialsOptions
{
    private int _maxDegreeOfParallelism = Environment.ProcessorCount;
    private int _epochCapacity;

    /// <summary>How many trials run at once, each on its own thread (default: the number of cores).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxDegreeOfParallelism));
            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Stops hopeless trials early (<see cref="MedianPruner"/>, <see cref="SuccessiveHalvingPruner"/>); null runs every trial to the end.</summary>
    public Pruner? Pruner { get; init; }

    /// <summary>
    /// Receives every <see cref="TrialEvent"/> (started, epoch, completed, pruned, failed, cancelled),
    /// on the worker thread that raised it: handlers must be thread-safe (see <see cref="SearchProgress"/>).
    /// An exception thrown here fails the trial that raised it.
    /// </summary>
    public Action<TrialEvent>? Progress { get; init; }

    /// <summary>
    /// Receives every trial's result as soon as it ends, on the worker thread that ran it (handlers must be
    /// thread-safe): for instance <see cref="TrialResultLog.Append"/>, so that a crash keeps every finished
    /// trial. An exception thrown here is ignored (the result is still in the returned results).
    /// </summary>
    public Action<TrialResult>? TrialFinished { get; init; }

    /// <summary>
    /// How many epochs each trial is expected to report: each trial's learning curve is allocated at
    /// this size when it starts, so reporting allocates nothing (default 0: the curve grows by doubling).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int EpochCapacity
    {
        get => _epochCapacity;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(EpochCapacity));
            _epochCapacity = value;
        }
    }
}
