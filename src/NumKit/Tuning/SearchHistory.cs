using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NumKit.Tuning;

/// <summary>The rounds of a multi-round search and all their results together. Immutable.</summary>
public sealed class SearchHistory
{
    /// <summary>Collects <paramref name="rounds"/>.</summary>
    public SearchHistory(IEnumerable<SearchRound> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        Rounds = rounds.ToImmutableArray();
        All = SearchResults.Combine(Rounds.Select(r => r.Results));
    }

    /// <summary>The rounds, in order (fewer than asked for if the search was cancelled).</summary>
    public ImmutableArray<SearchRound> Rounds { get; }

    /// <summary>Every trial of every round, ordered by id.</summary>
    public SearchResults All { get; }

    /// <summary>The best completed trial of any round, or null.</summary>
    public TrialResult? Best => All.Best;

    /// <summary>Whether the search was cancelled before it finished.</summary>
    public bool WasCancelled => All.WasCancelled;

    /// <summary>One line per round: its space's ranges and its best trial.</summary>
    public string FormatRounds()
    {
        var text = new StringBuilder();
        foreach (SearchRound round in Rounds)
        {
            text.Append(CultureInfo.InvariantCulture, $"round {round.Index} ({round.Name}): {round.Results.Trials.Length} trials, ");
            text.Append(round.Best is { } best
                ? string.Create(CultureInfo.InvariantCulture, $"best {best.Cost:G6} at {best.Trial}")
                : "no trial completed");
            text.Append('\n');
            foreach (Dimension dimension in round.Space)
            {
                text.Append("    ").Append(dimension).Append('\n');
            }
        }

        return text.ToString();
    }
}
