using System;
using System.Collections.Generic;

namespace NumKit.Tuning;

/// <summary>
/// The rounds of a search, decided one at a time from the rounds before: a single round of random,
/// grid or TPE trials (<see cref="Sampled"/>), coarse to fine (<see cref="CoarseToFine"/>: random rounds
/// over narrowing spaces), or the course's order of importance (<see cref="StagedSearch"/>: random
/// rounds with the other parameters held). <see cref="Search"/> runs any of them.
/// </summary>
public abstract class SearchPlan
{
    /// <summary>
    /// The next round to run over <paramref name="space"/> after <paramref name="finished"/> (the rounds
    /// run so far, in order), or null when the search is over.
    /// </summary>
    public abstract SearchRoundPlan? NextRound(SearchSpace space, IReadOnlyList<SearchRound> finished);

    /// <summary>One round of <paramref name="trials"/> trials picked by <paramref name="sampler"/> over the whole space.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one trial.</exception>
    public static SearchPlan Sampled(ISampler sampler, int trials, string name = "the whole space")
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new SingleRound(sampler, trials, name);
    }

    /// <summary>One round, the same every time.</summary>
    private sealed class SingleRound(ISampler sampler, int trials, string name) : SearchPlan
    {
        public override SearchRoundPlan? NextRound(SearchSpace space, IReadOnlyList<SearchRound> finished) =>
            finished.Count == 0 ? new SearchRoundPlan(name, space, trials, sampler) : null;
    }
}
