namespace NumKit.Optimizers;

/// <summary>RMSProp: each step divided by a running root mean square of the gradients, exactly as <c>torch.optim.RMSprop</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; v ← β·v + (1 − β)·d²; w ← w − α·d / (√v + ε). From Tieleman
/// and Hinton, 2012, "Lecture 6.5 — RMSProp" (Coursera, Neural Networks for Machine Learning); there
/// is no paper.
/// </para>
/// <para>
/// Departures: ε is added outside the square root, as PyTorch does; Keras, TensorFlow and optax's
/// <c>scale_by_rms</c> put it inside (√(v + ε)), which matters while v is tiny (and Keras's ε is
/// 1e-7). β is PyTorch's <c>alpha</c> and defaults to PyTorch's 0.99 (Keras and the course use
/// 0.9). PyTorch's <c>momentum</c> option is not offered (it would cost a third
/// buffer on every step); <c>centered=True</c> is <see cref="RmsPropCentered"/>. Weight decay is
/// L2, added to the gradient, as in PyTorch.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.RMSprop does
    v = Beta * v + (1 - Beta) * d * d
    w = w - LearningRate * d / (sqrt(v) + Epsilon)     # ε outside the root, as PyTorch
    """)]
public partial struct RmsProp
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-2f;

    /// <summary>The averaging factor β of the squared gradients (PyTorch's <c>alpha</c>).</summary>
    public float Beta { get; set; } = 0.99f;

    /// <summary>Added to √v so the step stays finite where v is zero (PyTorch's <c>eps</c>).</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (0 ≤ β ≤ 1 (past 1, v could turn negative), ε ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<RmsProp>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta) => HyperparameterRange.UnitInterval,
        nameof(Epsilon) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<RmsProp>.IsNonNegativeState(string state) => state is "v";
}
