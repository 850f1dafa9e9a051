namespace NumKit.Optimizers;

/// <summary>AdamW: Adam with decoupled weight decay, exactly as <c>torch.optim.AdamW</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: w ← w·(1 − α·λ) first; then, from the raw gradient g,
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; w ← w − α/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε).
/// From Loshchilov and Hutter, 2019, "Decoupled Weight Decay Regularization", Algorithm 2.
/// </para>
/// <para>
/// Departures: the paper scales the decay by the schedule multiplier η_t only (w ← w − η_t·λ·w),
/// independent of α; PyTorch, Keras and optax scale it by the learning rate α, so α·λ is the
/// per-step shrink. The decay is applied before the Adam step (PyTorch's order; it uses the weights
/// of before the step, as the paper does). Defaults are PyTorch's, including λ = 0.01 (Keras's
/// AdamW defaults to 0.004, optax's <c>adamw</c> to 1e-4). The Adam part is written in PyTorch's
/// order (see <see cref="Adam"/>).
/// </para>
/// </remarks>
[Optimizer("""
    w = w * (1 - LearningRate * WeightDecay)     # decoupled weight decay, before the Adam step, as torch.optim.AdamW
    m = Beta1 * m + (1 - Beta1) * g
    v = Beta2 * v + (1 - Beta2) * g * g
    w = w - LearningRate / (1 - Beta1^t) * m / (sqrt(v) / sqrt(1 - Beta2^t) + Epsilon)
    """)]
public partial struct AdamW
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The decay rate β1 of the first moment (the momentum).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to the bias-corrected √v so the step stays finite where v is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The decoupled weight decay λ: each step first shrinks w by the factor 1 − α·λ.</summary>
    public float WeightDecay { get; set; } = 1e-2f;

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ β < 1, ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<AdamW>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<AdamW>.IsNonNegativeState(string state) => state is "v";
}
