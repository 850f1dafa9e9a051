using System;
using System.Globalization;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// What a running trial reports its epochs to: records the learning curve, raises progress events,
/// and tells the objective when to stop (pruned, or the search cancelled). One per trial, used by the
/// trial's thread only.
/// </summary>
public sealed class TrialReporter
{
    private readonly TrialBoard _board;
    private double[] _earlierCosts;
    private EpochCost[] _curve = [];
    private int _count;
    private CancellationTokenSource? _trialCancellation;

    // Read by other trials' threads under the run's gate when a pruner is set.
    private bool _ended;

    internal TrialReporter(TrialBoard board, int position)
    {
        _board = board;
        Position = position;
        // Scratch for the earlier trials' costs at an epoch, sized once so pruning decisions allocate nothing.
        _earlierCosts = board.Pruner is null ? [] : new double[position];
    }

    /// <summary>The trial being reported.</summary>
    public Trial Trial { get; private set; } = null!;

    /// <summary>The trial's place in its run (the in-process runner compares it with the places before).</summary>
    internal int Position { get; }

    /// <summary>Whether the pruner has stopped this trial.</summary>
    public bool IsPruned { get; private set; }

    /// <summary>The epoch the trial was pruned at, or null.</summary>
    public int? PrunedAtEpoch { get; private set; }

    /// <summary>The last epoch reported, or −1.</summary>
    public int LastEpoch => _count == 0 ? -1 : _curve[_count - 1].Epoch;

    /// <summary>The last cost reported, or NaN.</summary>
    public double LastCost => _count == 0 ? double.NaN : _curve[_count - 1].Cost;

    /// <summary>Whether a report returned false because the search was cancelled.</summary>
    internal bool StoppedByCancellation { get; private set; }

    internal CancellationToken Token => _trialCancellation!.Token;

    internal bool HasEnded => _ended;

    /// <summary>
    /// Records the cost of <paramref name="epoch"/> and returns whether to go on: false when the pruner
    /// stops the trial here (or did before) or the search is cancelled. Allocates nothing once the curve
    /// has room (see <see cref="ParallelTrialsOptions.EpochCapacity"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative or not after the last reported epoch.</exception>
    public bool Report(int epoch, double cost)
    {
        if (epoch < 0 || epoch <= LastEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, string.Create(CultureInfo.InvariantCulture,
                $"Trial {Trial.Id}: epochs must be reported in increasing order from 0, but epoch {epoch} follows epoch {LastEpoch}."));
        }

        _board.Append(this, epoch, cost);
        _board.Raise(new TrialEvent(TrialEventKind.Epoch, Trial, epoch, cost));
        if (IsPruned)
        {
            return false;
        }

        if (_board.CancellationToken.IsCancellationRequested)
        {
            StoppedByCancellation = true;
            return false;
        }

        Pruner? pruner = _board.Pruner;
        if (pruner is null)
        {
            return true;
        }

        bool prune;
        if (!double.IsFinite(cost))
        {
            prune = true;
        }
        else if (pruner.Evaluates(epoch))
        {
            if (!_board.WaitForEarlier(this, epoch))
            {
                StoppedByCancellation = true;
                return false;
            }

            int n = _board.CollectEarlier(this, epoch, ref _earlierCosts);
            prune = pruner.ShouldPrune(epoch, cost, _earlierCosts.AsSpan(0, n));
        }
        else
        {
            prune = false;
        }

        if (!prune)
        {
            return true;
        }

        IsPruned = true;
        PrunedAtEpoch = epoch;
        _board.Raise(new TrialEvent(TrialEventKind.Pruned, Trial, epoch, cost));
        // The objective's token fires too, for loops that watch the token rather than Report's answer.
        _trialCancellation!.Cancel();
        return false;
    }

    internal void Begin(Trial trial, int capacity)
    {
        Trial = trial;
        _curve = capacity > 0 ? new EpochCost[capacity] : [];
        _trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(_board.CancellationToken);
    }

    internal void End()
    {
        _ended = true;
        _trialCancellation?.Dispose();
    }

    // Called by the run, under its gate when other threads may read the curve.
    internal void AppendUnsynchronized(int epoch, double cost)
    {
        if (_count == _curve.Length)
        {
            Array.Resize(ref _curve, Math.Max(16, _curve.Length * 2));
        }

        _curve[_count++] = new EpochCost(epoch, cost);
    }

    internal ReadOnlySpan<EpochCost> CurveUnsynchronized => _curve.AsSpan(0, _count);

    // The cost reported at exactly this epoch, if any (curves are sorted by epoch).
    internal bool TryGetCostUnsynchronized(int epoch, out double cost)
    {
        int lo = 0;
        int hi = _count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int e = _curve[mid].Epoch;
            if (e == epoch)
            {
                cost = _curve[mid].Cost;
                return true;
            }

            if (e < epoch)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        cost = double.NaN;
        return false;
    }
}
