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
/// A training run that <see cref="Babysitter"/> can babysit: it trains one epoch at a time, exposes its
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
