using System;
using System.Globalization;

namespace NumKit.Tuning;

/// <summary>
/// Decides, epoch by epoch, whether a trial is hopeless compared with the trials before it, so the
/// search can stop it early and give its core to another trial.
/// </summary>
/// <remarks>
/// The runner compares a trial only with the trials of lower id, and waits until each of them has
/// reported the same epoch (or ended) before asking: so every decision is the one a single-threaded
/// run would make, and results do not depend on the degree of parallelism. A trial that reports a
/// NaN or infinite cost is pruned at once, without asking the pruner.
/// </remarks>
public abstract class Pruner
{
    /// <summary>Whether the pruner decides anything at <paramref name="epoch"/> (the runner only waits for earlier trials then).</summary>
    public abstract bool Evaluates(int epoch);

    /// <summary>
    /// Whether a trial whose cost at <paramref name="epoch"/> is <paramref name="cost"/> should stop, given
    /// the costs at the same epoch of the earlier trials that reached it (non-finite ones as +∞). The
    /// span is scratch space the pruner may reorder.
    /// </summary>
    public abstract bool ShouldPrune(int epoch, double cost, Span<double> earlierCosts);
}
