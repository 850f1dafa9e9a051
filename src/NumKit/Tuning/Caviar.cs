using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>
/// The course's "caviar" strategy: train many trials in parallel, each with its own model and
/// optimizer state, and keep the best. Trials run on dedicated threads; results come back ordered by
/// trial id whatever the thread timing, and cancelling keeps everything finished so far.
/// </summary>
/// <remarks>
/// Each trial's randomness comes from its <see cref="Trial.Seed"/>, its model from the factory, and
/// pruning decisions compare it only with lower ids (see <see cref="Pruner"/>), so with a deterministic
/// objective the results are identical for every <see cref="CaviarOptions.MaxDegreeOfParallelism"/>.
/// Cancellation never throws: the returned <see cref="SearchResults"/> has <see cref="SearchResults.WasCancelled"/>
/// set, the interrupted trials marked Cancelled (with their curves so far) and the rest NotStarted.
/// </remarks>
public static class Caviar
{
    /// <summary>Runs every trial through <paramref name="objective"/>, in parallel, and waits for the results.</summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static SearchResults Run(IReadOnlyList<Trial> trials, TrialObjective objective, CaviarOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(trials, objective, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Runs every trial through <paramref name="objective"/>, in parallel; the task completes with the results.</summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static Task<SearchResults> RunAsync(IReadOnlyList<Trial> trials, TrialObjective objective, CaviarOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objective);
        return new CaviarRun(trials, objective, options ?? new CaviarOptions(), cancellationToken).RunAsync();
    }

    /// <summary>
    /// Runs every trial in parallel: <paramref name="createModel"/> builds the trial's own model and
    /// optimizer state (on the trial's thread), <paramref name="train"/> trains it and returns the final
    /// cost; the model is disposed afterwards if it is <see cref="IDisposable"/>. Waits for the results.
    /// </summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static SearchResults Run<TModel>(IReadOnlyList<Trial> trials, Func<Trial, TModel> createModel, TrialTraining<TModel> train, CaviarOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(trials, createModel, train, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="Run{TModel}"/>, without blocking: the task completes with the results.</summary>
    /// <exception cref="ArgumentException">Two trials share an id.</exception>
    public static Task<SearchResults> RunAsync<TModel>(IReadOnlyList<Trial> trials, Func<Trial, TModel> createModel, TrialTraining<TModel> train, CaviarOptions? options = null, CancellationToken cancellationToken = default)
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

/// <summary>One parallel run of trials: the work queue, the worker threads, and the board pruning reads.</summary>
internal sealed class CaviarRun
{
    private readonly Trial[] _trials;
    private readonly TrialReporter[] _reporters;
    private readonly TrialResult?[] _results;
    private readonly TrialObjective _objective;
    private readonly CaviarOptions _options;

    // Guards every trial's curve and ended flag, but only when a pruner reads other trials' curves.
    private readonly object _gate = new();
    private int _next = -1;
    private int _runningWorkers;
    private TaskCompletionSource<SearchResults>? _completion;

    public CaviarRun(IReadOnlyList<Trial> trials, TrialObjective objective, CaviarOptions options, CancellationToken cancellationToken)
    {
        if (trials.Any(t => t is null))
        {
            throw new ArgumentException("A trial in the list is null.", nameof(trials));
        }

        // Checked before anything runs, rather than when the results are collected after hours of training.
        _trials = trials.OrderBy(t => t.Id).ToArray();
        for (int i = 0; i < _trials.Length; i++)
        {
            _trials[0].Space.RequireSameNames(_trials[i].Space, nameof(trials));
            if (i > 0 && _trials[i].Id == _trials[i - 1].Id)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Two trials have the id {_trials[i].Id}; ids must be unique so results can be ordered by them."), nameof(trials));
            }
        }

        _objective = objective;
        _options = options;
        Pruner = options.Pruner;
        CancellationToken = cancellationToken;
        _results = new TrialResult?[_trials.Length];
        _reporters = new TrialReporter[_trials.Length];
        for (int i = 0; i < _trials.Length; i++)
        {
            _reporters[i] = new TrialReporter(this, _trials[i], i);
        }
    }

    public Pruner? Pruner { get; }

    public CancellationToken CancellationToken { get; }

    public Task<SearchResults> RunAsync()
    {
        _completion = new TaskCompletionSource<SearchResults>(TaskCreationOptions.RunContinuationsAsynchronously);
        int workers = Math.Min(_options.MaxDegreeOfParallelism, _trials.Length);
        if (workers == 0)
        {
            _completion.SetResult(Collect());
            return _completion.Task;
        }

        // Dedicated threads rather than the thread pool: trials are long CPU-bound jobs, and the degree of
        // parallelism asked for is then exactly the number of trials running, with no pool injection delay.
        _runningWorkers = workers;
        for (int w = 0; w < workers; w++)
        {
            var thread = new Thread(Work)
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"NumKit trial worker {w}"),
            };
            thread.Start();
        }

        return _completion.Task;
    }

    public void Raise(TrialEvent trialEvent) => _options.Progress?.Invoke(trialEvent);

    public void Append(TrialReporter reporter, int epoch, double cost)
    {
        if (Pruner is null)
        {
            reporter.AppendUnsynchronized(epoch, cost);
            return;
        }

        lock (_gate)
        {
            reporter.AppendUnsynchronized(epoch, cost);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Waits until every trial before <paramref name="position"/> has reported <paramref name="epoch"/>
    /// or ended, so a pruning decision sees exactly what a single-threaded run would; false if cancelled.
    /// </summary>
    public bool WaitForEarlier(int position, int epoch)
    {
        lock (_gate)
        {
            while (true)
            {
                if (CancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                bool settled = true;
                for (int j = 0; j < position; j++)
                {
                    TrialReporter earlier = _reporters[j];
                    if (!earlier.HasEnded && earlier.LastEpoch < epoch)
                    {
                        settled = false;
                        break;
                    }
                }

                if (settled)
                {
                    return true;
                }

                // Woken by every report and every trial's end; the timeout only bounds how late a
                // cancellation is noticed.
                Monitor.Wait(_gate, 50);
            }
        }
    }

    /// <summary>Copies the earlier trials' costs at <paramref name="epoch"/> (non-finite as +∞) into <paramref name="into"/>; returns how many.</summary>
    public int CollectEarlier(int position, int epoch, double[] into)
    {
        lock (_gate)
        {
            int n = 0;
            for (int j = 0; j < position; j++)
            {
                if (_reporters[j].TryGetCostUnsynchronized(epoch, out double cost))
                {
                    into[n++] = double.IsFinite(cost) ? cost : double.PositiveInfinity;
                }
            }

            return n;
        }
    }

    private void Work()
    {
        try
        {
            while (!CancellationToken.IsCancellationRequested)
            {
                int position = Interlocked.Increment(ref _next);
                if (position >= _trials.Length)
                {
                    break;
                }

                _results[position] = RunTrial(position);
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _runningWorkers) == 0)
            {
                try
                {
                    _completion!.SetResult(Collect());
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _completion!.SetException(e);
                }
            }
        }
    }

    private TrialResult RunTrial(int position)
    {
        Trial trial = _trials[position];
        TrialReporter reporter = _reporters[position];
        reporter.Begin(_options.EpochCapacity);
        double cost = double.NaN;
        TrialStatus status;
        string? error = null;
        try
        {
            Raise(new TrialEvent(TrialEventKind.Started, trial, -1, double.NaN));
            cost = _objective(trial, reporter, reporter.Token);
            status = reporter.IsPruned ? TrialStatus.Pruned
                : reporter.StoppedByCancellation ? TrialStatus.Cancelled
                : TrialStatus.Completed;
        }
        catch (Exception e) when (reporter.IsPruned || (e is OperationCanceledException && CancellationToken.IsCancellationRequested))
        {
            // An objective that stops by throwing on its token ends the way Report said it should.
            status = reporter.IsPruned ? TrialStatus.Pruned : TrialStatus.Cancelled;
        }
#pragma warning disable CA1031 // One failing trial (a diverging configuration, a bad value) must not end the whole search; it is reported.
        catch (Exception e)
#pragma warning restore CA1031
        {
            status = TrialStatus.Failed;
            error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            if (Pruner is null)
            {
                reporter.End();
            }
            else
            {
                lock (_gate)
                {
                    reporter.End();
                    Monitor.PulseAll(_gate);
                }
            }
        }

        if (status != TrialStatus.Completed)
        {
            cost = reporter.LastCost;
        }

        var result = new TrialResult(trial, status, cost, reporter.CurveUnsynchronized.ToImmutableArray(),
            status == TrialStatus.Pruned ? reporter.PrunedAtEpoch : null, error);
        try
        {
            // A pruned trial's event was raised when Report pruned it.
            if (status != TrialStatus.Pruned)
            {
                Raise(new TrialEvent(status switch
                {
                    TrialStatus.Completed => TrialEventKind.Completed,
                    TrialStatus.Cancelled => TrialEventKind.Cancelled,
                    _ => TrialEventKind.Failed,
                }, trial, reporter.LastEpoch, cost));
            }
        }
#pragma warning disable CA1031 // The trial is over; a failing progress handler must not lose its result.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return result;
    }

    private SearchResults Collect()
    {
        var results = new TrialResult[_trials.Length];
        bool interrupted = false;
        for (int i = 0; i < _trials.Length; i++)
        {
            results[i] = _results[i] ?? new TrialResult(_trials[i], TrialStatus.NotStarted, double.NaN, ImmutableArray<EpochCost>.Empty);
            interrupted |= results[i].Status is TrialStatus.NotStarted or TrialStatus.Cancelled;
        }

        return new SearchResults(results, wasCancelled: interrupted && CancellationToken.IsCancellationRequested);
    }
}
