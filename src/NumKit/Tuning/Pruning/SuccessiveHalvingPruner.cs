using System;
using System.Globalization;

namespace NumKit.Tuning;

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
