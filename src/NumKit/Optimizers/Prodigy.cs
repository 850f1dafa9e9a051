namespace NumKit.Optimizers;

/// <summary>Prodigy: Adam whose step size d is estimated as it trains, one d per parameter group, exactly as <c>prodigyopt.Prodigy</c>.</summary>
/// <remarks>
/// <para>
/// Equations, with k the number of steps taken (0 on the first) and u = g (+ λw when the weight decay is coupled):
/// dlr = d · α · bc, bc = √(1 − β₂ᵏ⁺¹) / (1 − β₁ᵏ⁺¹) with bias correction, else 1;
/// m ← β₁m + d(1 − β₁)u; v ← β₂v + d²(1 − β₂)u²; s ← β₃s + (d/d₀) · dlr · u (d/d₀ · d with the safeguard warmup);
/// over every tensor of the group, r ← β₃r + (d/d₀) · dlr · Σ u·(x₀ − w) and D = Σ|s|; d̂ = c · r / D;
/// d_max ← max(d_max, d̂); d ← min(d_max, (max(d, d̂) while d is still d₀, else d) · growth);
/// then w ← w − λ·dlr·w (decoupled decay) and w ← w − dlr · m / (√v + d·ε) with the new d. With β₁ = 0 prodigyopt
/// keeps no m and steps by dlr · d · u with the new d: m then holds u, and the step is dlr · d · m. x₀ is w before the
/// first step; β₃ = √β₂ when <see cref="Beta3"/> is 0. From Mishchenko and Defazio, 2024, "Prodigy: An Expeditiously
/// Adaptive Parameter-Free Learner" (Algorithm 4, the Adam form), as <c>prodigyopt</c> implements it
/// (konstmish/prodigy, <c>prodigyopt/prodigy.py</c>).
/// </para>
/// <para>
/// Two passes over memory per step, each over every tensor of the group: the first updates m, v and s (and sets x₀ on
/// step 1) and accumulates Σ u·(x₀ − w) and Σ|s| over the group's tensors; between the passes the group's r, d_max, d
/// and k are computed; the second moves w. The sums are the language's group reductions (<c>groupsum</c>), added chunk
/// by chunk in tensor order, so every vector width and thread count gives the same bits. d, d_max, r and k are the
/// group's scalar state (<c>ScalarState("d", group)</c>), checkpointed with x₀ and the moments. The raw kernel is
/// two-phase: <c>UpdateGroupPass</c> over each tensor of the group for each pass, <c>FinishGroupPass</c> after each,
/// <c>FinishGroupStep</c> at the end.
/// </para>
/// <para>
/// Departures: prodigyopt shares one d across all its parameter groups (with the first group's d₀, β and growth rate
/// and the largest learning rate); NumKit keeps one d per parameter group, each estimated from its own tensors with
/// its own hyperparameters — one group is prodigyopt exactly. As in prodigyopt, a step whose Σ|s| is 0 (no gradient
/// yet, or <see cref="LearningRate"/> 0) updates the moments (not with α = 0) and leaves w, d, d_max, r and k as they
/// were. prodigyopt's <c>slice_p</c> (statistics over every p-th element) and <c>fsdp_in_use</c> are not offered.
/// Sums over a group are taken in float per chunk of 4096 elements, then in double (prodigyopt: a float dot
/// product per tensor, then Python floats), and (d/d₀)·dlr multiplies the group's sum rather than each tensor's.
/// </para>
/// </remarks>
[Optimizer("""
    init x0 = w
    init d = D0
    init d_max = D0
    b3 = if(Beta3 == 0, sqrt(Beta2), Beta3)
    dlr = d * LearningRate * if(UseBiasCorrection, sqrt(1 - Beta2^(k + 1)) / (1 - Beta1^(k + 1)), 1)
    u = if(DecoupleWeightDecay, g, g + WeightDecay * w)
    m = if(LearningRate > 0, if(Beta1 == 0, u, Beta1 * m + d * (1 - Beta1) * u), m)
    v = if(LearningRate > 0, Beta2 * v + d * d * (1 - Beta2) * u^2, v)
    s = if(LearningRate > 0, b3 * s + (d / D0) * if(SafeguardWarmup, d, dlr) * u, s)
    denominator = if(LearningRate > 0, groupsum(abs(s)), 0)
    numerator = if(denominator == 0, numerator, b3 * numerator + (d / D0) * dlr * groupsum(u * (x0 - w)))
    d_hat = DCoefficient * numerator / denominator
    d_max = if(denominator == 0, d_max, max(d_max, d_hat))
    d = if(denominator == 0, d, min(d_max, if(d == D0, max(d, d_hat), d) * GrowthRate))
    k = if(denominator == 0, k, k + 1)
    w = if(denominator == 0, w, if(DecoupleWeightDecay, w - WeightDecay * dlr * w, w) - dlr * (if(Beta1 == 0, d * m, m) / (sqrt(v) + d * Epsilon)))
    """)]
public partial struct Prodigy
{
    /// <summary>α: scales the estimated step size d (prodigyopt's <c>lr</c>; leave it at 1 unless training is unstable).</summary>
    public float LearningRate { get; set; } = 1f;

    /// <summary>β₁: the decay of the first moment (prodigyopt's <c>betas[0]</c>).</summary>
    [HyperparameterRange(0, 1, MaximumExcluded = true)]
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>β₂: the decay of the second moment (prodigyopt's <c>betas[1]</c>).</summary>
    [HyperparameterRange(0, 1, MaximumExcluded = true)]
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>β₃: the decay of the d estimate's running sums; 0 means √β₂ (prodigyopt's <c>beta3</c>, whose None is √β₂).</summary>
    [HyperparameterRange(0, 1, MaximumExcluded = true)]
    public float Beta3 { get; set; }

    /// <summary>d₀: the initial estimate of d (prodigyopt's <c>d0</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity, MinimumExcluded = true)]
    public float D0 { get; set; } = 1e-6f;

    /// <summary>c: multiplies the estimate d̂ (prodigyopt's <c>d_coef</c>; the preferred knob to tune, 0.5 to 2).</summary>
    [HyperparameterRange(0, float.PositiveInfinity, MinimumExcluded = true)]
    public float DCoefficient { get; set; } = 1f;

    /// <summary>The most d may grow by in one step, as a factor; +∞ (the default) for no limit (prodigyopt's <c>growth_rate</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity, MinimumExcluded = true, PositiveInfinityIncluded = true)]
    public float GrowthRate { get; set; } = float.PositiveInfinity;

    /// <summary>λ: weight decay, decoupled (AdamW's) or coupled (added to g) by <see cref="DecoupleWeightDecay"/> (prodigyopt's <c>weight_decay</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float WeightDecay { get; set; }

    /// <summary>ε, added to √v after it is scaled by d (prodigyopt's <c>eps</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity, MinimumExcluded = true)]
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>Whether the weight decay is AdamW's, w ← w − λ·dlr·w, rather than added to the gradient (prodigyopt's <c>decouple</c>).</summary>
    public bool DecoupleWeightDecay { get; set; } = true;

    /// <summary>Whether dlr carries Adam's bias correction √(1 − β₂ᵏ⁺¹) / (1 − β₁ᵏ⁺¹) (prodigyopt's <c>use_bias_correction</c>).</summary>
    public bool UseBiasCorrection { get; set; }

    /// <summary>Whether s grows by (d/d₀)·d·u, leaving the learning rate out of the d estimate during warm-up (prodigyopt's <c>safeguard_warmup</c>).</summary>
    public bool SafeguardWarmup { get; set; }

    // A running average of squares: never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<Prodigy>.IsNonNegativeState(string state) => state is "v";
}
