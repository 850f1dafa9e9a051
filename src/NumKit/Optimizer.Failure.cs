using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace NumKit;

// A step is validated whole before any kernel writes (lengths, overlap, hyperparameters, the step count,
// non-finite gradients), so a kernel that then throws is a fault, not bad input: an out-of-memory or a bug. By
// then some of the step may be written — a split step runs every other part to its end before it rethrows, and
// groups before the failing one are done — and undoing it would need a copy of the parameters and state every
// step, as much memory traffic again as the step itself. So the step is not undone; instead the failure is
// named in the exception and remembered: the optimizer refuses Step and SaveCheckpoint (which would continue
// from or persist a half-applied step) until LoadCheckpoint or Reset puts its state back on a known footing.
public partial class Optimizer<TRule, T>
{
    // What failed, for the message of every refused call after it; null while the optimizer is sound.
    private string? _failedStep;

    /// <summary>Whether a step failed part-way (see <see cref="Step(Span{T}, ReadOnlySpan{T})"/>); cleared by <see cref="LoadCheckpoint(System.IO.Stream)"/> and <see cref="Reset"/>.</summary>
    public bool HasFailedStep => _failedStep is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RequireNoFailedStep(string call)
    {
        if (_failedStep is not null)
        {
            ThrowFailedStep(call);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowFailedStep(string call)
        => throw new InvalidOperationException(
            $"{call} refused: {_failedStep} Load a checkpoint (LoadCheckpoint) or Reset() first; restore the parameters from the same checkpoint.");

    // Called when a kernel threw after the step was validated: remember it and say exactly what happened.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException StepFailed(int t, Exception failure)
    {
        _failedStep = string.Create(CultureInfo.InvariantCulture,
            $"step {t} failed part-way ({failure.GetType().Name}: {failure.Message}); some parameters and state may hold that step's update and others not (a split step finishes every part but the failing one, and groups before the failing one are done), and StepCount stayed {t - 1}.");
        return new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture,
                $"Step {t} failed part-way after it was validated ({failure.GetType().Name}: {failure.Message}). Some parameters and state may hold this step's update and others not (a split step finishes every part but the failing one, and groups before the failing one are done); StepCount stays {t - 1}. This optimizer refuses Step and SaveCheckpoint until LoadCheckpoint or Reset."),
            failure);
    }

    private void ClearFailedStep() => _failedStep = null;
}
