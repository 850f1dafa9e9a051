using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NumKit.Tuning;

/// <summary>One round of a multi-round search (a coarse-to-fine round, or a stage of a staged search). Immutable.</summary>
/// <param name="Index">The round's number, from 0 (also every one of its trials' <see cref="Trial.Round"/>).</param>
/// <param name="Name">What the round tuned, such as "round 1" or "alpha".</param>
/// <param name="Space">The space its trials were sampled from (narrowed, or with parameters held fixed).</param>
/// <param name="Results">Its trials' results.</param>
public sealed record SearchRound(int Index, string Name, SearchSpace Space, SearchResults Results)
{
    /// <summary>The round's best completed trial, or null.</summary>
    public TrialResult? Best => Results.Best;
}
