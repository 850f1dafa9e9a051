namespace NumKit.Tests.Specs;

/// <summary>The squashing functions tanh and sigmoid, per element and (in the per-step ramp) once per step.</summary>
[Optimizer("""
    ramp = sigmoid(Sharpness * (t - Midpoint))      # per step: 0 -> 1 around step Midpoint
    d = tanh(g / Scale) + sigmoid(g) - 0.5
    w = w - LearningRate * ramp * d
    """)]
public partial struct Squash
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>How fast the ramp rises.</summary>
    public float Sharpness { get; set; } = 1.5f;

    /// <summary>The step at which the ramp is one half.</summary>
    public float Midpoint { get; set; } = 2f;

    /// <summary>Gradients are divided by this before tanh.</summary>
    public float Scale { get; set; } = 0.5f;
}
