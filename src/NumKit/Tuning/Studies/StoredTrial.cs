using System.Collections.Immutable;

namespace NumKit.Tuning;

/// <summary>One trial as a study's storage holds it. Immutable.</summary>
/// <param name="Id">The storage's key for the trial.</param>
/// <param name="Number">The trial's number in its study (its <see cref="Trial.Id"/>).</param>
/// <param name="State">Where it is.</param>
/// <param name="Attempts">How many times a worker has started it.</param>
/// <param name="Values">Its parameter values, round-trip numbers in the space's order separated by commas (a choice by its index), or null if no worker has sampled them yet.</param>
/// <param name="Value">Its final (or, pruned, last reported) value; NaN if none.</param>
/// <param name="Error">Why its last attempt failed, if one did.</param>
/// <param name="Worker">The worker running it, while running.</param>
/// <param name="Intermediate">The values reported so far, by step, kept across attempts.</param>
public sealed record StoredTrial(long Id, int Number, StudyTrialState State, int Attempts, string? Values, double Value, string? Error, string? Worker,
    ImmutableArray<EpochCost> Intermediate);
