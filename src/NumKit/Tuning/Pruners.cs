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

/// <summary>
/// Median pruning: after <see cref="WarmupEpochs"/>, stop a trial whose cost at an epoch is worse than
/// the median of the earlier trials' costs at that epoch (Optuna's MedianPruner, compared in id order).
/// </summary>
public sealed class MedianPruner : Pruner
{
    /// <summary>Creates a median pruner.</summary>
    /// <param name="warmupEpochs">Epochs before the first decision: early costs say little about final ones.</param>
    /// <param name="minimumTrials">How many earlier trials must have reached the epoch before anything is pruned.</param>
    /// <param name="interval">Decide every this many epochs after the warm-up (1: every epoch).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative warm-up, fewer than one trial, or an interval below one.</exception>
    public MedianPruner(int warmupEpochs = 5, int minimumTrials = 4, int interval = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupEpochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumTrials);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interval);
        WarmupEpochs = warmupEpochs;
        MinimumTrials = minimumTrials;
        Interval = interval;
    }

    /// <summary>The first epoch at which a trial can be pruned.</summary>
    public int WarmupEpochs { get; }

    /// <summary>How many earlier trials must have reached the epoch before anything is pruned.</summary>
    public int MinimumTrials { get; }

    /// <summary>Decide every this many epochs after the warm-up.</summary>
    public int Interval { get; }

    /// <inheritdoc/>
    public override bool Evaluates(int epoch) => epoch >= WarmupEpochs && (epoch - WarmupEpochs) % Interval == 0;

    /// <inheritdoc/>
    public override bool ShouldPrune(int epoch, double cost, Span<double> earlierCosts)
    {
        if (earlierCosts.Length < MinimumTrials)
        {
            return false;
        }

        return cost > Median(earlierCosts);
    }

    /// <summary>The median (the mean of the two middle values for an even count); sorts the span.</summary>
    internal static double Median(Span<double> values)
    {
        values.Sort();
        int half = values.Length / 2;
        return values.Length % 2 == 1 ? values[half] : (values[half - 1] / 2) + (values[half] / 2);
    }

    /// <summary>The settings, for a report.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"median pruning after {WarmupEpochs} epochs, every {Interval}, with at least {MinimumTrials} earlier trials");
}

/// <summary>
/// Successive halving: at rung epochs r, r·η, r·η², … only the best 1/η of the trials that reach the
/// rung go on (an asynchronous, id-ordered form of Jamieson and Talwalkar's algorithm, as in ASHA).
/// </summary>
public sealed class SuccessiveHalvingPruner : Pruner
{
    /// <summary>Creates a successive-halving pruner.</summary>
    /// <param name="firstRung">The epoch of the first rung (positive).</param>
    /// <param name="reductionFactor">η: each rung keeps the best 1/η (at least 2).</param>
    /// <param name="minimumTrials">How many earlier trials must have reached a rung before anything is pruned there.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rung below 1, η below 2, or fewer than one trial.</exception>
    public SuccessiveHalvingPruner(int firstRung = 1, int reductionFactor = 3, int minimumTrials = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(firstRung);
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumTrials);
        FirstRung = firstRung;
        ReductionFactor = reductionFactor;
        MinimumTrials = minimumTrials;
    }

    /// <summary>The epoch of the first rung.</summary>
    public int FirstRung { get; }

    /// <summary>η: each rung keeps the best 1/η of the trials that reach it.</summary>
    public int ReductionFactor { get; }

    /// <summary>How many earlier trials must have reached a rung before anything is pruned there.</summary>
    public int MinimumTrials { get; }

    /// <inheritdoc/>
    public override bool Evaluates(int epoch)
    {
        if (epoch < FirstRung || epoch % FirstRung != 0)
        {
            return false;
        }

        // Rungs are FirstRung · η^k: divide out η until the quotient is 1 or not divisible.
        int q = epoch / FirstRung;
        while (q % ReductionFactor == 0)
        {
            q /= ReductionFactor;
        }

        return q == 1;
    }

    /// <inheritdoc/>
    public override bool ShouldPrune(int epoch, double cost, Span<double> earlierCosts)
    {
        if (earlierCosts.Length < MinimumTrials)
        {
            return false;
        }

        // Rank among this trial and the earlier ones (ties go to this trial); the best ⌊n/η⌋, at least one, go on.
        int better = 0;
        foreach (double earlier in earlierCosts)
        {
            if (earlier < cost)
            {
                better++;
            }
        }

        int kept = Math.Max(1, (earlierCosts.Length + 1) / ReductionFactor);
        return better >= kept;
    }

    /// <summary>The settings, for a report.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"successive halving from epoch {FirstRung}, keeping 1/{ReductionFactor} per rung, with at least {MinimumTrials} earlier trials");
}
