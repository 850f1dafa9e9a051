using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

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

    /// <summary>
    /// A file that holds the last good checkpoint, replaced atomically (a temporary file, flushed to disk,
    /// renamed over it) each time the babysitter saves one, so a crash keeps it. Needs a run that also
    /// implements <see cref="IPersistentBabysatRun"/>. Null (the default): checkpoints stay in memory.
    /// </summary>
    public string? CheckpointPath { get; init; }
}
