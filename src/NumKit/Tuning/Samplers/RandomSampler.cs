using System;
using System.Collections.Generic;

namespace NumKit.Tuning;

/// <summary>
/// Random search as a sampler: every trial drawn independently, each dimension evenly in its scale,
/// from the counter-based stream (seed, trial id) — see <see cref="SearchSpace.Sample"/>.
/// </summary>
public sealed class RandomSampler : ISampler
{
    /// <summary>The sampler (it has no settings).</summary>
    public static RandomSampler Instance { get; } = new();

    /// <inheritdoc/>
    public Trial Sample(SearchSpace space, int id, int round, IReadOnlyList<TrialResult> history, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        return space.Sample(seed, id, round);
    }

    /// <summary>"random".</summary>
    public override string ToString() => "random";
}
