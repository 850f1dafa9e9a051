using System;
using System.Numerics;

namespace NumKit.Schedules;

/// <summary>Helpers around schedules: chaining two, and driving an optimizer's learning rate with one.</summary>
public static class Schedule
{
    /// <summary>
    /// <paramref name="first"/> for steps 0 … <paramref name="firstSteps"/> − 1, then <paramref name="second"/>
    /// from its own step 0; see <see cref="ChainedSchedule{TFirst, TSecond}"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstSteps"/> is negative.</exception>
    public static ChainedSchedule<TFirst, TSecond> Chain<TFirst, TSecond>(TFirst first, int firstSteps, TSecond second)
        where TFirst : struct, ISchedule
        where TSecond : struct, ISchedule
        => new(first, firstSteps, second);

    /// <summary>
    /// Sets the optimizer's learning rate to <paramref name="schedule"/>.At(<paramref name="step"/>) and
    /// returns it: call it once per epoch (or iteration) before stepping.
    /// </summary>
    /// <example><code>
    /// for (int epoch = 0; epoch &lt; epochs; epoch++)
    /// {
    ///     optimizer.ApplySchedule(schedule, epoch);
    ///     foreach (MiniBatch&lt;float&gt; batch in batches.NextEpoch()) { ... optimizer.Step(w, g); }
    /// }
    /// </code></example>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative; the learning rate is unchanged.</exception>
    public static float ApplySchedule<TRule, T, TSchedule>(this Optimizer<TRule, T> optimizer, in TSchedule schedule, int step)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSchedule : struct, ISchedule
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        float learningRate = schedule.At(step);
        optimizer.LearningRate = learningRate;
        return learningRate;
    }

    /// <summary>
    /// Sets the optimizer's learning rate to <paramref name="schedule"/>.At(<see cref="Optimizer{TRule, T}.StepCount"/>)
    /// and returns it: a schedule counted in steps (iterations) rather than epochs. Call it before each
    /// step; because the step count is part of the optimizer's checkpoint, a resumed run picks the
    /// schedule up where it stopped with nothing else to restore.
    /// </summary>
    /// <example><code>
    /// foreach (MiniBatch&lt;float&gt; batch in batches.NextEpoch())
    /// {
    ///     optimizer.ApplySchedule(warmup);   // step 0, 1, 2, ... across epochs and restarts
    ///     optimizer.Step(w, g);
    /// }
    /// </code></example>
    public static float ApplySchedule<TRule, T, TSchedule>(this Optimizer<TRule, T> optimizer, in TSchedule schedule)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSchedule : struct, ISchedule
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer.ApplySchedule(schedule, optimizer.StepCount);
    }
}
