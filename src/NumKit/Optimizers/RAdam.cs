namespace NumKit.Optimizers;

/// <summary>RAdam: Adam whose adaptive step is switched on, and rectified, once its variance is tractable, exactly as <c>torch.optim.RAdam</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; m ← β1·m + (1 − β1)·d; v ← β2·v + (1 − β2)·d²;
/// m̂ = m / (1 − β1^t); ρ∞ = 2/(1 − β2) − 1; ρ_t = ρ∞ − 2·t·β2^t/(1 − β2^t); if ρ_t &gt; 5,
/// r = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)) and w ← w − m̂·α·(√(1 − β2^t)/(√v + ε))·r;
/// otherwise w ← w − m̂·α (momentum SGD). From Liu et al., 2020, "On the Variance of the Adaptive
/// Learning Rate and Beyond", Algorithm 2.
/// </para>
/// <para>
/// Departures: the paper switches on at ρ_t &gt; 4 and has no ε (its adaptive rate is
/// √((1 − β2^t)/v)); PyTorch, and so NumKit, use ρ_t &gt; 5 and add ε to √v. optax's <c>radam</c>
/// also uses 5. The products are in PyTorch 1.13's order, including its reciprocal: Python's
/// <c>scalar / tensor</c> is <c>tensor.reciprocal() * scalar</c>. Weight decay is L2, coupled, as in
/// PyTorch 1.13 (its later <c>decoupled_weight_decay</c> option is not offered).
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, coupled to the gradient as in torch.optim.RAdam
    m = Beta1 * m + (1 - Beta1) * d
    v = Beta2 * v + (1 - Beta2) * d * d
    mhat = m / (1 - Beta1^t)
    rho_inf = 2 / (1 - Beta2) - 1
    rho_t = rho_inf - 2 * t * Beta2^t / (1 - Beta2^t)
    rectified = rho_t > 5            # PyTorch's threshold; the paper's is 4
    rect = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    w = w - if(rectified, mhat * LearningRate * (1 / (sqrt(v) + Epsilon) * sqrt(1 - Beta2^t)) * rect, mhat * LearningRate)
    """)]
public partial struct RAdam
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The decay rate β1 of the first moment (the momentum).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment; it also sets ρ∞ = 2/(1 − β2) − 1.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to √v so the rectified step stays finite where v is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w (coupled).</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ β < 1, ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<RAdam>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<RAdam>.IsNonNegativeState(string state) => state is "v";
}
