namespace NumKit.Optimizers;

/// <summary>
/// Plain (stochastic, mini-batch or batch) gradient descent: w ← w − α·(g + λ·w), as
/// <c>torch.optim.SGD</c> without momentum. With a mini-batch of the whole training set this is
/// batch gradient descent; with one example, stochastic gradient descent.
/// </summary>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.SGD does
    w = w - LearningRate * d
    """)]
public partial struct Sgd
{
    /// <summary>The step size α.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }
}
