using System.Collections.Generic;

namespace NumKit.Tuning;

/// <summary>
/// What to try next: picks the hyperparameters of one trial from a space, the results finished so far
/// and the search's seed. Knows nothing of threads, processes or storage — the in-process search loop
/// (<see cref="Search"/>) and a study's <c>Ask</c> both call it.
/// </summary>
/// <remarks>
/// <see cref="RandomSampler"/> and <see cref="GridSampler"/> ignore the history, so trial <c>id</c>'s
/// parameters depend only on (seed, id); <see cref="TpeSampler"/> learns from it. Implementations must
/// be thread-safe (several workers ask at once) and draw their random numbers from
/// <c>new NumKit.Randomness.TrialRandom(seed, (ulong)id)</c> so that the same history gives the same trial.
/// </remarks>
public interface ISampler
{
    /// <summary>
    /// The trial numbered <paramref name="id"/> (its <see cref="Trial.Id"/>), of round
    /// <paramref name="round"/>, over <paramref name="space"/>; <paramref name="history"/> holds the
    /// results finished so far, in any order.
    /// </summary>
    Trial Sample(SearchSpace space, int id, int round, IReadOnlyList<TrialResult> history, ulong seed);
}
