using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>The record of a babysat run: every epoch, every correction, and how it ended. Immutable.</summary>
public sealed class BabysitResult
{
    internal BabysitResult(ImmutableArray<BabysitEpoch> epochs, ImmutableArray<Correction> corrections, BabysitStatus status,
        double bestCost, int bestEpoch, int checkpointEpoch, float initialLearningRate, float finalLearningRate, string? error = null)
    {
        Error = error;
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

    /// <summary>For a <see cref="BabysitStatus.Failed"/> run, the exception's type and message; null otherwise.</summary>
    public string? Error { get; }

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
        if (Error is not null)
        {
            text.Append(" (").Append(Error).Append(')');
        }

        return text.ToString();
    }
}
