using System;

namespace NumKit.Schedules;

/// <summary>
/// Exponential decay, α(step) = lr0 · rate^step — the course's 0.95^epoch · α0 and PyTorch's
/// <c>ExponentialLR</c> (gamma = rate).
/// </summary>
public readonly struct ExponentialDecay : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> · <paramref name="rate"/>^step.</summary>
    /// <param name="lr0">The learning rate at step 0, finite and ≥ 0.</param>
    /// <param name="rate">The factor applied every step, in (0, 1] (the course uses 0.95).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ExponentialDecay(float lr0, float rate)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(rate, 0, minOpen: true, 1, maxOpen: false);
        InitialLearningRate = lr0;
        Rate = rate;
    }

    /// <summary>The learning rate at step 0, lr0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The factor applied every step.</summary>
    public float Rate { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        return (float)(InitialLearningRate * Math.Pow(Rate, step));
    }
}
