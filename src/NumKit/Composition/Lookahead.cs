namespace NumKit.Optimizers;

/// <summary>
/// Builds a <see cref="Lookahead{TInner}"/> around any rule:
/// <c>new Optimizer&lt;Lookahead&lt;Adam&gt;&gt;(Lookahead.Over(new Adam { LearningRate = 1e-3f }), layout)</c>.
/// </summary>
public static class Lookahead
{
    /// <summary>Lookahead over <paramref name="inner"/>: k = <paramref name="syncPeriod"/> fast steps, then the slow weights move α = <paramref name="slowStepSize"/> of the way.</summary>
    /// <typeparam name="TInner">The rule that steps the fast weights: a catalog rule or your own.</typeparam>
    public static Lookahead<TInner> Over<TInner>(TInner inner, float syncPeriod = 5f, float slowStepSize = 0.5f)
        where TInner : struct, IOptimizerRule<TInner>
        => new() { Inner = inner, SyncPeriod = syncPeriod, SlowStepSize = slowStepSize };
}
