namespace NumKit.Tests.Specs;

/// <summary>
/// A state that starts from the parameter (<c>init anchor = w</c>): an elastic pull back toward the
/// starting weights, as L2-SP regularisation, and a slow copy refreshed every few steps, as Lookahead.
/// </summary>
[Optimizer("""
    init anchor = w
    init slow = w
    sync = floor(t / Period) * Period == t               # per step: every Period steps
    w = w - LearningRate * (g + Pull * (w - anchor))
    slow = if(sync, slow + SlowStepSize * (w - slow), slow)
    w = if(sync, slow, w)
    """)]
public partial struct Anchored
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.05f;

    /// <summary>How strongly w is pulled back toward where it started.</summary>
    public float Pull { get; set; } = 0.1f;

    /// <summary>How often the slow weights move toward w, and w returns to them.</summary>
    public float Period { get; set; } = 3f;

    /// <summary>How far the slow weights move toward w.</summary>
    public float SlowStepSize { get; set; } = 0.5f;
}
