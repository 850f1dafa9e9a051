using System;

namespace NumKit;

/// <summary>
/// Declares, next to a rule's hyperparameter property, the values it may take: the NumKit generator turns the
/// attributes of an <see cref="OptimizerAttribute"/> struct into its <c>IOptimizerRule&lt;TSelf&gt;.RangeOf</c>, so the
/// optimizer refuses any other value when it is set, before every step and when a checkpoint loads.
/// </summary>
/// <remarks>
/// <c>[HyperparameterRange(0, 1, MaximumExcluded = true)]</c> is 0 ≤ x &lt; 1; an infinite bound leaves that end open
/// (<c>[HyperparameterRange(0, float.PositiveInfinity)]</c>: 0 or more); values must be finite either way, unless
/// <see cref="PositiveInfinityIncluded"/> admits +∞ too, in a range whose maximum is +∞ (Prodigy's <c>GrowthRate</c>,
/// whose default +∞ means "no limit"; NaN is never admitted). A NaN bound,
/// a minimum above the maximum, a range with no value in it, a constant initial value outside the range, the
/// attribute on anything but a float hyperparameter, or the attributes together with a hand-written
/// <c>RangeOf</c> are NK0030. Hyperparameters without the attribute keep <see cref="HyperparameterRange.Default"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class HyperparameterRangeAttribute : Attribute
{
    /// <summary>Declares the range from <paramref name="minimum"/> to <paramref name="maximum"/>, both included unless excluded by name.</summary>
    public HyperparameterRangeAttribute(float minimum, float maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>The smallest value allowed (−Infinity: no lower bound).</summary>
    public float Minimum { get; }

    /// <summary>The largest value allowed (+Infinity: no upper bound).</summary>
    public float Maximum { get; }

    /// <summary>Whether <see cref="Minimum"/> itself is refused (x &gt; Minimum).</summary>
    public bool MinimumExcluded { get; set; }

    /// <summary>Whether <see cref="Maximum"/> itself is refused (x &lt; Maximum).</summary>
    public bool MaximumExcluded { get; set; }

    /// <summary>Whether +∞ itself is allowed (only with <see cref="Maximum"/> +∞, not excluded): a value meaning "no limit".</summary>
    public bool PositiveInfinityIncluded { get; set; }
}
