using System;
using System.Globalization;

namespace NumKit.Schedules;

/// <summary>
/// A piecewise-constant schedule with explicit boundaries: α(step) = values[i], where i is the number
/// of boundaries ≤ step — optax's <c>piecewise_constant_schedule</c> written as values, and, through
/// <see cref="MultiStep"/>, PyTorch's <c>MultiStepLR</c>.
/// </summary>
/// <remarks>
/// The constructor copies the boundaries and values once; <see cref="At"/> is a binary search over
/// them and allocates nothing. For stairs of equal length, <see cref="StepDecay"/> needs no arrays.
/// </remarks>
public readonly struct Staircase : ISchedule
{
    private readonly int[] _boundaries;
    private readonly float[] _values;

    /// <summary>Creates the schedule: <paramref name="values"/>[0] before <paramref name="boundaries"/>[0], values[i] from boundaries[i − 1] up to boundaries[i], and the last value from the last boundary on.</summary>
    /// <param name="boundaries">The steps at which the rate changes, strictly increasing and ≥ 1.</param>
    /// <param name="values">The rates, one more than the boundaries, each finite and ≥ 0.</param>
    /// <exception cref="ArgumentException">The counts do not match, a boundary is out of order, or a value is not a learning rate.</exception>
    public Staircase(ReadOnlySpan<int> boundaries, ReadOnlySpan<float> values)
    {
        if (values.Length != boundaries.Length + 1)
        {
            throw new ArgumentException(
                $"A staircase with {boundaries.Length} boundaries has {boundaries.Length + 1} stairs, so it needs {boundaries.Length + 1} values, not {values.Length}.",
                nameof(values));
        }

        for (int i = 0; i < boundaries.Length; i++)
        {
            int previous = i == 0 ? 0 : boundaries[i - 1];
            if (boundaries[i] <= previous)
            {
                throw new ArgumentException(
                    i == 0
                        ? $"boundaries[0] = {boundaries[0]}: a boundary must be a step ≥ 1 (values[0] already holds from step 0)."
                        : $"boundaries[{i}] = {boundaries[i]} does not come after boundaries[{i - 1}] = {previous}: boundaries must be strictly increasing.",
                    nameof(boundaries));
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]) || values[i] < 0)
            {
                throw new ArgumentException(
                    $"values[{i}] = {values[i].ToString("R", CultureInfo.InvariantCulture)} is not a finite learning rate ≥ 0.", nameof(values));
            }
        }

        _boundaries = boundaries.ToArray();
        _values = values.ToArray();
    }

    /// <summary>The steps at which the rate changes.</summary>
    public ReadOnlySpan<int> Boundaries => _boundaries;

    /// <summary>The rate of each stair.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>
    /// PyTorch's <c>MultiStepLR</c>: α(step) = lr0 · factor^(the number of milestones ≤ step).
    /// </summary>
    /// <param name="lr0">The learning rate before the first milestone, finite and ≥ 0.</param>
    /// <param name="factor">The multiplier applied at each milestone, in (0, 1].</param>
    /// <param name="milestones">The steps at which the rate is multiplied, strictly increasing and ≥ 1.</param>
    /// <exception cref="ArgumentException">An argument is outside its range.</exception>
    public static Staircase MultiStep(float lr0, float factor, ReadOnlySpan<int> milestones)
    {
        ScheduleArguments.LearningRate(lr0);
        ScheduleArguments.InRange(factor, 0, minOpen: true, 1, maxOpen: false);
        var values = new float[milestones.Length + 1];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(lr0 * Math.Pow(factor, i));
        }

        return new Staircase(milestones, values);
    }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        if (_values is null)
        {
            // Only a default(Staircase) has no stairs; like every default schedule, its rate is zero.
            return 0f;
        }

        // The first boundary greater than step: BinarySearch returns it complemented when step is not
        // a boundary; when step is boundary i, stair i + 1 has already begun.
        int index = Array.BinarySearch(_boundaries, step);
        int stair = index >= 0 ? index + 1 : ~index;
        return _values[stair];
    }
}
