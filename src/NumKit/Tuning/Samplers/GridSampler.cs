using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using NumKit.Randomness;

namespace NumKit.Tuning;

/// <summary>
/// Grid search as a sampler: trial <c>id</c> is point <c>id − firstId</c> of the full grid with a few
/// values per dimension, evenly spaced in each dimension's scale, the last dimension varying fastest.
/// </summary>
public sealed class GridSampler : ISampler
{
    private readonly ImmutableArray<int> _points;

    /// <summary>A grid with <paramref name="pointsPerDimension"/> values of every dimension (fewer for a discrete one that has fewer).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The points are not positive or the first id is negative.</exception>
    public GridSampler(int pointsPerDimension, int firstId = 0)
    {
        if (pointsPerDimension <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pointsPerDimension), pointsPerDimension, "A grid needs at least one point per dimension.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstId);
        PointsPerDimension = pointsPerDimension;
        FirstId = firstId;
    }

    /// <summary>A grid with <paramref name="pointsPerDimension"/>[i] values of dimension i.</summary>
    /// <exception cref="ArgumentException">A count is not positive, or the first id is negative.</exception>
    public GridSampler(IReadOnlyList<int> pointsPerDimension, int firstId = 0)
    {
        ArgumentNullException.ThrowIfNull(pointsPerDimension);
        ArgumentOutOfRangeException.ThrowIfNegative(firstId);
        if (pointsPerDimension.Any(p => p <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(pointsPerDimension), $"Every dimension of a grid needs at least one point ({string.Join(", ", pointsPerDimension)}).");
        }

        _points = pointsPerDimension.ToImmutableArray();
        FirstId = firstId;
    }

    /// <summary>The points per dimension, when the same for all (0 when given per dimension).</summary>
    public int PointsPerDimension { get; }

    /// <summary>The id of the grid's first point.</summary>
    public int FirstId { get; }

    /// <summary>How many points the grid over <paramref name="space"/> has.</summary>
    /// <exception cref="ArgumentException">The point counts do not match the dimensions.</exception>
    public long Count(SearchSpace space)
    {
        long total = 1;
        foreach (ImmutableArray<double> axis in Axes(space))
        {
            total = checked(total * axis.Length);
        }

        return total;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The id is before the grid's first or past its last point.</exception>
    public Trial Sample(SearchSpace space, int id, int round, IReadOnlyList<TrialResult> history, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        ImmutableArray<double>[] axes = Axes(space);
        return PointAt(space, axes, id, round, seed);
    }

    /// <summary>The grid's axes over <paramref name="space"/>.</summary>
    internal ImmutableArray<double>[] Axes(SearchSpace space)
    {
        if (!_points.IsDefault && _points.Length != space.Count)
        {
            throw new ArgumentException($"The grid has {_points.Length} point counts for {space.Count} dimensions.", nameof(space));
        }

        var axes = new ImmutableArray<double>[space.Count];
        for (int d = 0; d < space.Count; d++)
        {
            axes[d] = space[d].GridValues(_points.IsDefault ? PointsPerDimension : _points[d]);
        }

        return axes;
    }

    internal Trial PointAt(SearchSpace space, ImmutableArray<double>[] axes, int id, int round, ulong seed)
    {
        long n = (long)id - FirstId;
        long total = 1;
        foreach (ImmutableArray<double> axis in axes)
        {
            total *= axis.Length;
            if (total > int.MaxValue)
            {
                break;
            }
        }

        if (n < 0 || n >= total)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, string.Create(CultureInfo.InvariantCulture, $"The grid's points have ids {FirstId} to {FirstId + total - 1}."));
        }

        // Mixed-radix digits of n, the last dimension varying fastest.
        var point = new double[space.Count];
        long rest = n;
        for (int d = space.Count - 1; d >= 0; d--)
        {
            point[d] = axes[d][(int)(rest % axes[d].Length)];
            rest /= axes[d].Length;
        }

        ulong trialSeed = new TrialRandom(seed, (ulong)id).NextUInt64();
        return new Trial(space, id, round, trialSeed, point.ToImmutableArray());
    }

    /// <summary>"grid".</summary>
    public override string ToString() => "grid";
}
