namespace NumKit.Tuning;

/// <summary>Where a trial of a study is, as its storage records it.</summary>
public enum StudyTrialState
{
    /// <summary>Numbered and waiting for a worker: a retry of an attempt whose worker stopped beating.</summary>
    Waiting,

    /// <summary>A worker has claimed it and is beating for it.</summary>
    Running,

    /// <summary>The objective returned its final value.</summary>
    Completed,

    /// <summary>Stopped early by the pruner.</summary>
    Pruned,

    /// <summary>The objective threw, or its worker stopped beating with no attempts left.</summary>
    Failed,
}
