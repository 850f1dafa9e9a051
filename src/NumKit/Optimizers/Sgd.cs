namespace NumKit.Optimizers;

/// <summary>Plain (stochastic, mini-batch or batch) gradient descent, as <c>torch.optim.SGD</c> without momentum.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w, then w ← w − α·d. With a mini-batch of the whole training set
/// this is batch gradient descent; with one example, stochastic gradient descent (Robbins and Monro,
/// 1951, "A Stochastic Approximation Method").
/// </para>
/// <para>
/// Departures: none from <c>torch.optim.SGD(lr, weight_decay=λ)</c>. The default learning rate
/// 1e-3 is PyTorch 2's (PyTorch 1.13 had none). Weight decay is L2, added to the gradient, as in
/// PyTorch; Keras's SGD has no weight decay (use a regularizer there). <c>maximize</c> is not
/// offered: negate the gradients instead.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.SGD does
    w = w - LearningRate * d
    """)]
public partial struct Sgd
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w (PyTorch's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Sgd>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };
}
