namespace NumKit.Tests.Specs;

/// <summary>
/// Three passes: the mean of g (pass 1), the RMS of the centred gradient d, which needs that mean (pass 2),
/// then the step, which recomputes d from g (pass 3). A sum of w rides along pass 1.
/// </summary>
[Optimizer("""
    c = mean(g)
    d = g - c
    s = rms(d)
    total = sum(w)
    w = w - LearningRate * d / (s + Epsilon) - Pull * total / 1000
    """)]
public partial struct Standardized
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>Added to the RMS.</summary>
    public float Epsilon { get; set; } = 1e-6f;

    /// <summary>How much the tensor's sum pulls every weight.</summary>
    public float Pull { get; set; } = 0.001f;
}
