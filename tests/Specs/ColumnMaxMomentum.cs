namespace NumKit.Tests.Specs;

/// <summary>
/// A column reduction of a new state: momentum m (pass 1), the largest |m| of each column (which needs the new m,
/// so pass 2 steps), a per-column value from it, and the row sums of w riding along pass 1.
/// </summary>
[Optimizer("""
    m = Beta * m + (1 - Beta) * g
    scale = 1 / (colmaxabs(m) + Epsilon)
    w = w - LearningRate * m * scale - Pull * rowsum(w) / 100
    """)]
public partial struct ColumnMaxMomentum
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>The momentum's decay.</summary>
    public float Beta { get; set; } = 0.9f;

    /// <summary>Added to each column's largest |m|.</summary>
    public float Epsilon { get; set; } = 1e-3f;

    /// <summary>How much each row's sum pulls its weights.</summary>
    public float Pull { get; set; } = 0.01f;
}
