using System;
using System.Collections.Immutable;
using System.Globalization;

namespace NumKit.Tuning;

/// <summary>
/// An integer hyperparameter: every integer in [<see cref="Dimension.Low"/>, <see cref="Dimension.High"/>]
/// (hidden units), or every power of two there (mini-batch sizes, scaled by log2), equally likely.
/// </summary>
public sealed class IntegerDimension : Dimension
{
    private IntegerDimension(string name, bool powersOfTwo, double low, double high)
        : base(name)
    {
        PowersOfTwo = powersOfTwo;
        Low = low;
        High = high;
        ScaleLow = ToScale(low);
        ScaleHigh = ToScale(high);
    }

    /// <summary>Whether only powers of two are allowed (the scale is then log2 of the value).</summary>
    public bool PowersOfTwo { get; }

    /// <inheritdoc/>
    public override double Low { get; }

    /// <inheritdoc/>
    public override double High { get; }

    /// <inheritdoc/>
    public override double ScaleLow { get; }

    /// <inheritdoc/>
    public override double ScaleHigh { get; }

    /// <inheritdoc/>
    public override bool IsDiscrete => true;

    /// <inheritdoc/>
    public override long? DistinctValueCount => (long)(ScaleHigh - ScaleLow) + 1;

    /// <inheritdoc/>
    public override double ToScale(double value) => PowersOfTwo ? Math.Log2(value) : value;

    /// <inheritdoc/>
    public override double FromScale(double scale)
    {
        double s = Math.Round(Math.Clamp(scale, ScaleLow, ScaleHigh), MidpointRounding.AwayFromZero);
        return PowersOfTwo ? Math.Pow(2.0, s) : s;
    }

    /// <inheritdoc/>
    public override double FromUnit(double unit)
    {
        // In doubles: the count of [0, int.MaxValue] is 2^31, which an int cannot hold.
        double count = ScaleHigh - ScaleLow + 1;
        double k = Math.Min(Math.Floor(unit * count), count - 1);
        return FromScale(ScaleLow + k);
    }

    /// <inheritdoc/>
    public override bool Contains(double value)
    {
        if (!double.IsFinite(value) || value < Low || value > High || value != Math.Floor(value))
        {
            return false;
        }

        return !PowersOfTwo || (value <= int.MaxValue && int.IsPow2((int)value));
    }

    /// <inheritdoc/>
    public override string Format(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {(PowersOfTwo ? "power of two" : "integer")} [{Brief(Low)}, {Brief(High)}]";

    internal static IntegerDimension Create(string name, int low, int high, bool powersOfTwo)
    {
        RequireName(name);
        if (powersOfTwo)
        {
            if (low <= 0 || (low & (low - 1)) != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(low), low, $"Dimension '{name}': low must be a positive power of two, but it is {low}.");
            }

            if (high <= 0 || (high & (high - 1)) != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(high), high, $"Dimension '{name}': high must be a positive power of two, but it is {high}.");
            }
        }

        if (low > high)
        {
            throw new ArgumentException($"Dimension '{name}': low ({low}) must not exceed high ({high}).", nameof(low));
        }

        return new IntegerDimension(name, powersOfTwo, low, high);
    }

    private protected override ImmutableArray<double> GridValuesCore(int points)
    {
        long count = DistinctValueCount!.Value;
        int n = (int)Math.Min(points, count);
        var picked = ImmutableArray.CreateBuilder<double>(n);
        for (int i = 0; i < n; i++)
        {
            // Evenly spread steps of the scale; every value when there are no more of them than points.
            double at = n == count ? i
                : n == 1 ? count / 2
                : Math.Round(i * (count - 1) / (double)(n - 1), MidpointRounding.AwayFromZero);
            picked.Add(FromScale(ScaleLow + at));
        }

        return picked.MoveToImmutable();
    }

    private protected override Dimension NarrowCore(double scaleLow, double scaleHigh)
    {
        const double Tolerance = 1e-9;
        double first = Math.Ceiling(scaleLow - Tolerance);
        double last = Math.Floor(scaleHigh + Tolerance);
        if (first > last)
        {
            first = last = Math.Round((scaleLow + scaleHigh) / 2, MidpointRounding.AwayFromZero);
        }

        return PowersOfTwo
            ? new IntegerDimension(Name, true, Math.Pow(2, first), Math.Pow(2, last))
            : new IntegerDimension(Name, false, first, last);
    }

    private protected override Dimension FixCore(double value) => new IntegerDimension(Name, PowersOfTwo, value, value);
}
