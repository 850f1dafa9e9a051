using System;
using System.Collections.Generic;
using NumKit.Kernels;

namespace NumKit.Optimizers;

/// <summary>
/// Lookahead over any rule, as Zhang et al., 2019, "Lookahead Optimizer: k steps forward, 1 step back": the inner
/// rule steps the parameters (the fast weights); every <see cref="SyncPeriod"/> steps the slow weights move toward
/// them and the parameters restart from there.
/// </summary>
/// <remarks>
/// <para>
/// Equations, per step t: the inner rule's step of w (its state and its step count carry on, never reset); then, if
/// t mod k = 0: slow ← slow + α·(w − slow); w ← slow. The slow weights start at w₀ (the paper's φ₀ = θ₀; optax's
/// <c>lookahead</c> with synced initial parameters). The periodic half is declared in the equation language
/// (<c>LookaheadSync</c>, with <c>every SyncPeriod</c>), so on the other steps nothing beyond the inner step runs.
/// </para>
/// <para>
/// Departures: none from the paper's Algorithm 1. optax can also reset the inner state at each sync
/// (<c>reset_state</c>); the paper does not, and neither does this. State: the inner rule's buffers (named as the
/// inner rule names them), then <c>slow</c> (or <c>lookahead_slow</c> if the inner rule has a <c>slow</c>);
/// checkpoints hold both. Hyperparameters: the inner rule's, then SyncPeriod and SlowStepSize; LearningRate is the
/// inner rule's, so schedules drive it.
/// </para>
/// <code>
/// var optimizer = new Optimizer&lt;Lookahead&lt;Adam&gt;&gt;(Lookahead.Over(new Adam { LearningRate = 1e-3f }), layout);
/// optimizer.Rule.SyncPeriod = 6;
/// </code>
/// </remarks>
/// <typeparam name="TInner">The rule that steps the fast weights: a catalog rule or your own.</typeparam>
public struct Lookahead<TInner> : IOptimizerRule<Lookahead<TInner>>
    where TInner : struct, IOptimizerRule<TInner>
{
    private static readonly string[] s_stateNames = Append(TInner.StateNames, Contains(TInner.StateNames, "slow") ? "lookahead_slow" : "slow");
    private static readonly string[] s_hyperparameterNames = Append(TInner.HyperparameterNames, nameof(SyncPeriod), nameof(SlowStepSize));
    private static readonly string s_equations =
        $"# Lookahead over {typeof(TInner).Name}: its step of w, then every SyncPeriod steps the slow weights\n{TInner.Equations}\n{LookaheadSync.Equations}";

    /// <summary>Creates Lookahead over the inner rule's defaults, with k = 5 and α = 0.5.</summary>
    public Lookahead()
    {
        Inner = new TInner();
    }

    /// <summary>The rule that steps the fast weights, with its hyperparameters (change one: <c>optimizer.Rule.Inner = optimizer.Rule.Inner with { Beta1 = 0.95f }</c>).</summary>
    public TInner Inner { get; set; }

    /// <summary>k: how many inner steps between synchronisations (a whole number, 1 or more).</summary>
    public float SyncPeriod { get; set; } = 5f;

    /// <summary>α: how far the slow weights move toward the fast ones at a synchronisation (0 to 1).</summary>
    public float SlowStepSize { get; set; } = 0.5f;

    /// <summary>The inner rule's learning rate, so schedules and <c>optimizer.LearningRate</c> drive it.</summary>
    public float LearningRate
    {
        readonly get => Inner.LearningRate;
        set
        {
            TInner inner = Inner;
            inner.LearningRate = value;
            Inner = inner;
        }
    }

    static string IOptimizerRule<Lookahead<TInner>>.Equations => s_equations;

    static IReadOnlyList<string> IOptimizerRule<Lookahead<TInner>>.StateNames => s_stateNames;

    static IReadOnlyList<string> IOptimizerRule<Lookahead<TInner>>.ScalarStateNames => TInner.ScalarStateNames;

    static IReadOnlyList<string> IOptimizerRule<Lookahead<TInner>>.HyperparameterNames => s_hyperparameterNames;

    static bool IOptimizerRule<Lookahead<TInner>>.HasComputedHyperparameters => TInner.HasComputedHyperparameters;

    // SyncPeriod: 1 or more (the kernel also refuses a fraction); SlowStepSize: [0, 1], the paper's α.
    static HyperparameterRange IOptimizerRule<Lookahead<TInner>>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(SyncPeriod) => new HyperparameterRange(1, int.MaxValue),
        nameof(SlowStepSize) => HyperparameterRange.UnitInterval,
        _ => TInner.RangeOf(hyperparameter),
    };

    static bool IOptimizerRule<Lookahead<TInner>>.IsNonNegativeState(string state) => state != s_stateNames[^1] && TInner.IsNonNegativeState(state);

    static StateStorage IOptimizerRule<Lookahead<TInner>>.DefaultStateStorage(int index)
        => index < TInner.StateNames.Count ? TInner.DefaultStateStorage(index) : StateStorage.Float32;

    // The inner rule's options are Lookahead's (it has none of its own), so checkpoints restore them too.
    static IReadOnlyList<string> IOptimizerRule<Lookahead<TInner>>.OptionNames => TInner.OptionNames;

    readonly bool IOptimizerRule<Lookahead<TInner>>.GetOption(int index) => Inner.GetOption(index);

    void IOptimizerRule<Lookahead<TInner>>.SetOption(int index, bool value)
    {
        TInner rule = Inner;
        rule.SetOption(index, value);
        Inner = rule;
    }

    readonly float IOptimizerRule<Lookahead<TInner>>.GetHyperparameter(int index)
    {
        int inner = TInner.HyperparameterNames.Count;
        return index < inner ? Inner.GetHyperparameter(index) : index == inner ? SyncPeriod : index == inner + 1 ? SlowStepSize : throw OutOfRange(index);
    }

    void IOptimizerRule<Lookahead<TInner>>.SetHyperparameter(int index, float value)
    {
        int inner = TInner.HyperparameterNames.Count;
        if (index < inner)
        {
            TInner rule = Inner;
            rule.SetHyperparameter(index, value);
            Inner = rule;
        }
        else if (index == inner)
        {
            SyncPeriod = value;
        }
        else if (index == inner + 1)
        {
            SlowStepSize = value;
        }
        else
        {
            throw OutOfRange(index);
        }
    }

    // The slow weights start from w: the step copies w into them before the inner rule's first step.
    readonly double IOptimizerRule<Lookahead<TInner>>.InitialState(int index)
        => index < TInner.StateNames.Count ? Inner.InitialState(index) : 0.0;

    readonly double IOptimizerRule<Lookahead<TInner>>.InitialScalarState(int index) => Inner.InitialScalarState(index);

    static void IOptimizerRule<Lookahead<TInner>>.Step(in Lookahead<TInner> rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, Span<double> scalarState)
    {
        RequireOnePass();
        Span<float> slow = Prepare(in rule, t, w, g, state, stateStride);
        TInner.Step(rule.Inner, t, w, g, state, stateStride, scalarState);
        LookaheadSync.Update(Sync(in rule), t, w, g, slow);
    }

    static void IOptimizerRule<Lookahead<TInner>>.Step(in Lookahead<TInner> rule, int t, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, Span<double> scalarState)
    {
        RequireOnePass();
        Span<double> slow = Prepare(in rule, t, w, g, state, stateStride);
        TInner.Step(rule.Inner, t, w, g, state, stateStride, scalarState);
        LookaheadSync.Update(Sync(in rule), t, w, g, slow);
    }

    // An inner rule that reduces (over each tensor: Lamb, Lars; over each group: Prodigy) is stepped pass by pass, as
    // Optimizer<TRule> steps it: each pass is the inner rule's over the same slice, and after the inner rule's last
    // pass over a slice (nothing reads its w after that) the periodic half runs over it. The slow weights start from
    // w₀ in pass 1, before any pass changes w.
    static int IOptimizerRule<Lookahead<TInner>>.PassCount => TInner.PassCount;

    static int IOptimizerRule<Lookahead<TInner>>.ReductionCount => TInner.ReductionCount;

    static int IOptimizerRule<Lookahead<TInner>>.TensorValueCount => TInner.TensorValueCount;

    static bool IOptimizerRule<Lookahead<TInner>>.ReducesOverGroups => TInner.ReducesOverGroups;

    static void IOptimizerRule<Lookahead<TInner>>.StepPass(int pass, in Lookahead<TInner> rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> tensorValues, Span<double> partials)
    {
        Span<float> slow = Prepare(in rule, t, w, g, state, stateStride, startSlow: pass == 1);
        TInner.StepPass(pass, rule.Inner, t, w, g, state, stateStride, scalarState, tensorValues, partials);
        if (pass == TInner.PassCount)
        {
            LookaheadSync.Update(Sync(in rule), t, w, g, slow);
        }
    }

    static void IOptimizerRule<Lookahead<TInner>>.StepPass(int pass, in Lookahead<TInner> rule, int t, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> tensorValues, Span<double> partials)
    {
        Span<double> slow = Prepare(in rule, t, w, g, state, stateStride, startSlow: pass == 1);
        TInner.StepPass(pass, rule.Inner, t, w, g, state, stateStride, scalarState, tensorValues, partials);
        if (pass == TInner.PassCount)
        {
            LookaheadSync.Update(Sync(in rule), t, w, g, slow);
        }
    }

    static void IOptimizerRule<Lookahead<TInner>>.FoldPartials(int pass, ReadOnlySpan<double> partials, int chunks, Span<double> sums)
        => TInner.FoldPartials(pass, partials, chunks, sums);

    static void IOptimizerRule<Lookahead<TInner>>.FinishPass(int pass, in Lookahead<TInner> rule, int t, int count, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> sums, Span<double> tensorValues)
        => TInner.FinishPass(pass, rule.Inner, t, count, scalarState, sums, tensorValues);

    static void IOptimizerRule<Lookahead<TInner>>.FinishStep(in Lookahead<TInner> rule, int t, Span<double> scalarState)
        => TInner.FinishStep(rule.Inner, t, scalarState);

    static void IOptimizerRule<Lookahead<TInner>>.FinishGroupStep(in Lookahead<TInner> rule, int t, ReadOnlySpan<double> groupValues, Span<double> scalarState)
        => TInner.FinishGroupStep(rule.Inner, t, groupValues, scalarState);

    // Checks what the inner kernel cannot see (the slow buffer, the period) before anything is written, and on the
    // first step starts the slow weights at w₀ — before the inner step changes w.
    private static Span<T> Prepare<T>(in Lookahead<TInner> rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stateStride, bool startSlow = true)
    {
        int inner = TInner.StateNames.Count;
        KernelGuard.RequireStep(t);
        KernelGuard.RequireLength(g.Length, w.Length, "g");
        KernelGuard.RequirePackedState(state.Length, inner + 1, w.Length, stateStride, nameof(state));
        KernelGuard.RequirePeriod(rule.SyncPeriod, nameof(SyncPeriod));
        Span<T> slow = state.Slice(inner * stateStride, w.Length);
        KernelGuard.RequireDisjoint<T>(w, slow, "w", "slow");
        KernelGuard.RequireDisjoint<T>(g, slow, "g", "slow");
        if (t == 1 && startSlow)
        {
            w.CopyTo(slow);
        }

        return slow;
    }

    // The one-call Step of an inner rule that reduces would run its reductions over the whole range it is given
    // (across tensors): Optimizer<TRule> steps such a Lookahead pass by pass instead (StepPass), and its Step refuses.
    private static void RequireOnePass()
    {
        if (TInner.PassCount > 1 || TInner.ReducesOverGroups)
        {
            throw new NotSupportedException(
                $"Lookahead<{typeof(TInner).Name}>.Step: {typeof(TInner).Name} reduces over each tensor or group in {TInner.PassCount} passes; step it with Optimizer<TRule>, which runs StepPass.");
        }
    }

    private static LookaheadSync Sync(in Lookahead<TInner> rule) => new() { SyncPeriod = rule.SyncPeriod, SlowStepSize = rule.SlowStepSize };

    private static ArgumentOutOfRangeException OutOfRange(int index)
        => new(nameof(index), index, $"Lookahead<{typeof(TInner).Name}> has {s_hyperparameterNames.Length} hyperparameter(s).");

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (string n in names)
        {
            if (n == name)
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Append(IReadOnlyList<string> names, params string[] more)
    {
        var result = new string[names.Count + more.Length];
        for (int i = 0; i < names.Count; i++)
        {
            result[i] = names[i];
        }

        more.CopyTo(result, names.Count);
        return result;
    }
}
