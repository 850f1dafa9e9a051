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
/// A training run that <see cref="Panda"/> can babysit: it trains one epoch at a time, exposes its
/// learning rate, and keeps one checkpoint it can save over and restore. The training loop, the model
/// and the checkpoint's memory are the implementer's (preallocate the checkpoint to keep it allocation-free,
/// for instance with <see cref="SpanCheckpoint{T}"/>).
/// </summary>
public interface IBabysatRun
{
    /// <summary>Trains one epoch at <see cref="LearningRate"/> and returns its cost (non-negative; NaN or ∞ if it blew up).</summary>
    double TrainEpoch();

    /// <summary>The learning rate the next epoch trains with; the babysitter lowers it.</summary>
    float LearningRate { get; set; }

    /// <summary>Saves the model and optimizer state over the run's single checkpoint.</summary>
    void SaveCheckpoint();

    /// <summary>Puts the model and optimizer state back as they were at the last <see cref="SaveCheckpoint"/>.</summary>
    void RestoreCheckpoint();
}

/// <summary>What a babysitter's mid-run correction was.</summary>
public enum CorrectionKind
{
    /// <summary>The smoothed cost stopped improving: the learning rate was lowered.</summary>
    Plateau,

    /// <summary>The cost blew up: the last good checkpoint was restored and the learning rate lowered.</summary>
    Divergence,
}

/// <summary>How a babysat run ended.</summary>
public enum BabysitStatus
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>Cancelled between epochs; the epochs so far are kept.</summary>
    Cancelled,

    /// <summary>The cost diverged more than <see cref="BabysittingOptions.MaxRestores"/> times; the last good checkpoint was restored and the run stopped.</summary>
    GaveUp,
}

/// <summary>One epoch of a babysat run, as a chart needs it.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Cost">The cost the epoch returned.</param>
/// <param name="SmoothedCost">The bias-corrected exponentially weighted average of the costs so far (diverged epochs left out); NaN before the first good epoch.</param>
/// <param name="LearningRate">The learning rate the epoch trained with.</param>
/// <param name="Correction">The correction made after this epoch, if any.</param>
public readonly record struct BabysitEpoch(int Epoch, double Cost, double SmoothedCost, float LearningRate, CorrectionKind? Correction);

/// <summary>A mid-run correction, to print and to mark on the cost chart.</summary>
/// <param name="Epoch">The epoch after which it was made.</param>
/// <param name="Kind">Plateau or divergence.</param>
/// <param name="OldLearningRate">The learning rate before.</param>
/// <param name="NewLearningRate">The learning rate after.</param>
/// <param name="Cost">The epoch's cost.</param>
/// <param name="SmoothedCost">The smoothed cost at the time.</param>
/// <param name="RestoredEpoch">For a divergence, the epoch whose checkpoint was restored (−1: the state before training); null for a plateau.</param>
public readonly record struct Correction(int Epoch, CorrectionKind Kind, float OldLearningRate, float NewLearningRate, double Cost, double SmoothedCost, int? RestoredEpoch)
{
    /// <summary>The correction as a sentence, such as <c>epoch 41: plateau, learning rate 0.01 -> 0.005</c>.</summary>
    public override string ToString()
    {
        string what = Kind == CorrectionKind.Plateau
            ? "plateau (smoothed cost " + SmoothedCost.ToString("G5", CultureInfo.InvariantCulture) + ")"
            : "divergence (cost " + Cost.ToString("G5", CultureInfo.InvariantCulture) + "), restored the checkpoint of " +
              (RestoredEpoch == -1 ? "the start" : "epoch " + RestoredEpoch!.Value.ToString(CultureInfo.InvariantCulture));
        return string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch}: {what}, learning rate {OldLearningRate:G4} -> {NewLearningRate:G4}");
    }
}

/// <summary>The babysitting policy's settings: smoothing, what counts as a plateau or a divergence, and how far to lower the learning rate.</summary>
public sealed class BabysittingOptions
{
    private double _smoothingBeta = 0.9;
    private int _patience = 10;
    private double _plateauThreshold = 1e-3;
    private float _plateauFactor = 0.5f;
    private double _divergenceFactor = 2.0;
    private float _divergenceLearningRateFactor = 0.5f;
    private float _minimumLearningRate;
    private int _maxRestores = 10;

    /// <summary>β of the exponentially weighted average that smooths the cost (window ≈ 1/(1 − β) epochs; 0: no smoothing). Default 0.9.</summary>
    public double SmoothingBeta
    {
        get => _smoothingBeta;
        init => _smoothingBeta = value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(SmoothingBeta), value, "β must be in [0, 1).");
    }

    /// <summary>Epochs without a relative improvement of the smoothed cost before the learning rate is lowered (then again after as many more). Default 10.</summary>
    public int Patience
    {
        get => _patience;
        init => _patience = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Patience), value, "The patience must be at least one epoch.");
    }

    /// <summary>The relative drop of the smoothed cost below its best that counts as an improvement. Default 1e-3.</summary>
    public double PlateauThreshold
    {
        get => _plateauThreshold;
        init => _plateauThreshold = value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(PlateauThreshold), value, "The threshold must be a fraction in [0, 1).");
    }

    /// <summary>What a plateau multiplies the learning rate by. Default 0.5.</summary>
    public float PlateauFactor
    {
        get => _plateauFactor;
        init => _plateauFactor = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(PlateauFactor), value, "The factor must be in (0, 1).");
    }

    /// <summary>An epoch diverges when its cost is NaN, infinite, or more than this many times the best cost so far. Default 2.</summary>
    public double DivergenceFactor
    {
        get => _divergenceFactor;
        init => _divergenceFactor = value > 1 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), value, "The factor must be finite and above 1.");
    }

    /// <summary>What a divergence multiplies the learning rate by, after restoring the checkpoint. Default 0.5.</summary>
    public float DivergenceLearningRateFactor
    {
        get => _divergenceLearningRateFactor;
        init => _divergenceLearningRateFactor = value is > 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(DivergenceLearningRateFactor), value, "The factor must be in (0, 1).");
    }

    /// <summary>The learning rate is never lowered below this. Default 0.</summary>
    public float MinimumLearningRate
    {
        get => _minimumLearningRate;
        init => _minimumLearningRate = value >= 0 && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(MinimumLearningRate), value, "The minimum must be finite and non-negative.");
    }

    /// <summary>How many divergences are repaired before the run gives up. Default 10.</summary>
    public int MaxRestores
    {
        get => _maxRestores;
        init => _maxRestores = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRestores), value, "The number of restores must not be negative.");
    }
}

/// <summary>The record of a babysat run: every epoch, every correction, and how it ended. Immutable.</summary>
public sealed class BabysitResult
{
    internal BabysitResult(ImmutableArray<BabysitEpoch> epochs, ImmutableArray<Correction> corrections, BabysitStatus status,
        double bestCost, int bestEpoch, int checkpointEpoch, float initialLearningRate, float finalLearningRate)
    {
        Epochs = epochs;
        Corrections = corrections;
        Status = status;
        BestCost = bestCost;
        BestEpoch = bestEpoch;
        CheckpointEpoch = checkpointEpoch;
        InitialLearningRate = initialLearningRate;
        FinalLearningRate = finalLearningRate;
    }

    /// <summary>Every epoch run, in order.</summary>
    public ImmutableArray<BabysitEpoch> Epochs { get; }

    /// <summary>Every correction made, in order.</summary>
    public ImmutableArray<Correction> Corrections { get; }

    /// <summary>How the run ended.</summary>
    public BabysitStatus Status { get; }

    /// <summary>The lowest finite cost of any epoch (∞ if none).</summary>
    public double BestCost { get; }

    /// <summary>The epoch of <see cref="BestCost"/> (−1 if none).</summary>
    public int BestEpoch { get; }

    /// <summary>The epoch of the last checkpoint saved (−1: only the starting state).</summary>
    public int CheckpointEpoch { get; }

    /// <summary>The learning rate at the start.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The learning rate at the end.</summary>
    public float FinalLearningRate { get; }

    /// <summary>Writes <c>epoch,cost,smoothed_cost,learning_rate,correction</c>, one row per epoch (invariant culture, "\n" line ends).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("epoch,cost,smoothed_cost,learning_rate,correction\n");
        foreach (BabysitEpoch e in Epochs)
        {
            string correction = e.Correction switch
            {
                CorrectionKind.Plateau => "plateau",
                CorrectionKind.Divergence => "divergence",
                _ => string.Empty,
            };
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{e.Epoch},{Dimension.Show(e.Cost)},{Dimension.Show(e.SmoothedCost)},{e.LearningRate.ToString("R", CultureInfo.InvariantCulture)},{correction}\n"));
        }
    }

    /// <summary>The CSV of <see cref="WriteCsv"/> as a string.</summary>
    public string ToCsv()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(writer);
        return writer.ToString();
    }

    /// <summary>
    /// A text table of every <paramref name="every"/>-th epoch and every epoch with a correction (epoch,
    /// cost, smoothed cost, learning rate, correction), then the corrections and the outcome.
    /// </summary>
    public string Format(int every = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        var rows = new List<IReadOnlyList<string>> { new[] { "epoch", "cost", "smoothed", "lr", "correction" } };
        foreach (BabysitEpoch e in Epochs)
        {
            if (e.Epoch % every == 0 || e.Correction is not null || e.Epoch == Epochs[^1].Epoch)
            {
                rows.Add(new[]
                {
                    e.Epoch.ToString(CultureInfo.InvariantCulture),
                    e.Cost.ToString("G6", CultureInfo.InvariantCulture),
                    double.IsNaN(e.SmoothedCost) ? "-" : e.SmoothedCost.ToString("G6", CultureInfo.InvariantCulture),
                    e.LearningRate.ToString("G4", CultureInfo.InvariantCulture),
                    e.Correction?.ToString().ToLowerInvariant() ?? string.Empty,
                });
            }
        }

        var text = new StringBuilder();
        TextTable.Append(text, rows, column => column < 4);
        foreach (Correction c in Corrections)
        {
            text.Append(c).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture,
            $"{Status.ToString().ToLowerInvariant()} after {Epochs.Length} epochs: best cost {BestCost:G6} at epoch {BestEpoch}, learning rate {InitialLearningRate:G4} -> {FinalLearningRate:G4}, {Corrections.Length} corrections");
        return text.ToString();
    }
}

/// <summary>
/// The course's "panda" strategy: babysit one model, watching its cost epoch by epoch (smoothed by an
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
public static class Panda
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

        run.SaveCheckpoint();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                status = BabysitStatus.Cancelled;
                break;
            }

            float rate = run.LearningRate;
            double cost = run.TrainEpoch();
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
                    run.SaveCheckpoint();
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

        return new BabysitResult(record.ToImmutable(), corrections.ToImmutable(), status, bestCost, bestEpoch, checkpointEpoch, initialRate, run.LearningRate);
    }

    // The bias-corrected smoothed cost, NaN before the first epoch's cost is in.
    private static double Smoothed(in NumKit.Averages.ExponentialAverage average)
        => average.Count == 0 ? double.NaN : average.BiasCorrected;
}
