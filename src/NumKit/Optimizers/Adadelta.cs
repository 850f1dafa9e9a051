namespace NumKit.Optimizers;

/// <summary>Adadelta: steps scaled by the ratio of running root mean squares of past steps and of gradients, exactly as <c>torch.optim.Adadelta</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; E[g²] ← ρ·E[g²] + (1 − ρ)·d²;
/// Δx = √(E[Δx²] + ε) / √(E[g²] + ε) · d; E[Δx²] ← ρ·E[Δx²] + (1 − ρ)·Δx²; w ← w − α·Δx.
/// From Zeiler, 2012, "ADADELTA: An Adaptive Learning Rate Method", Algorithm 1.
/// </para>
/// <para>
/// Departures: the paper has no learning rate (α = 1, PyTorch's default); PyTorch multiplies the
/// step by α, and so does NumKit. ε is inside both roots, as in the paper and PyTorch. Keras's
/// defaults differ (α = 0.001, ρ = 0.95, ε = 1e-7). Weight decay is L2, added to the gradient, as in
/// PyTorch.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.Adadelta does
    Eg2 = Rho * Eg2 + (1 - Rho) * d * d
    dx = sqrt(Edx2 + Epsilon) / sqrt(Eg2 + Epsilon) * d
    Edx2 = Rho * Edx2 + (1 - Rho) * dx * dx
    w = w - LearningRate * dx
    """)]
public partial struct Adadelta
{
    /// <summary>The step multiplier α; the paper has none (α = 1).</summary>
    public float LearningRate { get; set; } = 1f;

    /// <summary>The averaging factor ρ of both running means.</summary>
    public float Rho { get; set; } = 0.9f;

    /// <summary>Added inside both roots so the first steps and flat regions stay finite.</summary>
    public float Epsilon { get; set; } = 1e-6f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: 0 ≤ ρ ≤ 1, ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Adadelta>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Rho) => HyperparameterRange.UnitInterval,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<Adadelta>.IsNonNegativeState(string state) => state is "Eg2" or "Edx2";
}
