namespace NumKit.Tests.Specs;

/// <summary>A bool hyperparameter is a per-step condition: PyTorch's <c>maximize</c>, which ascends instead of descending.</summary>
[Optimizer("""
    d = if(Maximize, -g, g)
    w = w - LearningRate * d
    """)]
public partial struct Ascent
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>Whether to maximize the objective (step along +g) instead of minimizing it.</summary>
    public bool Maximize { get; set; }
}
