namespace NumKit.Tests.Specs;

/// <summary>
/// Group scope with per-group state: the group's gradient norm clips the step (gradient clipping per group),
/// and <c>peak</c>, one number per group kept between steps, follows the largest |g| of the group with a decay.
/// One reduction pass over inputs, then the step; <c>peak</c>'s new value is computed between them.
/// </summary>
[Optimizer("""
    init peak = 1
    n = groupnorm(g)
    peak = max(peak * Decay, groupmaxabs(g))
    total = groupsum(g)
    w = w - LearningRate * if(n > MaxNorm, MaxNorm / n, 1) * g / (peak + Epsilon) - Pull * total
    """)]
public partial struct GroupClipped
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>The largest group gradient norm a step takes as it is.</summary>
    public float MaxNorm { get; set; } = 1f;

    /// <summary>How fast the peak forgets.</summary>
    public float Decay { get; set; } = 0.9f;

    /// <summary>Added to the peak.</summary>
    public float Epsilon { get; set; } = 1e-6f;

    /// <summary>How much the group's gradient sum pulls every weight.</summary>
    public float Pull { get; set; } = 1e-4f;
}
