using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using NumKit.Randomness;

namespace NumKit.Tuning;

/// <summary>
/// Grid search: every combination of a few values per dimension, evenly spaced in each dimension's
/// scale (the <see cref="GridSampler"/>). Shown for comparison: with the same budget it tries far fewer values of each parameter than
/// <see cref="RandomSearch"/>.
/// </summary>
public static class GridSearch
{
    /// <summary>
    /// The full grid with <paramref name="pointsPerDimension"/> values of each dimension (fewer for a
    /// discrete dimension that has fewer), the first dimension varying slowest. Trial ids start at
    /// <paramref name="firstId"/>; each trial's <see cref="Trial.Seed"/> is derived from (seed, id) as in random search.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The points are not positive, an id or round is negative, or the grid is too large.</exception>
    public static ImmutableArray<Trial> Sample(SearchSpace space, int pointsPerDimension, ulong seed = 0, int firstId = 0, int round = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (pointsPerDimension <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pointsPerDimension), pointsPerDimension, "A grid needs at least one point per dimension.");
        }

        return Sample(space, Enumerable.Repeat(pointsPerDimension, space.Count).ToArray(), seed, firstId, round);
    }

    /// <summary>The full grid with <paramref name="pointsPerDimension"/>[i] values of dimension i.</summary>
    /// <exception cref="ArgumentException">The counts do not match the dimensions, a count is not positive, or the grid is too large.</exception>
    public static ImmutableArray<Trial> Sample(SearchSpace space, IReadOnlyList<int> pointsPerDimension, ulong seed = 0, int firstId = 0, int round = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(pointsPerDimension);
        ArgumentOutOfRangeException.ThrowIfNegative(firstId);
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if (pointsPerDimension.Count != space.Count)
        {
            throw new ArgumentException($"The grid has {pointsPerDimension.Count} point counts for {space.Count} dimensions.", nameof(pointsPerDimension));
        }

        var sampler = new GridSampler(pointsPerDimension, firstId);
        ImmutableArray<double>[] axes = sampler.Axes(space);
        long total = 1;
        foreach (ImmutableArray<double> axis in axes)
        {
            total *= axis.Length;
            if (total + firstId > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(pointsPerDimension), $"The grid has more than {int.MaxValue - firstId} points.");
            }
        }

        var trials = ImmutableArray.CreateBuilder<Trial>((int)total);
        for (int n = 0; n < total; n++)
        {
            trials.Add(sampler.PointAt(space, axes, firstId + n, round, seed));
        }

        return trials.MoveToImmutable();
    }

    /// <summary>The largest p with p^<paramref name="dimensions"/> ≤ <paramref name="budget"/>: the points per dimension a budget buys.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The budget or the number of dimensions is not positive.</exception>
    public static int PointsPerDimension(int budget, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        int p = 1;
        while (Math.Pow(p + 1, dimensions) <= budget)
        {
            p++;
        }

        return p;
    }
}
