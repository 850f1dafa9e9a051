using NumKit.Schedules;

namespace NumKit.Tests.Specs;

/// <summary>A user's schedule declared as a formula: linear warmup to Peak, then cosine decay to Floor at step Total.</summary>
[Schedule("""
    warm = step < Warmup
    progress = min((step - Warmup) / (Total - Warmup), 1)
    cosine = Floor + (Peak - Floor) * 0.5 * (1 + cos(3.141592653589793 * progress))
    lr = if(warm, Peak * (step + 1) / Warmup, cosine)
    """)]
public partial struct WarmupCosine
{
    /// <summary>The rate at the end of the warmup.</summary>
    public float Peak { get; set; } = 0.1f;

    /// <summary>The rate the cosine decays to.</summary>
    public float Floor { get; set; } = 0.001f;

    /// <summary>The steps of linear warmup.</summary>
    public float Warmup { get; set; } = 5;

    /// <summary>The step at which the cosine reaches Floor.</summary>
    public float Total { get; set; } = 50;
}
