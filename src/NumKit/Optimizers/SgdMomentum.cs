namespace NumKit.Optimizers;

/// <summary>Stochastic gradient descent with heavy-ball momentum and dampening, exactly as <c>torch.optim.SGD(momentum=μ, dampening=τ)</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; on the first step buf = d, afterwards buf ← μ·buf + (1 − τ)·d;
/// then w ← w − α·buf. Heavy-ball momentum is Polyak's (1964); this formulation, with α outside the
/// buffer, is PyTorch's (see the note in <c>torch.optim.SGD</c>'s documentation and Sutskever et
/// al., 2013, "On the importance of initialization and momentum in deep learning").
/// </para>
/// <para>
/// Departures: PyTorch's first step sets buf to d itself, not to (1 − τ)·d; the equations say so
/// with <c>if(t == 1, ...)</c>, so a nonzero dampening matches PyTorch from the first step.
/// Sutskever et al. and Keras keep α inside the velocity (v ← μ·v − α·g, w ← w + v): the same for a
/// constant α, different once a schedule changes it. The course's form, which averages with (1 − β),
/// is <see cref="Momentum"/>. Defaults are PyTorch's except μ: PyTorch's default momentum is 0 (plain
/// SGD, which is <see cref="Sgd"/>), so this type defaults to the customary 0.9.
/// </para>
/// </remarks>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.SGD does
    buf = if(t == 1, d, Momentum * buf + (1 - Dampening) * d)     # PyTorch's first buffer is d itself
    w = w - LearningRate * buf
    """)]
public partial struct SgdMomentum
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The momentum μ: how much of the previous buffer each step keeps.</summary>
    public float Momentum { get; set; } = 0.9f;

    /// <summary>The dampening τ: each new gradient enters the buffer scaled by 1 − τ (after the first step).</summary>
    public float Dampening { get; set; }

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    // The hyperparameters' ranges (PyTorch checks: momentum ≥ 0, weight decay ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<SgdMomentum>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Momentum) or nameof(WeightDecay) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };
}
