using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

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
public sealed class StagedSearch : SearchPlan
{
    private readonly SearchSpace _space;
    private readonly ImmutableDictionary<string, double> _start;

    /// <summary>A staged search of <paramref name="space"/> through <paramref name="stages"/>, starting from <paramref name="start"/> (or each dimension's centre).</summary>
    /// <exception cref="ArgumentException">No stages, a stage naming an unknown parameter, or a start value outside its dimension.</exception>
    public StagedSearch(SearchSpace space, IReadOnlyList<SearchStage> stages, IReadOnlyDictionary<string, double>? start = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(stages);
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
        _start = space.Center().SetItems(start ?? ImmutableDictionary<string, double>.Empty);
        _ = space.CreateTrial(0, _start);
        _space = space;
        Stages = stages.ToImmutableArray();
    }

    /// <summary>The stages, in order.</summary>
    public ImmutableArray<SearchStage> Stages { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="space"/> has other dimensions than the plan's.</exception>
    public override SearchRoundPlan? NextRound(SearchSpace space, IReadOnlyList<SearchRound> finished)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(finished);
        _space.RequireSameNames(space, nameof(space));
        int s = finished.Count;
        if (s >= Stages.Length)
        {
            return null;
        }

        // Every finished stage's best completed trial becomes the held values (a stage with none changes nothing).
        ImmutableDictionary<string, double> held = _start;
        foreach (SearchRound round in finished)
        {
            if (round.Results.Best is { } best)
            {
                held = held.SetItems(_space.Names.Select((n, i) => KeyValuePair.Create(n, best.Trial.Values[i])));
            }
        }

        SearchStage stage = Stages[s];
        SearchSpace stageSpace = _space;
        foreach (Dimension dimension in _space)
        {
            if (!stage.Parameters.Contains(dimension.Name))
            {
                stageSpace = stageSpace.Fix(dimension.Name, held[dimension.Name]);
            }
        }

        return new SearchRoundPlan(stage.Name, stageSpace, stage.Trials, RandomSampler.Instance);
    }

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

    /// <summary>Runs the stages in order on <see cref="Search"/>; cancellation ends it early and keeps the stages so far.</summary>
    /// <exception cref="ArgumentException">No stages, a stage naming an unknown parameter, or a start value outside its dimension.</exception>
    public static Task<SearchHistory> RunAsync(SearchSpace space, IReadOnlyList<SearchStage> stages, TrialObjective objective, ulong seed,
        IReadOnlyDictionary<string, double>? start = null, ParallelTrialsOptions? parallel = null, Action<SearchRound>? stageFinished = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return Search.RunAsync(space, new StagedSearch(space, stages, start), objective, seed, parallel, stageFinished, cancellationToken);
    }

    /// <summary>As <see cref="RunAsync(SearchSpace, IReadOnlyList{SearchStage}, TrialObjective, ulong, IReadOnlyDictionary{string, double}?, ParallelTrialsOptions?, Action{SearchRound}?, CancellationToken)"/>, with a model factory per trial.</summary>
    public static Task<SearchHistory> RunAsync<TModel>(SearchSpace space, IReadOnlyList<SearchStage> stages, Func<Trial, TModel> createModel, TrialTraining<TModel> train, ulong seed,
        IReadOnlyDictionary<string, double>? start = null, ParallelTrialsOptions? parallel = null, Action<SearchRound>? stageFinished = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        return RunAsync(space, stages, ParallelTrials.WithModel(createModel, train), seed, start, parallel, stageFinished, cancellationToken);
    }

    /// <summary>Runs the stages and waits for them.</summary>
    public static SearchHistory Run(SearchSpace space, IReadOnlyList<SearchStage> stages, TrialObjective objective, ulong seed,
        IReadOnlyDictionary<string, double>? start = null, ParallelTrialsOptions? parallel = null, CancellationToken cancellationToken = default) =>
        RunAsync(space, stages, objective, seed, start, parallel, null, cancellationToken).GetAwaiter().GetResult();
}
