using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>How a coarse-to-fine search narrows: rounds, trials per round, and the region kept.</summary>
public sealed class CoarseToFineOptions
{
    private int _rounds = 3;
    private int _trialsPerRound = 20;
    private int _topK = 5;
    private double _margin = 0.25;
    private double _minimumWidth = 0.05;

    /// <summary>How many rounds (the first samples the whole space). Default 3.</summary>
    public int Rounds
    {
        get => _rounds;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(Rounds));
            _rounds = value;
        }
    }

    /// <summary>Random trials per round. Default 20.</summary>
    public int TrialsPerRound
    {
        get => _trialsPerRound;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(TrialsPerRound));
            _trialsPerRound = value;
        }
    }

    /// <summary>How many of a round's best trials define the next round's region. Default 5.</summary>
    public int TopK
    {
        get => _topK;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(TopK));
            _topK = value;
        }
    }

    /// <summary>How far, as a fraction of the best trials' spread, the region extends beyond them on each side. Default 0.25.</summary>
    public double Margin
    {
        get => _margin;
        init
        {
            if (!(value >= 0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Margin), value, "The margin must be a finite non-negative fraction.");
            }

            _margin = value;
        }
    }

    /// <summary>The narrowest a region may get, as a fraction of the previous round's range (in each dimension's scale). Default 0.05.</summary>
    public double MinimumWidth
    {
        get => _minimumWidth;
        init
        {
            if (!(value >= 0) || value > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MinimumWidth), value, "The minimum width must be a fraction in [0, 1].");
            }

            _minimumWidth = value;
        }
    }

    /// <summary>Called after each round (on the thread that awaits the search), for a display or a per-round picture.</summary>
    public Action<SearchRound>? RoundFinished { get; init; }
}

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
public static class CoarseToFine
{
    /// <summary>Runs the rounds, each through <see cref="Caviar"/>; cancellation ends the search early and keeps the rounds so far.</summary>
    public static async Task<SearchHistory> RunAsync(SearchSpace space, TrialObjective objective, ulong seed,
        CoarseToFineOptions? options = null, CaviarOptions? caviar = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new CoarseToFineOptions();
        if ((long)options.Rounds * options.TrialsPerRound > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Rounds × TrialsPerRound trial ids would pass int.MaxValue.");
        }

        var rounds = new List<SearchRound>();
        SearchSpace current = space;
        for (int r = 0; r < options.Rounds; r++)
        {
            ImmutableArray<Trial> trials = RandomSearch.Sample(current, options.TrialsPerRound, seed, firstId: r * options.TrialsPerRound, round: r);
            SearchResults results = await Caviar.RunAsync(trials, objective, caviar, cancellationToken).ConfigureAwait(false);
            string name = r == 0 ? "the whole space" : string.Create(CultureInfo.InvariantCulture, $"around the best {options.TopK} of round {r - 1}");
            var round = new SearchRound(r, name, current, results);
            rounds.Add(round);
            options.RoundFinished?.Invoke(round);
            if (results.WasCancelled || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            current = NextSpace(current, results, options.TopK, options.Margin, options.MinimumWidth);
        }

        return new SearchHistory(rounds);
    }

    /// <summary>As <see cref="RunAsync(SearchSpace, TrialObjective, ulong, CoarseToFineOptions?, CaviarOptions?, CancellationToken)"/>, with a model factory per trial.</summary>
    public static Task<SearchHistory> RunAsync<TModel>(SearchSpace space, Func<Trial, TModel> createModel, TrialTraining<TModel> train, ulong seed,
        CoarseToFineOptions? options = null, CaviarOptions? caviar = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        return RunAsync(space, Caviar.WithModel(createModel, train), seed, options, caviar, cancellationToken);
    }

    /// <summary>Runs the search and waits for it (see <see cref="RunAsync(SearchSpace, TrialObjective, ulong, CoarseToFineOptions?, CaviarOptions?, CancellationToken)"/>).</summary>
    public static SearchHistory Run(SearchSpace space, TrialObjective objective, ulong seed,
        CoarseToFineOptions? options = null, CaviarOptions? caviar = null, CancellationToken cancellationToken = default) =>
        RunAsync(space, objective, seed, options, caviar, cancellationToken).GetAwaiter().GetResult();

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
