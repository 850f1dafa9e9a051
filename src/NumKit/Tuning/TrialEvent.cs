namespace NumKit.Tuning;

/// <summary>
/// A progress report from a running search, for a live display. Raised on the worker thread that
/// runs the trial, so handlers must be thread-safe and quick; a struct, so raising it allocates nothing.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Trial">The trial it happened to.</param>
/// <param name="Epoch">The epoch reported or pruned at; −1 for Started, and the last reported epoch (or −1) otherwise.</param>
/// <param name="Cost">The cost reported; for Completed the final cost; NaN when there is none.</param>
public readonly record struct TrialEvent(TrialEventKind Kind, Trial Trial, int Epoch, double Cost);
