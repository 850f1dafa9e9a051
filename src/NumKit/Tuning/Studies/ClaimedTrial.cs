namespace NumKit.Tuning;

/// <summary>A trial a worker has claimed from a study's storage.</summary>
/// <param name="Id">The storage's key for the trial.</param>
/// <param name="Number">The trial's number in its study.</param>
/// <param name="Attempt">Which attempt this is (1 for the first).</param>
/// <param name="Values">The parameter values sampled by an earlier attempt, or null for a new trial.</param>
public sealed record ClaimedTrial(long Id, int Number, int Attempt, string? Values);
