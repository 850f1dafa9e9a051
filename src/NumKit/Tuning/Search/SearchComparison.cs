using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NumKit.Tuning;

/// <summary>Counts what grid and random search actually try, to show why random search wins.</summary>
public static class SearchComparison
{
    /// <summary>How many distinct values of <paramref name="parameter"/> the <paramref name="trials"/> try.</summary>
    /// <exception cref="KeyNotFoundException">A trial's space has no such parameter.</exception>
    public static int CountDistinct(IEnumerable<Trial> trials, string parameter)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(parameter);
        var seen = new HashSet<double>();
        foreach (Trial trial in trials)
        {
            seen.Add(trial.Values[trial.Space.RequireIndex(parameter)]);
        }

        return seen.Count;
    }

    /// <summary>
    /// Samples a grid and a random search of (at most) <paramref name="budget"/> trials each over
    /// <paramref name="space"/> and counts the distinct values of <paramref name="parameter"/> each tries.
    /// The grid uses the largest number of points per dimension the budget allows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The budget is not positive.</exception>
    /// <exception cref="KeyNotFoundException">The space has no such parameter.</exception>
    public static GridVersusRandom GridVersusRandom(SearchSpace space, int budget, string parameter, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        space.RequireIndex(parameter);
        ImmutableArray<Trial> grid = GridSearch.Sample(space, GridSearch.PointsPerDimension(budget, space.Count), seed);
        ImmutableArray<Trial> random = RandomSearch.Sample(space, budget, seed);
        return new GridVersusRandom(parameter, budget, grid, random, CountDistinct(grid, parameter), CountDistinct(random, parameter));
    }
}
