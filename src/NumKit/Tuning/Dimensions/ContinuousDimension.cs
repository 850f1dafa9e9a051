using System;
using System.Collections.Immutable;
using System.Globalization;

namespace NumKit.Tuning;

/// <summary>
/// A real-valued hyperparameter on [<see cref="Dimension.Low"/>, <see cref="Dimension.High"/>], sampled
/// evenly in its <see cref="Scale"/>: linear, log (learning rates) or 1 − β on a log scale (averaging factors).
/// </summary>
public sealed class ContinuousDimension : Dimension
{
    private ContinuousDimension(string name, ContinuousScale scale, double low, double high)
        : base(name)
    {
        Scale = scale;
        Low = low;
        High = high;
        double a = ToScale(low);
        double b = ToScale(high);

        // log10(1 − β) runs the other way: the low end of the scale is the high β.
        (ScaleLow, ScaleHigh) = a <= b ? (a, b) : (b, a);
    }

    /// <summary>The scale the dimension samples evenly in.</summary>
    public ContinuousScale Scale { get; }

    /// <inheritdoc/>
    public override double Low { get; }

    /// <inheritdoc/>
    public override double High { get; }

    /// <inheritdoc/>
    public override double ScaleLow { get; }

    /// <inheritdoc/>
    public override double ScaleHigh { get; }

    /// <inheritdoc/>
    public override bool IsDiscrete => false;

    /// <inheritdoc/>
    public override long? DistinctValueCount => Low == High ? 1 : null;

    /// <inheritdoc/>
    public override double ToScale(double value) => Scale switch
    {
        ContinuousScale.Log => Math.Log10(value),
        ContinuousScale.OneMinusLog => Math.Log10(1.0 - value),
        _ => value,
    };

    /// <inheritdoc/>
    public override double FromScale(double scale)
    {
        double s = Math.Clamp(scale, ScaleLow, ScaleHigh);

        // Clamped because 10^log10(x) can miss x by an ulp, which would leave the range.
        return Scale switch
        {
            ContinuousScale.Log => Math.Clamp(Math.Pow(10.0, s), Low, High),
            ContinuousScale.OneMinusLog => Math.Clamp(1.0 - Math.Pow(10.0, s), Low, High),
            _ => s,
        };
    }

    /// <inheritdoc/>
    public override double FromUnit(double unit) => FromScale(ScaleLow + (unit * (ScaleHigh - ScaleLow)));

    /// <inheritdoc/>
    public override bool Contains(double value) => double.IsFinite(value) && value >= Low && value <= High;

    /// <inheritdoc/>
    public override string Format(double value) =>
        value.ToString(Scale == ContinuousScale.OneMinusLog ? "G5" : "G4", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Scale switch
    {
        ContinuousScale.Log => $"{Name}: log-uniform [{Brief(Low)}, {Brief(High)}]",
        ContinuousScale.OneMinusLog => $"{Name}: 1 - x log-uniform, x in [{Brief(Low)}, {Brief(High)}]",
        _ => $"{Name}: uniform [{Brief(Low)}, {Brief(High)}]",
    };

    internal static ContinuousDimension Create(string name, ContinuousScale scale, double low, double high)
    {
        RequireName(name);
        if (!double.IsFinite(low))
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"Dimension '{name}': low must be finite.");
        }

        if (!double.IsFinite(high))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"Dimension '{name}': high must be finite.");
        }

        if (low > high)
        {
            throw new ArgumentException($"Dimension '{name}': low ({Show(low)}) must not exceed high ({Show(high)}).", nameof(low));
        }

        if (scale == ContinuousScale.Log && low <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"Dimension '{name}': a log-uniform range must be positive, but low = {Show(low)}.");
        }

        if (scale == ContinuousScale.OneMinusLog && high >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"Dimension '{name}': 1 − β must stay positive, so high must be below 1, but high = {Show(high)}.");
        }

        return new ContinuousDimension(name, scale, low, high);
    }

    private protected override ImmutableArray<double> GridValuesCore(int points)
    {
        if (Low == High)
        {
            return ImmutableArray.Create(Low);
        }

        var grid = ImmutableArray.CreateBuilder<double>(points);
        for (int i = 0; i < points; i++)
        {
            double s = points == 1 ? (ScaleLow + ScaleHigh) / 2 : ScaleLow + (i * (ScaleHigh - ScaleLow) / (points - 1));
            grid.Add(FromScale(s));
        }

        return grid.MoveToImmutable();
    }

    private protected override Dimension NarrowCore(double scaleLow, double scaleHigh)
    {
        double a = FromScale(scaleLow);
        double b = FromScale(scaleHigh);
        return new ContinuousDimension(Name, Scale, Math.Min(a, b), Math.Max(a, b));
    }

    private protected override Dimension FixCore(double value) => new ContinuousDimension(Name, Scale, value, value);
}
