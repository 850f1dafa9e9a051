using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>
/// The search loop, the one every in-process strategy runs on: ask the plan for a round, let its sampler
/// pick each trial as a worker thread becomes free (with every result finished so far), run the trials
/// in parallel (<see cref="ParallelTrials"/>), and repeat until the plan is done or the search is cancelled.
/// </summary>
/// <remarks>
/// Trial ids run on across rounds (round r's first id follows round r − 1's last), and trial id's
/// random numbers come from (seed, id): with a sampler that ignores the history (random, grid) and a
/// deterministic objective, the results are the same on any number of threads.
/// </remarks>
public static class Search
{
    /// <summary>Runs <paramref name="plan"/> over <paramref name="space"/>; cancellation ends it early and keeps the rounds so far.</summary>
    /// <exception cref="InvalidOperationException">A sampler returned a trial with another id or round than it was asked for.</exception>
    public static async Task<SearchHistory> RunAsync(SearchSpace space, SearchPlan plan, TrialObjective objective, ulong seed,
        ParallelTrialsOptions? options = null, Action<SearchRound>? roundFinished = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new ParallelTrialsOptions();
        var rounds = new List<SearchRound>();
        var finished = new List<TrialResult>();
        int nextId = 0;
        while (plan.NextRound(space, rounds) is { } next)
        {
            if ((long)nextId + next.Trials - 1 > int.MaxValue)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Round {rounds.Count} would give trials ids past int.MaxValue."));
            }

            int firstId = nextId;
            int r = rounds.Count;
            var run = new ParallelTrialRun(next.Trials, (place, history) => Pick(next, firstId + place, r, history, seed),
                finished.ToArray(), objective, options, cancellationToken);
            SearchResults results = await run.RunAsync().ConfigureAwait(false);
            nextId += next.Trials;
            var round = new SearchRound(r, next.Name, next.Space, results);
            rounds.Add(round);
            foreach (TrialResult result in results.Trials)
            {
                if (result.Status != TrialStatus.NotStarted)
                {
                    finished.Add(result);
                }
            }

            roundFinished?.Invoke(round);
            if (results.WasCancelled || cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return new SearchHistory(rounds);
    }

    /// <summary>Runs the search and waits for it (see <see cref="RunAsync"/>).</summary>
    public static SearchHistory Run(SearchSpace space, SearchPlan plan, TrialObjective objective, ulong seed,
        ParallelTrialsOptions? options = null, Action<SearchRound>? roundFinished = null, CancellationToken cancellationToken = default) =>
        RunAsync(space, plan, objective, seed, options, roundFinished, cancellationToken).GetAwaiter().GetResult();

    private static Trial Pick(SearchRoundPlan round, int id, int roundIndex, IReadOnlyList<TrialResult> history, ulong seed)
    {
        Trial trial = round.Sampler.Sample(round.Space, id, roundIndex, history, seed);
        if (trial.Id != id || trial.Round != roundIndex)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The sampler {round.Sampler} was asked for trial {id} of round {roundIndex} and returned trial {trial.Id} of round {trial.Round}."));
        }

        return trial;
    }
}
