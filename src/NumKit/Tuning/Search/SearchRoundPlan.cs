using System;

namespace NumKit.Tuning;

/// <summary>What the next round of a search runs: its name, the space its trials come from, how many, and the sampler that picks them.</summary>
public sealed record SearchRoundPlan
{
    /// <summary>A round of <paramref name="trials"/> trials over <paramref name="space"/>, picked by <paramref name="sampler"/>.</summary>
    /// <exception cref="ArgumentException">An empty name or fewer than one trial.</exception>
    public SearchRoundPlan(string name, SearchSpace space, int trials, ISampler sampler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        Name = name;
        Space = space;
        Trials = trials;
        Sampler = sampler;
    }

    /// <summary>What the round tunes, for reports (such as "the whole space" or "alpha").</summary>
    public string Name { get; }

    /// <summary>The space the round's trials are sampled from (narrowed, or with parameters held).</summary>
    public SearchSpace Space { get; }

    /// <summary>How many trials the round runs.</summary>
    public int Trials { get; }

    /// <summary>What picks each trial.</summary>
    public ISampler Sampler { get; }
}
