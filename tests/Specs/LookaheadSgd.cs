namespace NumKit.Tests.Specs;

/// <summary>
/// Lookahead over SGD written out (Zhang et al. 2019, Algorithm 1): the fast weights w take SGD steps;
/// every SyncPeriod steps the slow weights move toward them and the fast weights restart from there.
/// The slow weights start at w₀ and are read on every step for that (the <c>init</c>); the periodic block
/// runs only on steps SyncPeriod, 2·SyncPeriod, ...
/// </summary>
[Optimizer("""
    init slow = w
    w = w - LearningRate * g
    slow = slow + SlowStepSize * (w - slow)    every SyncPeriod
    w = slow                                   every SyncPeriod
    """)]
public partial struct LookaheadSgd
{
    /// <summary>The fast weights' step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>k: how many fast steps between synchronisations.</summary>
    public float SyncPeriod { get; set; } = 3f;

    /// <summary>α: how far the slow weights move toward the fast ones.</summary>
    public float SlowStepSize { get; set; } = 0.5f;
}
