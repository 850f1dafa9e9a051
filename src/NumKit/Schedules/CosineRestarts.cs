using System;

namespace NumKit.Schedules;

/// <summary>
/// Cosine annealing with warm restarts (SGDR): cosine from lr0 down towards lrMin over a period, then
/// back to lr0, each period <see cref="PeriodFactor"/> times longer than the last —
/// α(step) = lrMin + (lr0 − lrMin) · (1 + cos(π · T_cur / T_i)) / 2, where period i lasts
/// T_i = period0 · periodFactor^i steps and T_cur counts the steps since it began. This is PyTorch's
/// <c>CosineAnnealingWarmRestarts</c> (T_0 = period0, T_mult = periodFactor, eta_min = lrMin).
/// </summary>
/// <remarks>
/// PyTorch requires an integer T_mult; NumKit also accepts a real factor ≥ 1, with period i
/// starting at step period0 · (periodFactor^i − 1) / (periodFactor − 1) (the same closed form), so
/// with a non-integer factor a restart can fall between two steps.
/// </remarks>
public readonly struct CosineRestarts : ISchedule
{
    /// <summary>Creates the schedule; see <see cref="CosineRestarts"/> for the formula.</summary>
    /// <param name="lr0">The learning rate at the start of every period, finite and ≥ 0.</param>
    /// <param name="lrMin">The learning rate the cosine approaches at the end of each period, in [0, lr0].</param>
    /// <param name="period0">The length of the first period in steps, ≥ 1.</param>
    /// <param name="periodFactor">How much longer each period is than the previous one, finite and ≥ 1 (1: equal periods).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineRestarts(float lr0, float lrMin, int period0, float periodFactor)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(lrMin, 0, minOpen: false, lr0, maxOpen: false);
        ScheduleArguments.Positive(period0);
        ScheduleArguments.InRange(periodFactor, 1, minOpen: false, double.PositiveInfinity, maxOpen: true);
        InitialLearningRate = lr0;
        MinLearningRate = lrMin;
        FirstPeriod = period0;
        PeriodFactor = periodFactor;
    }

    /// <summary>The learning rate at the start of every period, lr0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The learning rate the cosine approaches at the end of each period.</summary>
    public float MinLearningRate { get; }

    /// <summary>The length of the first period, in steps (period0).</summary>
    public int FirstPeriod { get; }

    /// <summary>How much longer each period is than the previous one.</summary>
    public float PeriodFactor { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        if (FirstPeriod <= 0)
        {
            // Only a default(CosineRestarts) gets here: it has no periods and every rate is zero.
            return MinLearningRate;
        }

        double sinceRestart, period;
        if (PeriodFactor <= 1)
        {
            period = FirstPeriod;
            sinceRestart = step % FirstPeriod;
        }
        else
        {
            double factor = PeriodFactor;
            // Period i starts at period0 · (factor^i − 1) / (factor − 1); invert that for the period holding
            // step, then correct by one either way in case rounding in Log put it across a boundary.
            int i = (int)Math.Floor(Math.Log(step / (double)FirstPeriod * (factor - 1) + 1, factor));
            while (i > 0 && Start(i, factor) > step)
            {
                i--;
            }

            while (Start(i + 1, factor) <= step)
            {
                i++;
            }

            period = FirstPeriod * Math.Pow(factor, i);
            sinceRestart = step - Start(i, factor);
        }

        return (float)CosineDecay.Cosine(InitialLearningRate, MinLearningRate, sinceRestart, period);
    }

    private double Start(int period, double factor) => FirstPeriod * (Math.Pow(factor, period) - 1) / (factor - 1);
}
