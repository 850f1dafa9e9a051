namespace NumKit.Optimizers;

/// <summary>Gradient descent with momentum in the course's form: an exponentially weighted average V of the gradients, then w ← w − α·V.</summary>
/// <remarks>
/// <para>
/// Equations, per step: V ← β·V + (1 − β)·g, then w ← w − α·V, with V starting at 0 (the form of
/// the deeplearning.ai course "Improving Deep Neural Networks"; the idea is Polyak's, 1964, "Some
/// methods of speeding up the convergence of iteration methods").
/// </para>
/// <para>
/// Departures: this is not <c>torch.optim.SGD(momentum=β)</c> (that is <see cref="SgdMomentum"/>):
/// PyTorch drops the (1 − β) factor, so its step is 1 / (1 − β) times larger for the same α, and it
/// starts V at the first gradient instead of at 0. Keras's momentum (v ← βv − α·g) folds α into V,
/// which differs again once α changes during training. No bias correction: the first steps are
/// short by a factor 1 − β^t, as in the course. PyTorch has no such optimizer; the reference numbers
/// are a float64 transcription of the course's equations.
/// </para>
/// </remarks>
[Optimizer("""
    V = Beta * V + (1 - Beta) * g
    w = w - LearningRate * V
    """)]
public partial struct Momentum
{
    /// <summary>The step size α.</summary>
    public float LearningRate { get; set; } = 1e-2f;

    /// <summary>The averaging factor β: the average spans about 1 / (1 − β) gradients (10 for 0.9).</summary>
    public float Beta { get; set; } = 0.9f;

    // The hyperparameters' ranges (0 ≤ β ≤ 1: V is a weighted average of gradients); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Momentum>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta) => HyperparameterRange.UnitInterval,
        _ => HyperparameterRange.Default(hyperparameter),
    };
}
