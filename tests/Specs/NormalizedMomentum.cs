namespace NumKit.Tests.Specs;

/// <summary>
/// Momentum normalised per tensor by the norm of the NEW momentum (a reduction that forces a second pass,
/// which reads the stored m), with a per-step state written once per step after the passes.
/// </summary>
[Optimizer("""
    decay = decay * Beta
    m = Beta * m + g
    w = w - LearningRate * (1 - decay) * m / (norm(m) + Epsilon)
    init decay = 1
    """)]
public partial struct NormalizedMomentum
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>The momentum.</summary>
    public float Beta { get; set; } = 0.9f;

    /// <summary>Added to the norm.</summary>
    public float Epsilon { get; set; } = 1e-8f;
}
