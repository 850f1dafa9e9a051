using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace NumKit.Schedules;

/// <summary>The argument checks every schedule's constructor and <c>At</c> share, so their messages read alike.</summary>
internal static class ScheduleArguments
{
    /// <summary>Throws unless <paramref name="value"/> is a finite learning rate ≥ 0.</summary>
    public static void LearningRate(float value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!float.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite learning rate ≥ 0, not {Format(value)}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and within [<paramref name="min"/>, <paramref name="max"/>] (an open end when the matching flag says so).</summary>
    public static void InRange(float value, double min, bool minOpen, double max, bool maxOpen, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        bool aboveMin = minOpen ? value > min : value >= min;
        bool belowMax = maxOpen ? value < max : value <= max;
        if (!float.IsFinite(value) || !aboveMin || !belowMax)
        {
            string range = (minOpen ? "(" : "[") + Format(min) + ", " + (double.IsPositiveInfinity(max) ? "∞" : Format(max)) + (maxOpen ? ")" : "]");
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite number in {range}, not {Format(value)}.");
        }
    }

    /// <summary>Throws unless a step count or period is at least one step.</summary>
    public static void Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be at least 1 step, not {value}.");
        }
    }

    /// <summary>Throws unless the step passed to <c>At</c> is ≥ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step(int step)
    {
        if (step < 0)
        {
            ThrowNegativeStep(step);
        }
    }

    /// <summary>Formats a number the same way on every machine, for messages.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats a float by its shortest round-trip text (0.1, not 0.100000001), for messages.</summary>
    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    // Kept out of line so the check in At stays small enough to inline.
    private static void ThrowNegativeStep(int step)
        => throw new ArgumentOutOfRangeException(nameof(step), step, $"A schedule's step starts at 0 (the first epoch or iteration), not {step}.");
}
