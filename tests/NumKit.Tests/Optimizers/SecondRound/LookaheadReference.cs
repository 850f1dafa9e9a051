namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Lookahead (Zhang et al. 2019, "Lookahead Optimizer: k steps forward, 1 step back", Algorithm 1;
/// also <c>optax.lookahead</c> with <c>reset_state</c> false) over any inner rule: the parameters are
/// the fast weights; every SyncPeriod steps the slow weights move toward them and the fast weights
/// restart from there.
/// </summary>
/// <remarks>
/// Per step t: the inner rule steps the fast weights w (its own step count and state carry on
/// across synchronisations, never reset); then if t mod SyncPeriod = 0:
/// slow ← slow + SlowStepSize·(w − slow); w ← slow. The slow weights start at w₀ (the paper's
/// φ₀ = θ₀; optax's <c>LookaheadParams.init_synced</c>).
/// </remarks>
public sealed class LookaheadReference(TensorListReference inner, LookaheadReference.Config config)
    : TensorListReference(inner.Tensors)
{
    /// <summary>The hyperparameters, by the contract's names (optax's <c>sync_period</c>, <c>slow_step_size</c>; the paper's k and α).</summary>
    public sealed record Config
    {
        public double SyncPeriod { get; init; } = 5;
        public double SlowStepSize { get; init; } = 0.5;
    }

    private double[]? _slow;

    /// <summary>The inner rule, which steps the fast weights.</summary>
    public TensorListReference Inner { get; } = inner;

    /// <summary>The slow weights after the last step (null before the first).</summary>
    public double[]? Slow => _slow;

    protected override void Apply(int t, double[] w, double[] g)
    {
        _slow ??= (double[])w.Clone();
        Inner.Step(w, g);
        if (t % (int)config.SyncPeriod == 0)
        {
            for (int i = 0; i < Count; i++)
            {
                _slow[i] += config.SlowStepSize * (w[i] - _slow[i]);
                w[i] = _slow[i];
            }
        }
    }
}
