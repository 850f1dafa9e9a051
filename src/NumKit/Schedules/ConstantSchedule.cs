namespace NumKit.Schedules;

/// <summary>A learning rate that never changes: α(step) = lr.</summary>
public readonly struct ConstantSchedule : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr"/>.</summary>
    /// <param name="lr">The learning rate, finite and ≥ 0.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="lr"/> is negative, infinite or NaN.</exception>
    public ConstantSchedule(float lr)
    {
        ScheduleArguments.LearningRate(lr);
        LearningRate = lr;
    }

    /// <summary>The learning rate at every step.</summary>
    public float LearningRate { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        return LearningRate;
    }
}
