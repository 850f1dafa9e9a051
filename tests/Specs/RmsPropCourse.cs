namespace NumKit.Tests.Specs;

/// <summary>RMSProp as the course writes it: S = βS + (1 − β)g², w = w − αg/(√S + ε).</summary>
[Optimizer("""
    S = Beta * S + (1 - Beta) * g^2
    w = w - LearningRate * g / (sqrt(S) + Epsilon)
    """)]
public partial struct RmsPropCourse
{
    /// <summary>The step size α.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>The averaging factor β of the squared gradients.</summary>
    public float Beta { get; set; } = 0.99f;

    /// <summary>Keeps the division finite.</summary>
    public float Epsilon { get; set; } = 1e-8f;
}
