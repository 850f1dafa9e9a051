using System;

namespace NumKit.Schedules;

/// <summary>
/// Polynomial decay to zero over <see cref="Total"/> steps:
/// α(step) = lr0 · (1 − min(step, total) / total)^power — PyTorch's <c>PolynomialLR</c>
/// (total_iters = total); power 1 is a straight line to zero.
/// </summary>
public readonly struct PolynomialDecay : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> · (1 − min(step, <paramref name="total"/>) / <paramref name="total"/>)^<paramref name="power"/>.</summary>
    /// <param name="lr0">The learning rate at step 0, finite and ≥ 0.</param>
    /// <param name="total">The step at which the rate reaches zero, ≥ 1.</param>
    /// <param name="power">The exponent, finite and &gt; 0 (1: linear; 2: quadratic).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public PolynomialDecay(float lr0, int total, float power)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.Positive(total);
        ScheduleArguments.InRange(power, 0, minOpen: true, double.PositiveInfinity, maxOpen: true);
        InitialLearningRate = lr0;
        Total = total;
        Power = power;
    }

    /// <summary>The learning rate at step 0, lr0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The step at which the rate reaches zero.</summary>
    public int Total { get; }

    /// <summary>The exponent.</summary>
    public float Power { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        if (step >= Total)
        {
            return 0f;
        }

        return (float)(InitialLearningRate * Math.Pow(1.0 - (double)step / Total, Power));
    }
}
