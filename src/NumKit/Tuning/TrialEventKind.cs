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
