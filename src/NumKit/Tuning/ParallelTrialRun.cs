using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NumKit.Tuning;

/// <summary>
/// Picks the trial at a place of a run, when a worker thread is about to start it: given the results
/// finished so far (earlier rounds and this run), so a model-based sampler can learn from them.
/// </summary>
internal delegate Trial TrialAtPlace(int place, IReadOnlyList<TrialResult> finished);

/// <summary>One parallel run of trials: the work queue, the worker threads, and the board pruning reads.</summary>
internal sealed class ParallelTrialRun : TrialBoard
{
    private readonly int _count;
    private readonly TrialAtPlace _trialAt;
    private readonly IReadOnlyList<TrialResult> _earlierResults;
    private readonly Trial?[] _trials;
    private readonly TrialReporter[] _reporters;
    private readonly TrialResult?[] _results;
    private readonly TrialObjective _objective;
    private readonly ParallelTrialsOptions _options;

    // Guards every trial's curve and ended flag, but only when a pruner reads other trials' curves.
    private readonly object _gate = new();

    // Trials are picked one at a time, in place order, so a sampler sees a consistent history.
    private readonly object _sampleGate = new();
    private readonly List<TrialResult> _finished = [];
    private int _next = -1;
    private int _runningWorkers;
    private TaskCompletionSource<SearchResults>? _completion;

    public ParallelTrialRun(int count, TrialAtPlace trialAt, IReadOnlyList<TrialResult> earlierResults, TrialObjective objective,
        ParallelTrialsOptions options, CancellationToken cancellationToken)
    {
        _count = count;
        _trialAt = trialAt;
        _earlierResults = earlierResults;
        _objective = objective;
        _options = options;
        Pruner = options.Pruner;
        CancellationToken = cancellationToken;
        _trials = new Trial?[count];
        _results = new TrialResult?[count];
        _reporters = new TrialReporter[count];
        for (int i = 0; i < count; i++)
        {
            _reporters[i] = new TrialReporter(this, i);
        }
    }

    public override Pruner? Pruner { get; }

    public override CancellationToken CancellationToken { get; }

    /// <summary>A run of trials known up front, checked before anything runs and run in id order.</summary>
    public static ParallelTrialRun Of(IReadOnlyList<Trial> trials, TrialObjective objective, ParallelTrialsOptions options, CancellationToken cancellationToken)
    {
        if (trials.Any(t => t is null))
        {
            throw new ArgumentException("A trial in the list is null.", nameof(trials));
        }

        // Checked before anything runs, rather than when the results are collected after hours of training.
        Trial[] sorted = trials.OrderBy(t => t.Id).ToArray();
        for (int i = 0; i < sorted.Length; i++)
        {
            sorted[0].Space.RequireSameNames(sorted[i].Space, nameof(trials));
            if (i > 0 && sorted[i].Id == sorted[i - 1].Id)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Two trials have the id {sorted[i].Id}; ids must be unique so results can be ordered by them."), nameof(trials));
            }
        }

        return new ParallelTrialRun(sorted.Length, (place, _) => sorted[place], [], objective, options, cancellationToken);
    }

    public Task<SearchResults> RunAsync()
    {
        _completion = new TaskCompletionSource<SearchResults>(TaskCreationOptions.RunContinuationsAsynchronously);
        int workers = Math.Min(_options.MaxDegreeOfParallelism, _count);
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

    public override void Raise(TrialEvent trialEvent) => _options.Progress?.Invoke(trialEvent);

    public override void Append(TrialReporter reporter, int epoch, double cost)
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
    /// Waits until every trial before the reporter's place has reported <paramref name="epoch"/> or
    /// ended, so a pruning decision sees exactly what a single-threaded run would; false if cancelled.
    /// </summary>
    public override bool WaitForEarlier(TrialReporter reporter, int epoch)
    {
        int position = reporter.Position;
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

    /// <summary>Copies the earlier places' costs at <paramref name="epoch"/> (non-finite as +∞) into <paramref name="into"/>; returns how many.</summary>
    public override int CollectEarlier(TrialReporter reporter, int epoch, ref double[] into)
    {
        int position = reporter.Position;
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

    private Trial TrialAt(int position)
    {
        lock (_sampleGate)
        {
            if (_trials[position] is { } known)
            {
                return known;
            }

            var finished = new List<TrialResult>(_earlierResults.Count + _finished.Count);
            finished.AddRange(_earlierResults);
            finished.AddRange(_finished);
            Trial trial = _trialAt(position, finished);
            _trials[position] = trial;
            return trial;
        }
    }

    private void Work()
    {
        try
        {
            while (!CancellationToken.IsCancellationRequested)
            {
                int position = Interlocked.Increment(ref _next);
                if (position >= _count)
                {
                    break;
                }

                TrialResult result = RunTrial(position);
                _results[position] = result;
                lock (_sampleGate)
                {
                    _finished.Add(result);
                }
            }
        }
#pragma warning disable CA1031 // A sampler that throws ends the run; the exception reaches the caller through the task.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _completion!.TrySetException(e);
        }
        finally
        {
            if (Interlocked.Decrement(ref _runningWorkers) == 0)
            {
                try
                {
                    _completion!.TrySetResult(Collect());
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _completion!.TrySetException(e);
                }
            }
        }
    }

    private TrialResult RunTrial(int position)
    {
        Trial trial = TrialAt(position);
        TrialReporter reporter = _reporters[position];
        reporter.Begin(trial, _options.EpochCapacity);
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

        try
        {
            _options.TrialFinished?.Invoke(result);
        }
#pragma warning disable CA1031 // Likewise a failing results log: the result stays in the returned results.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return result;
    }

    private SearchResults Collect()
    {
        var results = new TrialResult[_count];
        bool interrupted = false;
        for (int i = 0; i < _count; i++)
        {
            results[i] = _results[i] ?? new TrialResult(TrialAt(i), TrialStatus.NotStarted, double.NaN, ImmutableArray<EpochCost>.Empty);
            interrupted |= results[i].Status is TrialStatus.NotStarted or TrialStatus.Cancelled;
        }

        return new SearchResults(results, wasCancelled: interrupted && CancellationToken.IsCancellationRequested);
    }
}
