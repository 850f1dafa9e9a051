using System;

namespace NumKit.Schedules;

/// <summary>
/// Linear warmup from startFactor · lr0 up to lr0 over <see cref="Steps"/> steps, then lr0:
/// α(step) = lr0 · (startFactor + (1 − startFactor) · min(step, steps) / steps) — PyTorch's
/// <c>LinearLR</c> (start_factor = startFactor, end_factor = 1, total_iters = steps).
/// </summary>
/// <remarks>Chain it before a decay with <see cref="Schedule.Chain{TFirst, TSecond}"/> for warmup then cosine.</remarks>
public readonly struct LinearWarmup : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> · (<paramref name="startFactor"/> + (1 − <paramref name="startFactor"/>) · min(step, <paramref name="steps"/>) / <paramref name="steps"/>).</summary>
    /// <param name="lr0">The learning rate reached at step <paramref name="steps"/>, finite and ≥ 0.</param>
    /// <param name="startFactor">The fraction of lr0 at step 0, in (0, 1] (PyTorch's range).</param>
    /// <param name="steps">The length of the warmup, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public LinearWarmup(float lr0, float startFactor, int steps)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(startFactor, 0, minOpen: true, 1, maxOpen: false);
        ScheduleArguments.Positive(steps);
        LearningRate = lr0;
        StartFactor = startFactor;
        Steps = steps;
    }

    /// <summary>The learning rate reached at the end of the warmup, lr0.</summary>
    public float LearningRate { get; }

    /// <summary>The fraction of lr0 at step 0.</summary>
    public float StartFactor { get; }

    /// <summary>The length of the warmup, in steps.</summary>
    public int Steps { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        if (step >= Steps)
        {
            return LearningRate;
        }

        double startFactor = StartFactor;
        return (float)(LearningRate * (startFactor + (1.0 - startFactor) * step / Steps));
    }
}
