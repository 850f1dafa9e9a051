namespace NumKit.Optimizers;

/// <summary>
/// The periodic half of <see cref="Lookahead{TInner}"/>, declared in the equation language: every SyncPeriod steps
/// the slow weights move toward the fast weights w, and w restarts from them. On the other steps the kernel
/// touches no memory at all.
/// </summary>
/// <remarks>
/// Lookahead runs it after its inner rule's step, with the slow weights as its state (they start at w₀, copied by
/// Lookahead before the inner rule's first step). Not a rule to use alone: it reads no gradient and has no
/// learning rate of its own (the property every rule declares is unused; the inner rule owns the step size).
/// </remarks>
[Optimizer("""
    slow = slow + SlowStepSize * (w - slow)    every SyncPeriod
    w = slow                                   every SyncPeriod
    """)]
internal partial struct LookaheadSync
{
    /// <summary>Unused: every rule declares one; Lookahead's inner rule owns the step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>k: how many steps between synchronisations.</summary>
    public float SyncPeriod { get; set; } = 5f;

    /// <summary>α: how far the slow weights move toward the fast ones.</summary>
    public float SlowStepSize { get; set; } = 0.5f;
}
