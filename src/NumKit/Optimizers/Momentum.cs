namespace NumKit.Optimizers;

/// <summary>
/// Gradient descent with momentum in the course's form: an exponentially weighted average of the
/// gradients, V ← β·V + (1 − β)·g, then w ← w − α·V. PyTorch's SGD momentum (SgdMomentum)
/// differs: it drops the (1 − β) factor (so its α is effectively smaller by 1 − β) and starts V at g.
/// </summary>
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
}
