using System;
using System.Globalization;

namespace NumKit.Tuning;

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
