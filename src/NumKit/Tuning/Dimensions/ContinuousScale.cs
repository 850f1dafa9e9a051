namespace NumKit.Tuning;

/// <summary>The scale a <see cref="ContinuousDimension"/> is sampled evenly in.</summary>
public enum ContinuousScale
{
    /// <summary>The value itself: uniform on [low, high].</summary>
    Linear,

    /// <summary>log10 of the value, so each decade gets the same share (the course's α = 10^r).</summary>
    Log,

    /// <summary>log10(1 − value), for averaging factors β near 1 (0.9 … 0.999): the window 1/(1 − β) spreads evenly in log.</summary>
    OneMinusLog,
}
