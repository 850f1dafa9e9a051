using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

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
