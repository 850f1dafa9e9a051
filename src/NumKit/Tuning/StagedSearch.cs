using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>One stage of a <see cref="StagedSearch"/>: the parameters it tunes and how many random trials it spends.</summary>
public sealed record SearchStage
{
    /// <summary>A stage tuning <paramref name="parameters"/> with <paramref name="trials"/> random trials.</summary>
    /// <exception cref="ArgumentException">No parameters, an empty or repeated name, or fewer than one trial.</exception>
    public SearchStage(string name, int trials, params string[] parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length == 0)
        {
            throw new ArgumentException($"Stage '{name}' tunes no parameter.", nameof(parameters));
        }

        if (parameters.Any(string.IsNullOrWhiteSpace) || parameters.Distinct(StringComparer.Ordinal).Count() != parameters.Length)
        {
            throw new ArgumentException($"Stage '{name}': parameter names must be non-empty and distinct ({string.Join(", ", parameters)}).", nameof(parameters));
        }

        Name = name;
        Trials = trials;
        Parameters = parameters.ToImmutableArray();
    }

    /// <summary>The stage's name, for reports.</summary>
    public string Name { get; }

    /// <summary>How many random trials the stage runs.</summary>
    public int Trials { get; }

    /// <summary>The parameters sampled in this stage; every other one is held at the best value so far.</summary>
    public ImmutableArray<string> Parameters { get; }
}

/// <summary>
/// The course's order of importance as a search: tune the most important hyperparameter first (the
/// learning rate α), then the next group (momentum β, mini-batch size, hidden units), then the rest,
/// each stage holding every other parameter at the best values found so far.
/// </summary>
/// <remarks>
/// Before the first stage the held values are <c>start</c> (or each dimension's centre). After a stage
/// the best completed trial's values become the held values (a stage with no completed trial changes
/// nothing). Stage s's trials have <see cref="Trial.Round"/> = s and ids following the previous stage's.
/// </remarks>
public static class StagedSearch
{
    /// <summary>
    /// The course's stages for <paramref name="space"/>: <paramref name="first"/> (the learning rate), then
    /// <paramref name="second"/> (those of them the space has), then every remaining dimension (if any).
    /// </summary>
    /// <exception cref="ArgumentException">The space lacks the first parameter.</exception>
    public static ImmutableArray<SearchStage> CourseOrder(SearchSpace space, int trialsPerStage, string first, params string[] second)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(second);
        if (space.IndexOf(first) < 0)
        {
            throw new ArgumentException($"'{first}' is not a dimension of the space ({string.Join(", ", space.Names)}).", nameof(first));
        }

        var stages = ImmutableArray.CreateBuilder<SearchStage>();
        stages.Add(new SearchStage(first, trialsPerStage, first));
        string[] next = second.Where(n => space.IndexOf(n) >= 0 && n != first).Distinct(StringComparer.Ordinal).ToArray();
        if (next.Length > 0)
        {
            stages.Add(new SearchStage(string.Join(", ", next), trialsPerStage, next));
        }

        string[] rest = space.Names.Where(n => n != first && !next.Contains(n)).ToArray();
        if (rest.Length > 0)
        {
            stages.Add(new SearchStage("the rest", trialsPerStage, rest));
        }

        return stages.ToImmutable();
    }

    /// <summary>Runs the stages in order, each through <see cref="Caviar"/>; cancellation ends it early and keeps the stages so far.</summary>
    /// <exception cref="ArgumentException">No stages, a stage naming an unknown parameter, or a start value outside its dimension.</exception>
    public static async Task<SearchHistory> RunAsync(SearchSpace space, IReadOnlyList<SearchStage> stages, TrialObjective objective, ulong seed,
        IReadOnlyDictionary<string, double>? start = null, CaviarOptions? caviar = null, Action<SearchRound>? stageFinished = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(objective);
        if (stages.Count == 0)
        {
            throw new ArgumentException("A staged search needs at least one stage.", nameof(stages));
        }

        foreach (SearchStage stage in stages)
        {
            foreach (string name in stage.Parameters)
            {
                if (space.IndexOf(name) < 0)
                {
                    throw new ArgumentException($"Stage '{stage.Name}' tunes '{name}', which is not a dimension of the space ({string.Join(", ", space.Names)}).", nameof(stages));
                }
            }
        }

        // The held values: validated through CreateTrial, which names any value outside its dimension.
        ImmutableDictionary<string, double> held = space.Center().SetItems(start ?? ImmutableDictionary<string, double>.Empty);
        _ = space.CreateTrial(0, held);

        var rounds = new List<SearchRound>();
        int nextId = 0;
        for (int s = 0; s < stages.Count; s++)
        {
            SearchStage stage = stages[s];
            SearchSpace stageSpace = space;
            foreach (Dimension dimension in space)
            {
                if (!stage.Parameters.Contains(dimension.Name))
                {
                    stageSpace = stageSpace.Fix(dimension.Name, held[dimension.Name]);
                }
            }

            ImmutableArray<Trial> trials = RandomSearch.Sample(stageSpace, stage.Trials, seed, nextId, s);
            nextId += stage.Trials;
            SearchResults results = await Caviar.RunAsync(trials, objective, caviar, cancellationToken).ConfigureAwait(false);
            var round = new SearchRound(s, stage.Name, stageSpace, results);
            rounds.Add(round);
            stageFinished?.Invoke(round);
            if (results.Best is { } best)
            {
                held = held.SetItems(space.Names.Select((n, i) => KeyValuePair.Create(n, best.Trial.Values[i])));
            }

            if (results.WasCancelled || cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return new SearchHistory(rounds);
    }

    /// <summary>As <see cref="RunAsync(SearchSpace, IReadOnlyList{SearchStage}, TrialObjective, ulong, IReadOnlyDictionary{string, double}?, CaviarOptions?, Action{SearchRound}?, CancellationToken)"/>, with a model factory per trial.</summary>
    public static Task<SearchHistory> RunAsync<TModel>(SearchSpace space, IReadOnlyList<SearchStage> stages, Func<Trial, TModel> createModel, TrialTraining<TModel> train, ulong seed,
        IReadOnlyDictionary<string, double>? start = null, CaviarOptions? caviar = null, Action<SearchRound>? stageFinished = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        return RunAsync(space, stages, Caviar.WithModel(createModel, train), seed, start, caviar, stageFinished, cancellationToken);
    }

    /// <summary>Runs the stages and waits for them.</summary>
    public static SearchHistory Run(SearchSpace space, IReadOnlyList<SearchStage> stages, TrialObjective objective, ulong seed,
        IReadOnlyDictionary<string, double>? start = null, CaviarOptions? caviar = null, CancellationToken cancellationToken = default) =>
        RunAsync(space, stages, objective, seed, start, caviar, null, cancellationToken).GetAwaiter().GetResult();
}
