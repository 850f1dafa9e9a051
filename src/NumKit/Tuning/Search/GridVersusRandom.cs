using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NumKit.Tuning;

/// <summary>The trials of a grid and of a random search with the same budget, and how many values of one parameter each tried.</summary>
/// <param name="Parameter">The parameter counted (the most important one).</param>
/// <param name="Budget">The number of trials each strategy was allowed.</param>
/// <param name="Grid">The grid's trials (at most the budget: the largest full grid that fits).</param>
/// <param name="Random">The random search's trials.</param>
/// <param name="GridDistinct">Distinct values of the parameter in the grid.</param>
/// <param name="RandomDistinct">Distinct values of the parameter in the random search.</param>
public sealed record GridVersusRandom(
    string Parameter, int Budget, ImmutableArray<Trial> Grid, ImmutableArray<Trial> Random, int GridDistinct, int RandomDistinct)
{
    /// <summary>A two-line summary, such as "grid: 25 trials, 5 distinct values of alpha".</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"grid:   {Grid.Length,5} trials, {GridDistinct,5} distinct values of {Parameter}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"random: {Random.Length,5} trials, {RandomDistinct,5} distinct values of {Parameter}");
        return text.ToString();
    }
}
