using System.Collections.Immutable;

namespace NumKit.Tuning;

/// <summary>A trial a worker asked a <see cref="Study"/> for: its parameters, and the attempt it is.</summary>
/// <param name="Trial">The parameters (its <see cref="Trial.Id"/> is the trial's number in the study).</param>
/// <param name="StorageId">The storage's key for the trial.</param>
/// <param name="Attempt">Which attempt this is (1 for the first; more after a worker died).</param>
/// <param name="Worker">The worker that holds it.</param>
/// <param name="EarlierValues">Values an earlier attempt reported, kept in the store (empty on a first attempt).</param>
public sealed record StudyTrial(Trial Trial, long StorageId, int Attempt, string Worker, ImmutableArray<EpochCost> EarlierValues);
