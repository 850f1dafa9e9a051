namespace NumKit.Tests.Specs;

/// <summary>A step bounded per tensor by the largest |g| and the gradient's RMS, both of inputs only: one reduction pass.</summary>
[Optimizer("""
    big = maxabs(g)
    spread = rms(g)
    w = w - LearningRate * g / max(big, 1) - Shrink * spread * w
    """)]
public partial struct MaxScaled
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>How much the gradient's RMS shrinks the weights.</summary>
    public float Shrink { get; set; } = 0.01f;
}
