using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NumKit.Tuning;

/// <summary>
/// How much one hyperparameter mattered in a set of finished trials: the fraction of the variance of
/// the (ranked) cost explained by binning the parameter, and the rank correlation of the parameter
/// with the cost.
/// </summary>
/// <param name="Parameter">The hyperparameter's name.</param>
/// <param name="VarianceExplained">
/// η², the main effect: the parameter's values (in its own scale) are split into groups of about equal
/// size, and this is the between-group sum of squares of the cost ranks over their total sum of squares —
/// 1 when the groups alone order the costs, about (groups − 1)/(trials − 1) when the parameter does not
/// matter at all. 0 for a parameter held fixed.
/// </param>
/// <param name="RankCorrelation">
/// Spearman's ρ between the parameter (its scale) and the cost: positive when larger values cost more.
/// NaN for choices (their order means nothing) and fixed parameters.
/// </param>
/// <param name="Groups">How many groups the parameter's values were split into.</param>
public sealed record ParameterImportance(string Parameter, double VarianceExplained, double RankCorrelation, int Groups)
{
    /// <summary>
    /// Estimates every parameter's importance from the completed trials of <paramref name="results"/> (a
    /// diverged trial's non-finite cost counts as the worst), most important first.
    /// </summary>
    /// <param name="results">Finished trials, all from spaces with the same dimension names.</param>
    /// <param name="groups">How many groups to bin a parameter into (a discrete one with fewer values gets one group per value).</param>
    /// <remarks>
    /// The costs are replaced by their ranks (ties share the mean rank) so that a few diverged or huge
    /// costs do not decide the answer. A one-at-a-time main effect, like fANOVA's first-order terms but
    /// from bins rather than a fitted forest: parameters that only matter together are not separated.
    /// </remarks>
    /// <exception cref="ArgumentException">Fewer than 2 groups, or results from spaces with different dimension names.</exception>
    public static ImportanceTable Estimate(IEnumerable<TrialResult> results, int groups = 5)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 2);
        TrialResult[] done = results.Where(r => r.Status == TrialStatus.Completed).ToArray();
        if (done.Length == 0)
        {
            return new ImportanceTable(ImmutableArray<ParameterImportance>.Empty, 0);
        }

        SearchSpace space = done[0].Trial.Space;
        foreach (TrialResult r in done)
        {
            space.RequireSameNames(r.Trial.Space, nameof(results));
        }

        double[] costRanks = Ranks(done.Select(r => double.IsFinite(r.Cost) ? r.Cost : double.PositiveInfinity).ToArray());
        var rows = new List<ParameterImportance>();
        for (int d = 0; d < space.Count; d++)
        {
            Dimension dimension = space[d];
            double[] scale = done.Select(r => dimension.ToScale(r.Trial.Values[d])).ToArray();
            int[] group = Group(scale, groups, out int groupCount);
            double eta = VarianceExplainedBy(group, groupCount, costRanks);
            double rho = dimension is ChoiceDimension || groupCount < 2 ? double.NaN : Pearson(Ranks(scale), costRanks);
            rows.Add(new ParameterImportance(dimension.Name, eta, rho, groupCount));
        }

        return new ImportanceTable(
            rows.OrderByDescending(r => r.VarianceExplained).ThenBy(r => r.Parameter, StringComparer.Ordinal).ToImmutableArray(),
            done.Length);
    }

    /// <summary>Estimates from every trial of <paramref name="results"/> (see <see cref="Estimate(IEnumerable{TrialResult}, int)"/>).</summary>
    public static ImportanceTable Estimate(SearchResults results, int groups = 5)
    {
        ArgumentNullException.ThrowIfNull(results);
        return Estimate(results.Trials, groups);
    }

    // Mean ranks from 1 (ties share the mean of the ranks they span).
    internal static double[] Ranks(double[] values)
    {
        int[] order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double mean = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = mean;
            }

            start = end + 1;
        }

        return ranks;
    }

    // One group per distinct value if there are at most `groups` of them, else groups of equal size in
    // sorted order, never splitting equal values.
    private static int[] Group(double[] scale, int groups, out int groupCount)
    {
        double[] distinct = scale.Distinct().Order().ToArray();
        var group = new int[scale.Length];
        if (distinct.Length <= groups)
        {
            for (int i = 0; i < scale.Length; i++)
            {
                group[i] = Array.BinarySearch(distinct, scale[i]);
            }

            groupCount = distinct.Length;
            return group;
        }

        int[] order = Enumerable.Range(0, scale.Length).OrderBy(i => scale[i]).ToArray();
        int current = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int target = (int)((long)k * groups / order.Length);
            if (target > current && scale[order[k]] != scale[order[k - 1]])
            {
                current = target;
            }

            group[order[k]] = current;
        }

        // A run of equal values straddling a boundary can skip a group number: renumber 0, 1, 2, ...
        int[] used = group.Distinct().Order().ToArray();
        for (int i = 0; i < group.Length; i++)
        {
            group[i] = Array.BinarySearch(used, group[i]);
        }

        groupCount = used.Length;
        return group;
    }

    private static double VarianceExplainedBy(int[] group, int groupCount, double[] y)
    {
        double mean = y.Average();
        var sums = new double[groupCount];
        var counts = new int[groupCount];
        double total = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sums[group[i]] += y[i];
            counts[group[i]]++;
            total += (y[i] - mean) * (y[i] - mean);
        }

        if (total == 0)
        {
            return 0;
        }

        double between = 0;
        for (int g = 0; g < groupCount; g++)
        {
            if (counts[g] > 0)
            {
                double groupMean = sums[g] / counts[g];
                between += counts[g] * (groupMean - mean) * (groupMean - mean);
            }
        }

        return between / total;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average();
        double my = y.Average();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}

/// <summary>Every parameter's <see cref="ParameterImportance"/>, most important first, and a text table of them. Immutable.</summary>
/// <param name="Rows">The parameters, by decreasing variance explained.</param>
/// <param name="TrialCount">How many completed trials the estimate used.</param>
public sealed record ImportanceTable(ImmutableArray<ParameterImportance> Rows, int TrialCount)
{
    /// <summary>The row of <paramref name="parameter"/>.</summary>
    /// <exception cref="KeyNotFoundException">No row has that name.</exception>
    public ParameterImportance this[string parameter] =>
        Rows.FirstOrDefault(r => r.Parameter == parameter) ?? throw new KeyNotFoundException($"No importance was estimated for '{parameter}'.");

    /// <summary>A text table: parameter, variance explained (with a bar), rank correlation, groups.</summary>
    public string Format()
    {
        var rows = new List<IReadOnlyList<string>> { new[] { "parameter", "variance explained", "", "rank corr.", "groups" } };
        foreach (ParameterImportance row in Rows)
        {
            rows.Add(new[]
            {
                row.Parameter,
                row.VarianceExplained.ToString("0.000", CultureInfo.InvariantCulture),
                new string('#', (int)Math.Round(row.VarianceExplained * 20)),
                double.IsNaN(row.RankCorrelation) ? "-" : row.RankCorrelation.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture),
                row.Groups.ToString(CultureInfo.InvariantCulture),
            });
        }

        var text = new StringBuilder();
        TextTable.Append(text, rows, column => column is 1 or 3 or 4);
        text.Append(CultureInfo.InvariantCulture, $"from {TrialCount} completed trials (costs ranked; a parameter that does not matter still explains about (groups - 1)/(trials - 1))");
        return text.ToString();
    }
}
