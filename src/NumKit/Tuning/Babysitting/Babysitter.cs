using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// Babysit one model (the course's "panda" strategy), watching its cost epoch by epoch (smoothed by an
/// exponentially weighted average) and correcting it mid-run — lower the learning rate when the smoothed
/// cost plateaus, and when the cost diverges restore the last good checkpoint and lower it.
/// </summary>
/// <remarks>
/// <para>The policy, after each epoch e with cost c:</para>
/// <list type="number">
/// <item>Divergence: c is NaN or ∞, or c &gt; <see cref="BabysittingOptions.DivergenceFactor"/> × the best cost so
/// far. The run's checkpoint is restored, the learning rate multiplied by
/// <see cref="BabysittingOptions.DivergenceLearningRateFactor"/>, and c is kept out of the average. After
/// <see cref="BabysittingOptions.MaxRestores"/> repairs the next divergence restores and stops the run.</item>
/// <item>Otherwise c enters the average; a new best cost saves a checkpoint (one is also saved before the
/// first epoch, so there is always one to restore).</item>
/// <item>Plateau: the smoothed cost has not dropped by <see cref="BabysittingOptions.PlateauThreshold"/>
/// (relative) below its best for <see cref="BabysittingOptions.Patience"/> epochs: the learning rate is
/// multiplied by <see cref="BabysittingOptions.PlateauFactor"/> and the patience starts again.</item>
/// </list>
/// <para>
/// Every epoch costs one <see cref="IBabysatRun.TrainEpoch"/> call, a diverged one too. The policy
/// allocates only the record of epochs (once, up front) and of corrections.
/// </para>
/// </remarks>
public static class Babysitter
{
    /// <summary>
    /// Babysits <paramref name="run"/> for <paramref name="epochs"/> epochs. <paramref name="epochFinished"/>
    /// is called after each epoch's decision (for a live display); cancellation stops between epochs and
    /// keeps the record so far.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is negative, or the run's learning rate is not finite and positive.</exception>
    public static BabysitResult Run(IBabysatRun run, int epochs, BabysittingOptions? options = null,
        Action<BabysitEpoch>? epochFinished = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        options ??= new BabysittingOptions();
        float initialRate = run.LearningRate;
        if (!(initialRate > 0) || !float.IsFinite(initialRate))
        {
            throw new ArgumentOutOfRangeException(nameof(run), initialRate, "The run's learning rate must be finite and positive.");
        }

        IPersistentBabysatRun? persistent = null;
        if (options.CheckpointPath is { } checkpointPath)
        {
            persistent = run as IPersistentBabysatRun ?? throw new ArgumentException(
                $"BabysittingOptions.CheckpointPath is set ('{checkpointPath}'), but the run does not implement IPersistentBabysatRun, so its checkpoint cannot be written.", nameof(run));
        }

        var record = ImmutableArray.CreateBuilder<BabysitEpoch>(epochs);
        var corrections = ImmutableArray.CreateBuilder<Correction>();
        var average = new NumKit.Averages.ExponentialAverage(options.SmoothingBeta);
        double bestCost = double.PositiveInfinity;
        int bestEpoch = -1;
        double bestSmoothed = double.PositiveInfinity;
        int lastImprovement = -1;
        int checkpointEpoch = -1;
        int restores = 0;
        BabysitStatus status = BabysitStatus.Completed;
        string? error = null;

        Save(run, persistent, options);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                status = BabysitStatus.Cancelled;
                break;
            }

            float rate = run.LearningRate;
            double cost;
            try
            {
                cost = run.TrainEpoch();
            }
#pragma warning disable CA1031 // Any failure of the user's epoch ends the run, but the record so far and the last good checkpoint are kept and returned.
            catch (Exception e)
#pragma warning restore CA1031
            {
                run.RestoreCheckpoint();
                status = BabysitStatus.Failed;
                error = $"{e.GetType().Name}: {e.Message}";
                break;
            }

            CorrectionKind? correction = null;
            bool diverged = !double.IsFinite(cost) || (double.IsFinite(bestCost) && cost > options.DivergenceFactor * bestCost);
            if (diverged)
            {
                run.RestoreCheckpoint();
                if (restores == options.MaxRestores)
                {
                    record.Add(new BabysitEpoch(epoch, cost, Smoothed(average), rate, null));
                    epochFinished?.Invoke(record[^1]);
                    status = BabysitStatus.GaveUp;
                    break;
                }

                restores++;
                float lowered = Math.Max(rate * options.DivergenceLearningRateFactor, options.MinimumLearningRate);
                run.LearningRate = lowered;
                corrections.Add(new Correction(epoch, CorrectionKind.Divergence, rate, lowered, cost, Smoothed(average), checkpointEpoch));
                correction = CorrectionKind.Divergence;
                // The restored model starts a fresh patience window.
                lastImprovement = epoch;
            }
            else
            {
                average.Update(cost);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    bestEpoch = epoch;
                    Save(run, persistent, options);
                    checkpointEpoch = epoch;
                }

                double smoothed = Smoothed(average);
                if (smoothed < bestSmoothed * (1 - options.PlateauThreshold) || double.IsPositiveInfinity(bestSmoothed))
                {
                    bestSmoothed = smoothed;
                    lastImprovement = epoch;
                }
                else if (epoch - lastImprovement >= options.Patience)
                {
                    float lowered = Math.Max(rate * options.PlateauFactor, options.MinimumLearningRate);
                    if (lowered < rate)
                    {
                        run.LearningRate = lowered;
                        corrections.Add(new Correction(epoch, CorrectionKind.Plateau, rate, lowered, cost, smoothed, null));
                        correction = CorrectionKind.Plateau;
                    }

                    lastImprovement = epoch;
                }
            }

            record.Add(new BabysitEpoch(epoch, cost, Smoothed(average), rate, correction));
            epochFinished?.Invoke(record[^1]);
        }

        return new BabysitResult(record.ToImmutable(), corrections.ToImmutable(), status, bestCost, bestEpoch, checkpointEpoch, initialRate, run.LearningRate, error);
    }

    // Saves the run's checkpoint, and when asked writes it to its file too (atomically: the old file survives a crash mid-write).
    private static void Save(IBabysatRun run, IPersistentBabysatRun? persistent, BabysittingOptions options)
    {
        run.SaveCheckpoint();
        if (persistent is not null)
        {
            NumKit.IO.AtomicFile.Write(options.CheckpointPath!, persistent, static (stream, r) => r.WriteCheckpoint(stream));
        }
    }

    // The bias-corrected smoothed cost, NaN before the first epoch's cost is in.
    private static double Smoothed(in NumKit.Averages.ExponentialAverage average)
        => average.Count == 0 ? double.NaN : average.BiasCorrected;
}
