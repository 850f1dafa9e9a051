using System.Threading;

namespace NumKit.Tuning;

/// <summary>
/// The objective of a search: trains one trial (its own model and optimizer), reports each epoch's
/// cost through <paramref name="reporter"/>, and returns the final cost (lower is better).
/// </summary>
/// <param name="trial">The hyperparameters to train with, and the trial's seed.</param>
/// <param name="reporter">
/// Call <see cref="TrialReporter.Report"/> after each epoch; when it returns false (pruned, or the
/// search is cancelled) stop and return.
/// </param>
/// <param name="cancellationToken">Cancelled when the search is cancelled or this trial is pruned.</param>
public delegate double TrialObjective(Trial trial, TrialReporter reporter, CancellationToken cancellationToken);
