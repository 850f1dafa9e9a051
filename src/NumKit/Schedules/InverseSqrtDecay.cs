using System;

namespace NumKit.Schedules;

/// <summary>
/// The course's inverse-square-root decay, α = k / √epoch · α0, with the course's epochs counted
/// from 1: α(step) = lr0 · k / √(step + 1).
/// </summary>
/// <remarks>
/// The course numbers epochs from 1, where NumKit's steps start at 0 (the first epoch), so step s is
/// the course's epoch s + 1: the first epoch runs at k · lr0 (lr0 itself when k = 1), the fourth at
/// k · lr0 / 2, and step 0 never divides by zero.
/// </remarks>
public readonly struct InverseSqrtDecay : ISchedule
{
    /// <summary>Creates the schedule α(step) = <paramref name="lr0"/> · <paramref name="k"/> / √(step + 1).</summary>
    /// <param name="lr0">The base learning rate α0, finite and ≥ 0.</param>
    /// <param name="k">The constant k, finite and &gt; 0; the first epoch runs at k · lr0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public InverseSqrtDecay(float lr0, float k)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(k, 0, minOpen: true, double.PositiveInfinity, maxOpen: true);
        InitialLearningRate = lr0;
        K = k;
    }

    /// <summary>The base learning rate α0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The constant k.</summary>
    public float K { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        return (float)((double)InitialLearningRate * K / Math.Sqrt(step + 1.0));
    }
}
