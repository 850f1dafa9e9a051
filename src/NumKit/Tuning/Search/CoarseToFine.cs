using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>
/// Coarse to fine: a random search over the whole space, then rounds that each sample only the
/// region around the best trials of the round before — every dimension shrunk in its own scale, so a
/// log-uniform learning rate narrows in decades.
/// </summary>
/// <remarks>
/// Round r's trials have ids r·TrialsPerRound, r·TrialsPerRound + 1, … and <see cref="Trial.Round"/> = r,
/// drawn from (seed, id) like every random search, so the whole search is reproducible on any number of
/// threads. A round with no completed trial leaves the region as it was.
/// </remarks>
public sealed class CoarseToFine : SearchPlan
{
    /// <summary>A coarse-to-fine plan with <paramref name="options"/> (default: 3 rounds of 20, around the best 5).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Rounds × TrialsPerRound trial ids would pass int.MaxValue.</exception>
    public CoarseToFine(CoarseToFineOptions? options = null)
    {
        Options = options ?? new CoarseToFineOptions();
        if ((long)Options.Rounds * Options.TrialsPerRound > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Rounds × TrialsPerRound trial ids would pass int.MaxValue.");
        }
    }

    /// <summary>The rounds, trials per round, and the region kept.</summary>
    public CoarseToFineOptions Options { get; }

    /// <inheritdoc/>
    public override SearchRoundPlan? NextRound(SearchSpace space, IReadOnlyList<SearchRound> finished)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(finished);
        int r = finished.Count;
        if (r >= Options.Rounds)
        {
            return null;
        }

        if (r == 0)
        {
            return new SearchRoundPlan("the whole space", space, Options.TrialsPerRound, RandomSampler.Instance);
        }

        SearchRound previous = finished[r - 1];
        SearchSpace next = NextSpace(previous.Space, previous.Results, Options.TopK, Options.Margin, Options.MinimumWidth);
        string name = string.Create(CultureInfo.InvariantCulture, $"around the best {Options.TopK} of round {r - 1}");
        return new SearchRoundPlan(name, next, Options.TrialsPerRound, RandomSampler.Instance);
    }

    /// <summary>Runs the rounds on <see cref="Search"/>; cancellation ends the search early and keeps the rounds so far.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Rounds × TrialsPerRound trial ids would pass int.MaxValue.</exception>
    public static Task<SearchHistory> RunAsync(SearchSpace space, TrialObjective objective, ulong seed,
        CoarseToFineOptions? options = null, ParallelTrialsOptions? parallel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(objective);
        var plan = new CoarseToFine(options);
        return Search.RunAsync(space, plan, objective, seed, parallel, plan.Options.RoundFinished, cancellationToken);
    }

    /// <summary>As <see cref="RunAsync(SearchSpace, TrialObjective, ulong, CoarseToFineOptions?, ParallelTrialsOptions?, CancellationToken)"/>, with a model factory per trial.</summary>
    public static Task<SearchHistory> RunAsync<TModel>(SearchSpace space, Func<Trial, TModel> createModel, TrialTraining<TModel> train, ulong seed,
        CoarseToFineOptions? options = null, ParallelTrialsOptions? parallel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        return RunAsync(space, ParallelTrials.WithModel(createModel, train), seed, options, parallel, cancellationToken);
    }

    /// <summary>Runs the search and waits for it (see <see cref="RunAsync(SearchSpace, TrialObjective, ulong, CoarseToFineOptions?, ParallelTrialsOptions?, CancellationToken)"/>).</summary>
    public static SearchHistory Run(SearchSpace space, TrialObjective objective, ulong seed,
        CoarseToFineOptions? options = null, ParallelTrialsOptions? parallel = null, CancellationToken cancellationToken = default) =>
        RunAsync(space, objective, seed, options, parallel, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// The next round's space: <paramref name="current"/> narrowed around the <paramref name="topK"/> best
    /// completed trials of <paramref name="results"/> (see <see cref="Dimension.NarrowAround"/>); unchanged
    /// if none completed.
    /// </summary>
    public static SearchSpace NextSpace(SearchSpace current, SearchResults results, int topK, double margin = 0.25, double minimumWidth = 0.05)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(results);
        ImmutableArray<TrialResult> best = results.Top(topK);
        return best.IsEmpty ? current : current.NarrowAround(best.Select(b => b.Trial), margin, minimumWidth);
    }
}
