namespace NumKit.Optimizers;

/// <summary>AMSGrad: Adam whose second moment never decreases, exactly as <c>torch.optim.Adam(amsgrad=True)</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; m ← β1·m + (1 − β1)·d; v ← β2·v + (1 − β2)·d²;
/// vmax ← max(vmax, v); w ← w − α/(1 − β1^t) · m / (√vmax / √(1 − β2^t) + ε). From Reddi, Kale and
/// Kumar, 2018, "On the Convergence of Adam and Beyond", Algorithm 2.
/// </para>
/// <para>
/// Departures: the paper has no bias correction; PyTorch 1.13 (and so NumKit) takes the maximum
/// over the raw second moment v and then bias-corrects it with the current step's √(1 − β2^t), in
/// Adam's order (see <see cref="Adam"/>). optax's <c>scale_by_amsgrad</c> takes the maximum over the
/// bias-corrected v̂ instead, which differs in the first steps. Keras's <c>amsgrad=True</c> takes it
/// over the raw v, as here, but with its ε-hat. Weight decay is L2, coupled, as in PyTorch's Adam.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, coupled to the gradient as in torch.optim.Adam
    m = Beta1 * m + (1 - Beta1) * d
    v = Beta2 * v + (1 - Beta2) * d * d
    vmax = max(vmax, v)              # over the raw second moment, as PyTorch 1.13
    w = w - LearningRate / (1 - Beta1^t) * m / (sqrt(vmax) / sqrt(1 - Beta2^t) + Epsilon)
    """)]
public partial struct AmsGrad
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The decay rate β1 of the first moment (the momentum).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to the bias-corrected √vmax so the step stays finite where it is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w (coupled: it passes through the moments).</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ β < 1, ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<AmsGrad>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<AmsGrad>.IsNonNegativeState(string state) => state is "v" or "vmax";
}
