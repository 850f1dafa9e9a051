using System;
using System.Globalization;

namespace NumKit;

/// <summary>
/// The values a hyperparameter may take: a finite number from <see cref="Minimum"/> to <see cref="Maximum"/>
/// (the minimum excluded when <see cref="MinimumExcluded"/>, the maximum when <see cref="MaximumExcluded"/>), and +∞
/// as well where <see cref="PositiveInfinityIncluded"/>. A rule declares each hyperparameter's range next to
/// its properties (<see cref="HyperparameterRangeAttribute"/>, which the generator turns into <c>IOptimizerRule&lt;TSelf&gt;.RangeOf</c>); the optimizer checks every hyperparameter against it
/// when it is set through the optimizer, before every step and when a checkpoint loads.
/// </summary>
public readonly record struct HyperparameterRange(float Minimum, float Maximum, bool MaximumExcluded = false)
{
    /// <summary>Whether <see cref="Minimum"/> itself is outside the range (x &gt; Minimum): 0 &lt; η₋ &lt; 1, say.</summary>
    public bool MinimumExcluded { get; init; }

    /// <summary>
    /// Whether +∞ is in the range too (a range without an upper bound): Prodigy's <c>GrowthRate</c>, whose default +∞
    /// means "no limit". NaN is never in a range, and −∞ never.
    /// </summary>
    public bool PositiveInfinityIncluded { get; init; }

    /// <summary>Any finite number: the default for a hyperparameter its rule does not declare.</summary>
    public static HyperparameterRange Finite { get; } = new(float.MinValue, float.MaxValue);

    /// <summary>0 or more: learning rates, ε, weight decay.</summary>
    public static HyperparameterRange NonNegative { get; } = new(0, float.MaxValue);

    /// <summary>0 ≤ x &lt; 1: a decay rate whose average must forget (PyTorch's range for Adam's betas).</summary>
    public static HyperparameterRange Fraction { get; } = new(0, 1, MaximumExcluded: true);

    /// <summary>0 ≤ x ≤ 1.</summary>
    public static HyperparameterRange UnitInterval { get; } = new(0, 1);

    /// <summary>
    /// The range of a hyperparameter no rule declares: <see cref="NonNegative"/> for <c>LearningRate</c> (every rule's,
    /// as PyTorch checks it), <see cref="Finite"/> for any other.
    /// </summary>
    public static HyperparameterRange Default(string hyperparameter)
        => hyperparameter == "LearningRate" ? NonNegative : Finite;

    /// <summary>Whether <paramref name="value"/> is a finite number in the range, or +∞ where <see cref="PositiveInfinityIncluded"/>.</summary>
    public bool Contains(float value)
        => float.IsPositiveInfinity(value)
            ? PositiveInfinityIncluded
            : float.IsFinite(value)
                && (MinimumExcluded ? value > Minimum : value >= Minimum)
                && (MaximumExcluded ? value < Maximum : value <= Maximum);

    /// <summary>The range as it is written in messages: "[0, 1)", "(0, 1)", "0 or more (finite)", "more than 1 (finite)", "any finite number".</summary>
    public override string ToString()
    {
        if (Minimum == float.MinValue && Maximum == float.MaxValue && !MinimumExcluded && !MaximumExcluded)
        {
            return "any finite number";
        }

        if (Maximum == float.MaxValue && !MaximumExcluded)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(MinimumExcluded ? "more than " : string.Empty)}{Minimum}{(MinimumExcluded ? string.Empty : " or more")} ({(PositiveInfinityIncluded ? "finite or +∞" : "finite")})");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(MinimumExcluded ? "(" : "[")}{Minimum}, {Maximum}{(MaximumExcluded ? ")" : "]")}");
    }
}
