namespace NumKit.Optimizers;

/// <summary>Lion: steps of equal size in every coordinate, in the sign of an interpolated momentum (Chen et al., 2023).</summary>
/// <remarks>
/// <para>
/// Equations, per step: c = β1·m + (1 − β1)·g; w ← w − α·(sign(c) + λ·w); m ← β2·m + (1 − β2)·g.
/// From Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms", Program 1 and Algorithm 2.
/// </para>
/// <para>
/// PyTorch 1.13 has no Lion; the reference numbers are a float64 transcription of the paper, and the
/// equations are the paper's, including where the decoupled weight decay goes. lucidrains'
/// <c>lion-pytorch</c> applies the decay first as w ← w·(1 − α·λ), the same in exact arithmetic.
/// sign(0) is 0, as <c>torch.sign</c>. Defaults are <c>lion-pytorch</c>'s, with the paper's β1 = 0.9
/// and β2 = 0.99: α = 1e-4 and λ = 0 (the paper advises an α 3 to 10 times smaller than AdamW's,
/// with a λ 3 to 10 times larger).
/// </para>
/// </remarks>
[Optimizer("""
    c = Beta1 * m + (1 - Beta1) * g  # the interpolation whose sign is the step
    w = w - LearningRate * (sign(c) + WeightDecay * w)     # decoupled weight decay, as the paper
    m = Beta2 * m + (1 - Beta2) * g
    """)]
public partial struct Lion
{
    /// <summary>The step size α: every coordinate moves by α (plus the decay).</summary>
    public float LearningRate { get; set; } = 1e-4f;

    /// <summary>The interpolation factor β1 between the momentum and the current gradient, for the step's sign.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the momentum m.</summary>
    public float Beta2 { get; set; } = 0.99f;

    /// <summary>The decoupled weight decay λ.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (0 ≤ β ≤ 1, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Lion>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) or nameof(Beta2) => HyperparameterRange.UnitInterval,
        nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };
}
