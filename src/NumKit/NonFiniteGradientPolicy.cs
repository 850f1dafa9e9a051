namespace NumKit;

/// <summary>What <see cref="Optimizer{TRule, T}.Step(System.Span{T}, System.ReadOnlySpan{T})"/> does when a gradient is NaN or ±Infinity.</summary>
public enum NonFiniteGradientPolicy
{
    /// <summary>No check, as PyTorch: a NaN gradient makes NaN parameters. Costs nothing.</summary>
    Unchecked = 0,

    /// <summary>Throw an <see cref="System.ArgumentException"/> naming the first bad gradient; nothing is changed.</summary>
    Throw = 1,

    /// <summary>Skip the step: parameters, state and step count stay as they were, and the skip is counted.</summary>
    SkipStep = 2,
}
