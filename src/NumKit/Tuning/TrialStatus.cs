using System;
using System.Collections.Immutable;

namespace NumKit.Tuning;

/// <summary>How a trial ended.</summary>
public enum TrialStatus
{
    /// <summary>The search was cancelled before the trial started.</summary>
    NotStarted,

    /// <summary>The objective returned its final cost.</summary>
    Completed,

    /// <summary>Stopped early by the pruner as hopeless; its cost is the one reported at the pruning epoch.</summary>
    Pruned,

    /// <summary>The objective threw; see <see cref="TrialResult.Error"/>.</summary>
    Failed,

    /// <summary>Stopped by the search's cancellation while running; its cost is the last one reported.</summary>
    Cancelled,
}
