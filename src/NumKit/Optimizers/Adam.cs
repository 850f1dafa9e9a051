namespace NumKit.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015, "Adam: A Method for Stochastic Optimization"), in PyTorch's form:
/// ε is added to the bias-corrected √v̂, and weight decay is L2, added to the gradient (coupled).
/// </summary>
[Optimizer("""
    d = g + WeightDecay * w          # L2 weight decay, coupled to the gradient as in torch.optim.Adam
    m = Beta1 * m + (1 - Beta1) * d
    v = Beta2 * v + (1 - Beta2) * d^2
    mhat = m / (1 - Beta1^t)
    vhat = v / (1 - Beta2^t)
    w = w - LearningRate * mhat / (sqrt(vhat) + Epsilon)
    """)]
public partial struct Adam
{
    /// <summary>The step size α.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>The decay rate β1 of the first moment (the momentum).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to √v̂ so the step stays finite where v̂ is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty, added to the gradient as WeightDecay · w.</summary>
    public float WeightDecay { get; set; }
}
