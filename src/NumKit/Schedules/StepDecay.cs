using System;

namespace NumKit.Schedules;

/// <summary>
/// The discrete staircase: the learning rate is multiplied by <see cref="Factor"/> every
/// <see cref="Every"/> steps, α(step) = lr0 · factor^⌊step / every⌋ — PyTorch's <c>StepLR</c>
/// (gamma = factor, step_size = every).
/// </summary>
/// <remarks>For stairs of uneven length or explicit values, use <see cref="Staircase"/>.</remarks>
public readonly struct StepDecay : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> · <paramref name="factor"/>^⌊step / <paramref name="every"/>⌋.</summary>
    /// <param name="lr0">The learning rate of the first stair, finite and ≥ 0.</param>
    /// <param name="factor">The multiplier applied at each stair, in (0, 1] (0.5 halves the rate).</param>
    /// <param name="every">The length of each stair in steps, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public StepDecay(float lr0, float factor, int every)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(factor, 0, minOpen: true, 1, maxOpen: false);
        ScheduleArguments.Positive(every);
        InitialLearningRate = lr0;
        Factor = factor;
        Every = every;
    }

    /// <summary>The learning rate of the first stair, lr0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The multiplier applied at each stair.</summary>
    public float Factor { get; }

    /// <summary>The length of each stair, in steps.</summary>
    public int Every { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        // A default(StepDecay) has Every 0; treat it as 1 rather than divide by zero.
        int every = Every > 0 ? Every : 1;
        return (float)(InitialLearningRate * Math.Pow(Factor, step / every));
    }
}
