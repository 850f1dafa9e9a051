namespace NumKit.Optimizers;

/// <summary>Adamax: Adam with the infinity norm in place of the second moment, exactly as <c>torch.optim.Adamax</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; m ← β1·m + (1 − β1)·d; u ← max(β2·u, |d| + ε);
/// w ← w − α/(1 − β1^t) · m / u. From Kingma and Ba, 2015, "Adam: A Method for Stochastic
/// Optimization", section 7.1 (Algorithm 2).
/// </para>
/// <para>
/// Departures: the paper has no ε (u ← max(β2·u, |g|)); PyTorch adds ε to |d| inside the maximum so u
/// is never zero, and NumKit follows PyTorch. Keras instead keeps the paper's u and adds ε to the
/// denominator (m / (u + ε)), and its default ε is 1e-7. Weight decay is L2, added to the gradient,
/// as in PyTorch.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.Adamax does
    m = Beta1 * m + (1 - Beta1) * d
    u = max(Beta2 * u, abs(d) + Epsilon)     # ε inside the max, as PyTorch
    w = w - LearningRate / (1 - Beta1^t) * m / u
    """)]
public partial struct Adamax
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 2e-3f;

    /// <summary>The decay rate β1 of the first moment (the momentum).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the infinity norm u.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to |d| inside the maximum so u is never zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ β < 1, ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Adamax>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<Adamax>.IsNonNegativeState(string state) => state is "u";
}
