using System;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// The objective of a search: trains one trial (its own model and optimizer), reports each epoch's
/// cost through <paramref name="reporter"/>, and returns the final cost (lower is better).
/// </summary>
/// <param name="trial">The hyperparameters to train with, and the trial's seed.</param>
/// <param name="reporter">
/// Call <see cref="TrialReporter.Report"/> after each epoch; when it returns false (pruned, or the
/// search is cancelled) stop and return.
/// </param>
/// <param name="cancellationToken">Cancelled when the search is cancelled or this trial is pruned.</param>
public delegate double TrialObjective(Trial trial, TrialReporter reporter, CancellationToken cancellationToken);

/// <summary>
/// The objective of a search whose models come from a factory: trains <paramref name="model"/> (created
/// for this trial alone) and returns the final cost. See <see cref="TrialObjective"/>.
/// </summary>
/// <typeparam name="TModel">The user's model and optimizer state; disposed after the trial if it is <see cref="IDisposable"/>.</typeparam>
public delegate double TrialTraining<in TModel>(TModel model, Trial trial, TrialReporter reporter, CancellationToken cancellationToken);

/// <summary>How <see cref="Caviar"/> runs trials: threads, early stopping, progress.</summary>
public sealed class CaviarOptions
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
