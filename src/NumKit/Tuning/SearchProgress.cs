using System;
using System.Globalization;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// Thread-safe running totals of a search's <see cref="TrialEvent"/>s, for a live display: pass
/// <see cref="Observe"/> as <see cref="ParallelTrialsOptions.Progress"/> and print <see cref="ToString"/> from a timer.
/// </summary>
public sealed class SearchProgress
{
    private readonly object _gate = new();
    private int _started;
    private int _completed;
    private int _pruned;
    private int _failed;
    private int _cancelled;
    private long _epochs;
    private double _bestCost = double.NaN;
    private int _bestTrial = -1;

    /// <summary>Creates totals for a search of <paramref name="total"/> trials.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is negative.</exception>
    public SearchProgress(int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        Total = total;
    }

    /// <summary>The number of trials in the search.</summary>
    public int Total { get; }

    /// <summary>Trials started so far.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Trials completed so far.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Trials pruned so far.</summary>
    public int Pruned => Volatile.Read(ref _pruned);

    /// <summary>Trials that failed so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Trials interrupted by cancellation.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>Trials running now.</summary>
    public int Running => Started - Completed - Pruned - Failed - Cancelled;

    /// <summary>Epochs reported so far, over all trials.</summary>
    public long Epochs => Interlocked.Read(ref _epochs);

    /// <summary>The lowest final cost of a completed trial so far (NaN if none), and its trial id (−1 if none).</summary>
    public (double Cost, int TrialId) Best
    {
        get
        {
            lock (_gate)
            {
                return (_bestCost, _bestTrial);
            }
        }
    }

    /// <summary>Counts one event; safe to call from any thread.</summary>
    public void Observe(TrialEvent trialEvent)
    {
        switch (trialEvent.Kind)
        {
            case TrialEventKind.Started:
                Interlocked.Increment(ref _started);
                break;
            case TrialEventKind.Epoch:
                Interlocked.Increment(ref _epochs);
                break;
            case TrialEventKind.Completed:
                lock (_gate)
                {
                    // A tie keeps the lower id, as the results do.
                    double cost = trialEvent.Cost;
                    int id = trialEvent.Trial.Id;
                    if (double.IsFinite(cost) && (_bestTrial < 0 || cost < _bestCost || (cost == _bestCost && id < _bestTrial)))
                    {
                        _bestCost = cost;
                        _bestTrial = id;
                    }
                }

                Interlocked.Increment(ref _completed);
                break;
            case TrialEventKind.Pruned:
                Interlocked.Increment(ref _pruned);
                break;
            case TrialEventKind.Failed:
                Interlocked.Increment(ref _failed);
                break;
            case TrialEventKind.Cancelled:
                Interlocked.Increment(ref _cancelled);
                break;
        }
    }

    /// <summary>One status line, such as <c>12/40 done (3 pruned, 0 failed), 4 running, best 0.1234 (#7)</c>.</summary>
    public override string ToString()
    {
        (double cost, int trial) = Best;
        int done = Completed + Pruned + Failed + Cancelled;
        string best = trial < 0 ? "no trial completed yet" : string.Create(CultureInfo.InvariantCulture, $"best {cost:G6} (#{trial})");
        return string.Create(CultureInfo.InvariantCulture, $"{done}/{Total} done ({Pruned} pruned, {Failed} failed), {Running} running, {best}");
    }
}
