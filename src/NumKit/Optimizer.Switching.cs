using System;

namespace NumKit;

// While the parameters hold weights other than the ones the rule steps — ScheduleFreeAdamW's evaluation weights x,
// put there by ScheduleFreeWeights.ToEvaluationWeights — the stepped weights wait here bit for bit, and Step refuses:
// a step from x would corrupt the run. Switching back puts the same bits back, so evaluating never changes training.
public partial class Optimizer<TRule, T>
{
    // The weights the rule steps, set aside while the parameters hold others (allocated on the first switch, reused).
    private T[]? _setAside;

    // What the parameters hold instead and how to switch back, for Step's message; null while they hold the stepped weights.
    private string? _switchedTo;

    /// <summary>Whether the parameters hold other weights than the stepped ones (see <see cref="SetAside"/>).</summary>
    internal bool HoldsOtherWeights => _switchedTo is not null;

    /// <summary>
    /// Keeps a copy of <paramref name="parameters"/> (the stepped weights) and refuses steps until <see cref="PutBack"/>;
    /// <paramref name="switchedTo"/> says what the parameters will hold and how to switch back, for the refusal's message.
    /// </summary>
    internal void SetAside(ReadOnlySpan<T> parameters, string switchedTo)
    {
        RequireParameterLength(parameters.Length, nameof(parameters));
        _setAside ??= new T[ParameterCount];
        parameters.CopyTo(_setAside);
        _switchedTo = switchedTo;
    }

    /// <summary>Copies the weights <see cref="SetAside"/> kept back into <paramref name="parameters"/>; steps are allowed again.</summary>
    internal void PutBack(Span<T> parameters)
    {
        RequireParameterLength(parameters.Length, nameof(parameters));
        _setAside.AsSpan().CopyTo(parameters);
        _switchedTo = null;
    }

    // Reset and LoadCheckpoint start over from whatever the parameters hold: the weights set aside belong to the old run.
    private void ForgetSetAside() => _switchedTo = null;

    private void RequireSteppedWeights()
    {
        if (_switchedTo is not null)
        {
            throw new InvalidOperationException(
                $"The parameters hold {_switchedTo}. A step from them would corrupt the run; nothing was changed.");
        }
    }
}
