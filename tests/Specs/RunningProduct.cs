namespace NumKit.Tests.Specs;

/// <summary>
/// A rule with per-step scalar state, like NAdam's running product of momentum coefficients: prod
/// keeps a value between steps but only per-step values feed it, so it is one double, not a buffer.
/// </summary>
[Optimizer("""
    mu = Beta * (1 - 0.5 * 0.96^(t * Decay))   # the momentum coefficient of this step
    prod = prod * mu                            # per-step state: the running product
    init prod = 1
    m = mu * m + (1 - mu) * g
    w = w - LearningRate * m / (1 - prod)
    """)]
public partial struct RunningProduct
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>The base momentum coefficient.</summary>
    public float Beta { get; set; } = 0.9f;

    /// <summary>How fast the coefficient's schedule moves.</summary>
    public float Decay { get; set; } = 0.004f;
}
