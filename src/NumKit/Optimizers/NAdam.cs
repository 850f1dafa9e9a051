namespace NumKit.Optimizers;

/// <summary>NAdam: Adam with Nesterov momentum and a warming momentum schedule, exactly as <c>torch.optim.NAdam</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; μ_t = β1·(1 − ½·0.96^(t·ψ)) and μ_{t+1} likewise;
/// Π ← Π·μ_t (the running product, starting at 1); m ← β1·m + (1 − β1)·d; v ← β2·v + (1 − β2)·d²;
/// denom = √(v / (1 − β2^t)) + ε; then
/// w ← w − α·(1 − μ_t)/(1 − Π) · d / denom − α·μ_{t+1}/(1 − Π·μ_t·μ_{t+1}) · m / denom.
/// From Dozat, 2016, "Incorporating Nesterov Momentum into Adam", Algorithm 2, with ψ = 0.004 the
/// schedule's 1/250.
/// </para>
/// <para>
/// The running product Π is per-step scalar state (<c>mu_product</c>, PyTorch's name), not a buffer.
/// Departures: this is PyTorch 1.13's NAdam, the reference, and it departs from the paper in one
/// place: the product in the second term's denominator is Π·μ_t·μ_{t+1}, counting μ_t twice (1.13
/// computes <c>mu_product_next = mu_product * mu * mu_next</c> after <c>mu_product</c> already took
/// μ_t), where the paper's Π_{i≤t+1} μ_i is Π·μ_{t+1}, as later PyTorch releases compute it. With
/// the defaults the first step is 0.7% shorter than the paper's; the difference fades as Π shrinks. The two updates of w are
/// PyTorch's two <c>addcdiv_</c> calls, in that order, with ε outside the root of the bias-corrected
/// v. PyTorch keeps Π in a float32 tensor;
/// NumKit keeps it in double (the difference is far below float precision of w). Keras's Nadam uses
/// the same schedule with ψ fixed at 0.004 and ε = 1e-7; optax's <c>nadam</c> uses a constant β1
/// (no schedule). Weight decay is L2, coupled, as in PyTorch 1.13 (its later
/// <c>decoupled_weight_decay</c> option is not offered).
/// </para>
/// </remarks>
[Optimizer("""
    init mu_product = 1
    d = g + WeightDecay * w          # L2 weight decay, coupled to the gradient as in torch.optim.NAdam
    mu = Beta1 * (1 - 0.5 * 0.96^(t * MomentumDecay))
    mu_next = Beta1 * (1 - 0.5 * 0.96^((t + 1) * MomentumDecay))
    mu_product = mu_product * mu     # per-step state: the product of every step's momentum coefficient
    m = Beta1 * m + (1 - Beta1) * d
    v = Beta2 * v + (1 - Beta2) * d * d
    denom = sqrt(v / (1 - Beta2^t)) + Epsilon
    w = w - LearningRate * (1 - mu) / (1 - mu_product) * d / denom
    w = w - LearningRate * mu_next / (1 - mu_product * mu * mu_next) * m / denom    # PyTorch 1.13 counts mu twice here
    """)]
public partial struct NAdam
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 2e-3f;

    /// <summary>The decay rate β1 of the first moment, which the momentum schedule scales.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to the bias-corrected √v so the step stays finite where v is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w (coupled).</summary>
    public float WeightDecay { get; set; }

    /// <summary>ψ in the momentum schedule μ_t = β1·(1 − ½·0.96^(t·ψ)) (PyTorch's <c>momentum_decay</c>).</summary>
    public float MomentumDecay { get; set; } = 4e-3f;

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ β < 1, ε ≥ 0, weight decay ≥ 0, momentum decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<NAdam>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) or nameof(MomentumDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<NAdam>.IsNonNegativeState(string state) => state is "v";
}
