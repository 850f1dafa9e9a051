namespace NumKit.Tests.Specs;

/// <summary>Gradient centralization: each tensor's mean gradient taken out (a reduction of an input, then a second pass).</summary>
[Optimizer("""
    c = mean(g)
    w = w - LearningRate * (g - c)
    """)]
public partial struct Centralized
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;
}
