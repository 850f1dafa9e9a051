using System;
using System.Collections.Immutable;

namespace NumKit.Tuning;

/// <summary>
/// Random search: trials drawn independently from a space, each from its own counter-based stream
/// (seed, trial id), so the same seed gives the same trials on any number of threads.
/// </summary>
/// <remarks>
/// With a budget of n trials, random search tries n different values of every continuous
/// parameter, where a grid tries only n^(1/d) of each: when one parameter matters far more than the
/// others (the learning rate usually does), random search explores it far better. See
/// <see cref="SearchComparison.GridVersusRandom"/>.
/// </remarks>
public static class RandomSearch
{
    /// <summary>
    /// Samples <paramref name="count"/> trials with ids <paramref name="firstId"/>, <paramref name="firstId"/> + 1, …
    /// (see <see cref="SearchSpace.Sample"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count, id or round is negative, or the ids would overflow.</exception>
    public static ImmutableArray<Trial> Sample(SearchSpace space, int count, ulong seed, int firstId = 0, int round = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(firstId);
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if ((long)firstId + count - 1 > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Ids from {firstId} for {count} trials would pass int.MaxValue.");
        }

        var trials = ImmutableArray.CreateBuilder<Trial>(count);
        for (int i = 0; i < count; i++)
        {
            trials.Add(space.Sample(seed, firstId + i, round));
        }

        return trials.MoveToImmutable();
    }
}
