namespace NumKit.Tuning;

/// <summary>What a <see cref="TrialEvent"/> reports.</summary>
public enum TrialEventKind
{
    /// <summary>A trial started (its model is about to be created).</summary>
    Started,

    /// <summary>A trial reported the cost of an epoch.</summary>
    Epoch,

    /// <summary>A trial's objective returned its final cost.</summary>
    Completed,

    /// <summary>The pruner stopped a trial as hopeless.</summary>
    Pruned,

    /// <summary>A trial's objective threw.</summary>
    Failed,

    /// <summary>The search's cancellation stopped a running trial.</summary>
    Cancelled,
}

/// <summary>
/// A progress report from a running search, for a live display. Raised on the worker thread that
/// runs the trial, so handlers must be thread-safe and quick; a struct, so raising it allocates nothing.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Trial">The trial it happened to.</param>
/// <param name="Epoch">The epoch reported or pruned at; −1 for Started, and the last reported epoch (or −1) otherwise.</param>
/// <param name="Cost">The cost reported; for Completed the final cost; NaN when there is none.</param>
public readonly record struct TrialEvent(TrialEventKind Kind, Trial Trial, int Epoch, double Cost);
