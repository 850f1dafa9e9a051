namespace NumKit.Tests.Specs;

/// <summary>A rule that uses every function, both conditionals, comparisons, a per-step condition and a fractional power.</summary>
[Optimizer("""
    warm = t > Warmup                               # per-step condition, decided once per step
    a = clamp(g, -Clip, Clip)
    e = exp(-abs(a)) + log(1 + a * a) + cos(a) * floor(a)
    s = max(s, abs(a)) ; n = min(n, a)              # two statements on one line
    r = a < 0 ? -sqrt(abs(a)) : abs(a)^1.5
    u = if(warm, LearningRate, LearningRate / 2) * (sign(a) * e + r / (1 + s - n))
    w = w - u
    """)]
public partial struct EveryFunction
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>Gradients are clamped to [−Clip, Clip].</summary>
    public float Clip { get; set; } = 2f;

    /// <summary>Steps at half the rate before this one.</summary>
    public float Warmup { get; set; } = 2f;
}
