namespace NumKit.Tests.Specs;

/// <summary>
/// Group scope in three passes: the mean of g over every tensor of the group (pass 1), the RMS of the centred
/// gradient d over the group, which needs that mean (pass 2), then the step, which recomputes d from g (pass 3).
/// </summary>
[Optimizer("""
    c = groupmean(g)
    d = g - c
    s = grouprms(d)
    w = w - LearningRate * d / (s + Epsilon)
    """)]
public partial struct GroupStandardized
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>Added to the RMS.</summary>
    public float Epsilon { get; set; } = 1e-6f;
}
