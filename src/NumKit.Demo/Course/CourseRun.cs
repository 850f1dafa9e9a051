using System;
using NumKit.Schedules;

namespace NumKit.Demo.Course;

/// <summary>How a run's learning rate changes from epoch to epoch.</summary>
public enum DecayKind
{
    /// <summary>A constant learning rate.</summary>
    None,

    /// <summary>The course's <c>update_lr</c>: α0 / (1 + k·epoch).</summary>
    EveryEpoch,

    /// <summary>The course's <c>schedule_lr_decay</c>: α0 / (1 + k·⌊epoch / interval⌋).</summary>
    FixedInterval,
}

/// <summary>
/// One configuration of the course's experiment: an optimizer, its learning rate and decay, and (for the
/// seven runs the course prints) its published results.
/// </summary>
/// <param name="Label">The row's label in the table.</param>
/// <param name="Optimizer">The name in <see cref="Training.OptimizerCatalog"/>.</param>
/// <param name="LearningRate">α, or α0 when the rate decays.</param>
/// <param name="Decay">The decay, if any (decay rate 1, interval 1000, as the course's runs).</param>
/// <param name="PublishedCosts">The course's printed costs at epochs 0, 1000, 2000, 3000, 4000, or null.</param>
/// <param name="PublishedAccuracy">The course's printed training accuracy, or null.</param>
public sealed record CourseRun(
    string Label,
    string Optimizer,
    float LearningRate,
    DecayKind Decay,
    double[]? PublishedCosts = null,
    double? PublishedAccuracy = null)
{
    /// <summary>The decay rate k of the course's decayed runs.</summary>
    public const float DecayRate = 1f;

    /// <summary>The interval of the course's fixed-interval schedule, in epochs.</summary>
    public const int DecayInterval = 1000;

    /// <summary>The epochs at which the course prints the cost.</summary>
    public static readonly int[] PublishedEpochs = [0, 1000, 2000, 3000, 4000];

    /// <summary>
    /// The course's seven runs (5000 epochs, mini-batches of 64, its shuffles and initial weights) and
    /// the results it prints, from its notebook's output.
    /// </summary>
    public static readonly CourseRun[] Published =
    [
        new("Gradient descent, α 0.0007", "gd", 0.0007f, DecayKind.None,
            [0.702405, 0.668101, 0.635288, 0.600491, 0.573367], 0.7166666667),
        new("Momentum β 0.9, α 0.0007", "momentum", 0.0007f, DecayKind.None,
            [0.702413, 0.668167, 0.635388, 0.600591, 0.573444], 0.7166666667),
        new("Adam, α 0.0007", "adam", 0.0007f, DecayKind.None,
            [0.702166, 0.167845, 0.141316, 0.138788, 0.136066], 0.9433333333),
        new("Gradient descent, α0 0.1 / (1 + epoch)", "gd", 0.1f, DecayKind.EveryEpoch,
            [0.701091, 0.661884, 0.658620, 0.656765, 0.655486], 0.6533333333),
        new("Gradient descent, α0 0.1, interval decay", "gd", 0.1f, DecayKind.FixedInterval,
            [0.701091, 0.127161, 0.120304, 0.117033, 0.117512], 0.9433333333),
        new("Momentum, α0 0.1, interval decay", "momentum", 0.1f, DecayKind.FixedInterval,
            [0.702226, 0.128974, 0.125965, 0.123375, 0.123218], 0.9533333333),
        new("Adam, α0 0.01, interval decay", "adam", 0.01f, DecayKind.FixedInterval,
            [0.699346, 0.130074, 0.129826, 0.129282, 0.128361], 0.94),
    ];

    /// <summary>
    /// The learning rate of each epoch as the course applies it, or null for a constant rate. The course
    /// computes the decayed rate at the end of epoch i from i, so epoch e trains with the schedule's value
    /// at e − 1 and epochs 0 and 1 both use α0.
    /// </summary>
    public Func<int, float>? LearningRateAt()
    {
        float alpha0 = LearningRate;
        switch (Decay)
        {
            case DecayKind.EveryEpoch:
            {
                var schedule = new InverseTimeDecay(alpha0, DecayRate);
                return epoch => epoch == 0 ? alpha0 : schedule.At(epoch - 1);
            }

            case DecayKind.FixedInterval:
            {
                var schedule = new InverseTimeDecay(alpha0, DecayRate, DecayInterval);
                return epoch => epoch == 0 ? alpha0 : schedule.At(epoch - 1);
            }

            default:
                return null;
        }
    }
}
