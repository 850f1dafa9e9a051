namespace NumKit.Tests.Specs;

/// <summary>
/// A per-element condition (after Rprop): the step grows where the gradient kept its sign and
/// shrinks where it flipped; <c>last</c> is state read before it is written.
/// </summary>
[Optimizer("""
    agree = g * last > 0
    size = if(agree, Grow, Shrink) * LearningRate
    w = w - size * sign(g)
    last = g
    """)]
public partial struct SignAgreement
{
    /// <summary>The base step size.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>The factor where the gradient kept its sign.</summary>
    public float Grow { get; set; } = 1.2f;

    /// <summary>The factor where the gradient flipped.</summary>
    public float Shrink { get; set; } = 0.5f;
}
