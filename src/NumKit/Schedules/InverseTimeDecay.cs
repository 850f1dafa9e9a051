namespace NumKit.Schedules;

/// <summary>
/// The course's learning-rate decay, α(step) = lr0 / (1 + decayRate · ⌊step / interval⌋): with
/// interval 1, α0 / (1 + k · epoch); with a longer interval, the same decay applied only every
/// <see cref="Interval"/> steps (the course's "fixed interval scheduling").
/// </summary>
public readonly struct InverseTimeDecay : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> / (1 + <paramref name="decayRate"/> · step).</summary>
    /// <param name="lr0">The learning rate at step 0, finite and ≥ 0.</param>
    /// <param name="decayRate">The decay rate k, finite and ≥ 0 (0 keeps the rate constant).</param>
    /// <exception cref="System.ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public InverseTimeDecay(float lr0, float decayRate)
        : this(lr0, decayRate, 1)
    {
    }

    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> / (1 + <paramref name="decayRate"/> · ⌊step / <paramref name="interval"/>⌋).</summary>
    /// <param name="lr0">The learning rate at step 0, finite and ≥ 0.</param>
    /// <param name="decayRate">The decay rate k, finite and ≥ 0 (0 keeps the rate constant).</param>
    /// <param name="interval">How many steps share one rate, ≥ 1 (the course's <c>time_interval</c>).</param>
    /// <exception cref="System.ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public InverseTimeDecay(float lr0, float decayRate, int interval)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(decayRate, 0, minOpen: false, double.PositiveInfinity, maxOpen: true);
        ScheduleArguments.Positive(interval);
        InitialLearningRate = lr0;
        DecayRate = decayRate;
        Interval = interval;
    }

    /// <summary>The learning rate at step 0, lr0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The decay rate k.</summary>
    public float DecayRate { get; }

    /// <summary>How many steps share one rate (1 for the continuous form).</summary>
    public int Interval { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        // A default(InverseTimeDecay) has Interval 0; treat it as 1 rather than divide by zero.
        int interval = Interval > 0 ? Interval : 1;
        return (float)(InitialLearningRate / (1.0 + (double)DecayRate * (step / interval)));
    }
}
