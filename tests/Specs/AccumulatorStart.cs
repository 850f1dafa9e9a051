namespace NumKit.Tests.Specs;

/// <summary>Adagrad's accumulator with a declared initial value: state need not start at zero.</summary>
[Optimizer("""
    init s = InitialAccumulator
    s = s + g^2
    w = w - LearningRate * g / (sqrt(s) + Epsilon)
    """)]
public partial struct AccumulatorStart
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>What every accumulator starts from.</summary>
    public float InitialAccumulator { get; set; } = 0.1f;

    /// <summary>Keeps the division finite.</summary>
    public float Epsilon { get; set; } = 1e-10f;
}
