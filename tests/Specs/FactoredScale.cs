namespace NumKit.Tests.Specs;

/// <summary>
/// Rows and columns: the mean of g² over each row and each column and over the tensor ride along pass 1; a
/// per-row value follows from them between passes; pass 2 computes the factored update u (a row value times a
/// column value per element) and its RMS; pass 3 recomputes u and steps.
/// </summary>
[Optimizer("""
    r = rowmean(g^2)
    c = colmean(g^2)
    s = r / max(mean(g^2), 1e-30)
    u = g / sqrt(s * c + Epsilon)
    w = w - LearningRate * u / max(1, rms(u))
    """)]
public partial struct FactoredScale
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>Added under the square root.</summary>
    public float Epsilon { get; set; } = 1e-6f;
}
