using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>One epoch of a babysat run, as a chart needs it.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Cost">The cost the epoch returned.</param>
/// <param name="SmoothedCost">The bias-corrected exponentially weighted average of the costs so far (diverged epochs left out); NaN before the first good epoch.</param>
/// <param name="LearningRate">The learning rate the epoch trained with.</param>
/// <param name="Correction">The correction made after this epoch, if any.</param>
public readonly record struct BabysitEpoch(int Epoch, double Cost, double SmoothedCost, float LearningRate, CorrectionKind? Correction);
