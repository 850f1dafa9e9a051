namespace NumKit.Optimizers;

/// <summary>Averaged stochastic gradient descent, exactly as <c>torch.optim.ASGD</c> (PyTorch 1.13), keeping the averaged iterate <c>ax</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step t, with η and μ as the step before left them (η = LearningRate and μ = 1 at
/// first): d = g + WeightDecay · w; w ← w · (1 − λ·η); w ← w − η · d; ax ← ax + μ · (w − ax) if μ ≠ 1,
/// else ax ← w; then η ← LearningRate / (1 + λ · LearningRate · t)^α and μ ← 1 / max(1, t − T0).
/// From Polyak and Juditsky, 1992, "Acceleration of Stochastic Approximation by Averaging", with the
/// step-size schedule of Bottou, 2012, "Stochastic Gradient Descent Tricks", as
/// <c>torch.optim.ASGD</c> 1.13 (<c>_single_tensor_asgd</c>) computes it.
/// </para>
/// <para>
/// Departures: none from PyTorch, including its order — a step uses the η and μ the previous step
/// computed (from its own t), not this step's. The parameters follow the SGD iterate; the averaged
/// iterate, the estimate the method is named for, is the state <c>ax</c>: read it with
/// <c>optimizer.State("ax")</c> (or per tensor) and copy it into a model to evaluate it. η and μ are
/// per-step state (<c>ScalarState("eta")</c>, <c>ScalarState("mu")</c>), saved in checkpoints.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w
    w = w * (1 - Lambda * eta)
    w = w - eta * d
    keep ax = if(mu != 1, ax + (w - ax) * mu, w)     # the averaged iterate: kept for the caller, never fed back
    eta = LearningRate / (1 + Lambda * LearningRate * t)^Alpha
    mu = 1 / max(1, t - T0)
    init eta = LearningRate
    init mu = 1
    """)]
public partial struct Asgd
{
    /// <summary>The initial step size η (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>λ, the decay term of the step size and of the weights (PyTorch's <c>lambd</c>); 0 or more.</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float Lambda { get; set; } = 1e-4f;

    /// <summary>α, the power of the step size's decay (PyTorch's <c>alpha</c>); 0 or more (a negative power would grow the step size).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float Alpha { get; set; } = 0.75f;

    /// <summary>The step at which averaging starts (PyTorch's <c>t0</c>); 0 or more.</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float T0 { get; set; } = 1e6f;

    /// <summary>L2 weight decay, added to the gradient (PyTorch's <c>weight_decay</c>); 0 or more, as PyTorch checks.</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float WeightDecay { get; set; }
}
