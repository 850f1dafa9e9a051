namespace NumKit.Optimizers;

/// <summary>Adam: momentum over a running second moment, both bias-corrected, exactly as <c>torch.optim.Adam</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; m ← β1·m + (1 − β1)·d; v ← β2·v + (1 − β2)·d²;
/// w ← w − α/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε). From Kingma and Ba, 2015, "Adam: A Method for
/// Stochastic Optimization", Algorithm 1, where the last line is w ← w − α·m̂ / (√v̂ + ε) with
/// m̂ = m / (1 − β1^t) and v̂ = v / (1 − β2^t): the same number in exact arithmetic.
/// </para>
/// <para>
/// The update is written in PyTorch 1.13's order — step size α / (1 − β1^t) computed once per
/// step, denominator √v / √(1 − β2^t) + ε — so it rounds in PyTorch's operation order. Departures: Keras
/// (and the paper's closing remark) use "ε-hat": α_t = α·√(1 − β2^t)/(1 − β1^t) and
/// w ← w − α_t·m / (√v + ε̂), so Keras's ε̂ acts as ε = ε̂ / √(1 − β2^t) here: a larger ε in the
/// first steps (and Keras's default is 1e-7). optax's <c>adam</c> matches this form (its
/// <c>eps_root</c>, inside the root, defaults to 0). Weight decay here is L2, added to the gradient
/// before the moments (coupled), as in <c>torch.optim.Adam(weight_decay=λ)</c>; for decoupled weight
/// decay use <see cref="AdamW"/>. <c>amsgrad=True</c> is <see cref="AmsGrad"/>. <c>maximize</c> is
/// not offered: negate the gradients instead.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, coupled to the gradient as in torch.optim.Adam
    m = Beta1 * m + (1 - Beta1) * d
    v = Beta2 * v + (1 - Beta2) * d * d
    w = w - LearningRate / (1 - Beta1^t) * m / (sqrt(v) / sqrt(1 - Beta2^t) + Epsilon)    # PyTorch's order
    """)]
public partial struct Adam
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The decay rate β1 of the first moment (the momentum).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to the bias-corrected √v so the step stays finite where v is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w (coupled: it passes through the moments).</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ β < 1 (β2 = 1 with ε = 0 divides zero by zero), ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Adam>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<Adam>.IsNonNegativeState(string state) => state is "v";
}
