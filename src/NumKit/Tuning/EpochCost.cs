using System;
using System.Collections.Immutable;

namespace NumKit.Tuning;

/// <summary>A cost reported at the end of an epoch.</summary>
/// <param name="Epoch">The epoch number the objective reported (0 for the first, as the course counts).</param>
/// <param name="Cost">The cost reported for that epoch.</param>
public readonly record struct EpochCost(int Epoch, double Cost);
