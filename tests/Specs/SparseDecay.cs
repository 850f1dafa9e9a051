namespace NumKit.Tests.Specs;

/// <summary>
/// SGD whose weight decay is applied in one multiplication every 4 steps (a period written as a number):
/// the periodic statement updates w, which every step loads and stores anyway.
/// </summary>
[Optimizer("""
    w = w - LearningRate * g
    w = w * (1 - 4 * Decay)    every 4
    """)]
public partial struct SparseDecay
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>The decay per step; four steps' worth is applied at once.</summary>
    public float Decay { get; set; } = 0.01f;
}
