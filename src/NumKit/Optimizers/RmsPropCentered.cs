namespace NumKit.Optimizers;

/// <summary>Centered RMSProp: each step divided by a running standard deviation of the gradients, exactly as <c>torch.optim.RMSprop(centered=True)</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; v ← β·v + (1 − β)·d²; m ← β·m + (1 − β)·d;
/// w ← w − α·d / (√(v − m²) + ε). From Graves, 2013, "Generating Sequences With Recurrent Neural
/// Networks", equations 38 to 45.
/// </para>
/// <para>
/// Departures: Graves puts ε inside the root (√(v − m² + ε)) and always uses momentum; PyTorch,
/// and so NumKit, add ε outside the root and drop the momentum (PyTorch's optional <c>momentum</c>
/// is not offered here). Keras's <c>centered=True</c> follows Graves in putting ε inside the root.
/// β is PyTorch's <c>alpha</c>, default 0.99.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.RMSprop does
    v = Beta * v + (1 - Beta) * d * d
    m = Beta * m + (1 - Beta) * d    # the running mean of the gradients, subtracted to center v
    w = w - LearningRate * d / (sqrt(v - m * m) + Epsilon)     # ε outside the root, as PyTorch
    """)]
public partial struct RmsPropCentered
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-2f;

    /// <summary>The averaging factor β of the gradients and their squares (PyTorch's <c>alpha</c>).</summary>
    public float Beta { get; set; } = 0.99f;

    /// <summary>Added to the running standard deviation so the step stays finite where it is zero (PyTorch's <c>eps</c>).</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (0 ≤ β ≤ 1 (past 1, v could turn negative), ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<RmsPropCentered>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta) => HyperparameterRange.UnitInterval,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<RmsPropCentered>.IsNonNegativeState(string state) => state is "v";
}
