using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// What a <see cref="TrialReporter"/> reports to: the in-process runner (<see cref="ParallelTrialRun"/>)
/// keeps the learning curves in memory, a study worker writes them to the study's storage. The reporter
/// knows only this: record an epoch, raise an event, and gather the costs pruning compares with.
/// </summary>
internal abstract class TrialBoard
{
    /// <summary>The pruner, or null to run every trial to the end.</summary>
    public abstract Pruner? Pruner { get; }

    /// <summary>The whole search's cancellation.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Passes a progress event on.</summary>
    public abstract void Raise(TrialEvent trialEvent);

    /// <summary>Records that <paramref name="reporter"/>'s trial reported <paramref name="cost"/> at <paramref name="epoch"/>.</summary>
    public abstract void Append(TrialReporter reporter, int epoch, double cost);

    /// <summary>
    /// Waits, if the board promises decisions independent of timing, until every trial the decision
    /// compares with has reported <paramref name="epoch"/> or ended; false if the search was cancelled.
    /// </summary>
    public abstract bool WaitForEarlier(TrialReporter reporter, int epoch);

    /// <summary>
    /// Copies the costs at <paramref name="epoch"/> of the trials <paramref name="reporter"/>'s trial is
    /// compared with (non-finite ones as +∞) into <paramref name="into"/>, growing it if needed; returns how many.
    /// </summary>
    public abstract int CollectEarlier(TrialReporter reporter, int epoch, ref double[] into);
}
