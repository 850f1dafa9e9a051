using System;

namespace NumKit.Schedules;

/// <summary>
/// Cosine annealing from lr0 down to lrMin over <see cref="Period"/> steps, then lrMin:
/// α(step) = lrMin + (lr0 − lrMin) · (1 + cos(π · min(step, period) / period)) / 2 — PyTorch's
/// <c>CosineAnnealingLR</c> (T_max = period, eta_min = lrMin) within its period.
/// </summary>
/// <remarks>
/// PyTorch's formula, followed past T_max, climbs back up to lr0 over the next period; NumKit
/// holds lrMin instead (as optax's and Keras's cosine decay do), because a rate that rises again is
/// a restart and restarts are <see cref="CosineRestarts"/>'s job.
/// </remarks>
public readonly struct CosineDecay : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lrMin"/> + (<paramref name="lr0"/> − <paramref name="lrMin"/>) · (1 + cos(π · min(step, <paramref name="period"/>) / <paramref name="period"/>)) / 2.</summary>
    /// <param name="lr0">The learning rate at step 0, finite and ≥ 0.</param>
    /// <param name="lrMin">The learning rate at and after step <paramref name="period"/>, in [0, lr0].</param>
    /// <param name="period">The number of steps from lr0 to lrMin, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineDecay(float lr0, float lrMin, int period)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(lrMin, 0, minOpen: false, lr0, maxOpen: false);
        ScheduleArguments.Positive(period);
        InitialLearningRate = lr0;
        MinLearningRate = lrMin;
        Period = period;
    }

    /// <summary>The learning rate at step 0, lr0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The learning rate at and after step <see cref="Period"/>.</summary>
    public float MinLearningRate { get; }

    /// <summary>The number of steps from lr0 to lrMin.</summary>
    public int Period { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        if (step >= Period)
        {
            return MinLearningRate;
        }

        return (float)Cosine(InitialLearningRate, MinLearningRate, step, Period);
    }

    /// <summary>lrMin + (lr0 − lrMin) · (1 + cos(π · t / period)) / 2, in double precision.</summary>
    internal static double Cosine(double lr0, double lrMin, double t, double period)
        => lrMin + (lr0 - lrMin) * (1 + Math.Cos(Math.PI * t / period)) / 2;
}
