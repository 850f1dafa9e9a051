using System;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// The objective of a search whose models come from a factory: trains <paramref name="model"/> (created
/// for this trial alone) and returns the final cost. See <see cref="TrialObjective"/>.
/// </summary>
/// <typeparam name="TModel">The user's model and optimizer state; disposed after the trial if it is <see cref="IDisposable"/>.</typeparam>
public delegate double TrialTraining<in TModel>(TModel model, Trial trial, TrialReporter reporter, CancellationToken cancellationToken);
