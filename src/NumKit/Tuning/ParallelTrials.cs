using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>
/// Many trials trained in parallel (the course's "caviar" strategy), each with its own model and
/// optimizer state, and keep the best. Trials run on dedicated threads; results come back ordered by
/// trial id whatever the thread timing, and cancelling keeps everything finished so far.
/// </summary>
/// <remarks>
/// Each trial's randomness comes from its <see cref="Trial.Seed"/>, its model from the factory, and
/// pruning decisions compare it only with lower ids (see <see cref="Pruner"/>), so with a deterministic
/// objective the results are identical for every <see cref="ParallelTrialsOptions.MaxDegreeOfParallelism"/>.
/// Cancellation never throws: the returned <see cref="SearchResults"/> has <see cref="SearchResults.WasCancelled"/>
/// set, the interrupted trials marked Cancelled (with their curves so far) and the rest NotStarted.
/// </remarks>
public static class ParallelTrials
{
    /// <summary>Runs every trial through <paramref name="objective"/>, in parallel, and waits for the results.</summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static SearchResults Run(IReadOnlyList<Trial> trials, TrialObjective objective, ParallelTrialsOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(trials, objective, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Runs every trial through <paramref name="objective"/>, in parallel; the task completes with the results.</summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static Task<SearchResults> RunAsync(IReadOnlyList<Trial> trials, TrialObjective objective, ParallelTrialsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objective);
        return ParallelTrialRun.Of(trials, objective, options ?? new ParallelTrialsOptions(), cancellationToken).RunAsync();
    }

    /// <summary>
    /// Runs every trial in parallel: <paramref name="createModel"/> builds the trial's own model and
    /// optimizer state (on the trial's thread), <paramref name="train"/> trains it and returns the final
    /// cost; the model is disposed afterwards if it is <see cref="IDisposable"/>. Waits for the results.
    /// </summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static SearchResults Run<TModel>(IReadOnlyList<Trial> trials, Func<Trial, TModel> createModel, TrialTraining<TModel> train, ParallelTrialsOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(trials, createModel, train, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="Run{TModel}"/>, without blocking: the task completes with the results.</summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static Task<SearchResults> RunAsync<TModel>(IReadOnlyList<Trial> trials, Func<Trial, TModel> createModel, TrialTraining<TModel> train, ParallelTrialsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        return RunAsync(trials, WithModel(createModel, train), options, cancellationToken);
    }

    internal static TrialObjective WithModel<TModel>(Func<Trial, TModel> createModel, TrialTraining<TModel> train) =>
        (trial, reporter, token) =>
        {
            TModel model = createModel(trial);
            try
            {
                return train(model, trial, reporter, token);
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        };
}
