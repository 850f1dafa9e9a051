namespace NumKit.Optimizers;

/// <summary>Stochastic gradient descent with Nesterov momentum, exactly as <c>torch.optim.SGD(momentum=μ, nesterov=True)</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; buf ← μ·buf + d (on the first step buf = d); then
/// w ← w − α·(d + μ·buf). This is PyTorch's rewriting of Nesterov's accelerated gradient (Nesterov,
/// 1983; Sutskever et al., 2013, "On the importance of initialization and momentum in deep learning")
/// so that the gradient is taken at the current parameters rather than at a look-ahead point.
/// </para>
/// <para>
/// Departures: none from PyTorch, which requires zero dampening with Nesterov; there is no
/// <c>Dampening</c> here. The buffer starts at zero, so μ·0 + d is exactly d on the first step, as in
/// PyTorch (no <c>if(t == 1, ...)</c> needed, unlike <see cref="SgdMomentum"/>). Keras's Nesterov
/// keeps α inside the velocity (w ← w + μ·v − α·g with v ← μ·v − α·g): the same for a constant α.
/// PyTorch's default momentum is 0, which Nesterov forbids; this type defaults to 0.9.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.SGD does
    buf = Momentum * buf + d         # dampening is 0 with Nesterov; buf = d on the first step since buf starts at 0
    w = w - LearningRate * (d + Momentum * buf)
    """)]
public partial struct Nesterov
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The momentum μ.</summary>
    public float Momentum { get; set; } = 0.9f;

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: momentum ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Nesterov>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Momentum) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };
}
