using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace NumKit.Tuning;

/// <summary>
/// One named hyperparameter of a <see cref="SearchSpace"/>: its range and the scale it is sampled in.
/// Three kinds: <see cref="ContinuousDimension"/> (linear, log, or 1 − β on a log scale),
/// <see cref="IntegerDimension"/> (every integer, or powers of two) and <see cref="ChoiceDimension"/>.
/// Immutable; the factories below build them.
/// </summary>
/// <remarks>
/// Every dimension maps a unit number u in [0, 1) to a value by spreading u evenly over its
/// <em>scale</em> — log10(α) for a log-uniform α, log10(1 − β) for β, log2 of a batch size — so random
/// search, grids, coarse-to-fine narrowing and TPE all work in the scale where the parameter's effect is
/// even. A trial stores every value as a double; a choice's value is its index, and
/// <see cref="Trial.GetString"/> gives its label.
/// </remarks>
public abstract class Dimension
{
    private protected Dimension(string name)
    {
        Name = name;
    }

    /// <summary>The hyperparameter's name, as trials and CSV columns call it.</summary>
    public string Name { get; }

    /// <summary>The smallest value (for a choice, the lowest allowed index).</summary>
    public abstract double Low { get; }

    /// <summary>The largest value (for a choice, the highest allowed index).</summary>
    public abstract double High { get; }

    /// <summary>The lower end of the range in the dimension's scale (see <see cref="ToScale"/>).</summary>
    public abstract double ScaleLow { get; }

    /// <summary>The upper end of the range in the dimension's scale.</summary>
    public abstract double ScaleHigh { get; }

    /// <summary>Whether the dimension takes finitely many values (integers, powers of two, choices).</summary>
    public abstract bool IsDiscrete { get; }

    /// <summary>How many distinct values the dimension can take, or null if it is continuous and not fixed.</summary>
    public abstract long? DistinctValueCount { get; }

    /// <summary>The middle of the range in the dimension's scale (for a choice, the first allowed one).</summary>
    public virtual double Center => FromScale((ScaleLow + ScaleHigh) / 2);

    /// <summary>Uniform on [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not finite, or low &gt; high.</exception>
    public static ContinuousDimension Uniform(string name, double low, double high) =>
        ContinuousDimension.Create(name, ContinuousScale.Linear, low, high);

    /// <summary>
    /// Log-uniform on [<paramref name="low"/>, <paramref name="high"/>]: r uniform in [log10 low, log10 high],
    /// value 10^r. <c>LogUniform("alpha", 1e-4, 1)</c> is the course's r = −4·rand, α = 10^r.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not finite and positive, or low &gt; high.</exception>
    public static ContinuousDimension LogUniform(string name, double low, double high) =>
        ContinuousDimension.Create(name, ContinuousScale.Log, low, high);

    /// <summary>
    /// "1 − β on a log scale" for β in [<paramref name="low"/>, <paramref name="high"/>]: r uniform in
    /// [log10(1 − high), log10(1 − low)], β = 1 − 10^r. For [0.9, 0.999], r is uniform in [−3, −1], so
    /// 0.9…0.99 and 0.99…0.999 are equally likely (the averaging window 1/(1 − β) spans 10 to 1000 evenly in log).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not finite, low &gt; high, or high ≥ 1.</exception>
    public static ContinuousDimension OneMinusLogUniform(string name, double low, double high) =>
        ContinuousDimension.Create(name, ContinuousScale.OneMinusLog, low, high);

    /// <summary>Every integer from <paramref name="low"/> to <paramref name="high"/>, both included, equally likely.</summary>
    /// <exception cref="ArgumentException">The name is empty or low &gt; high.</exception>
    public static IntegerDimension Integer(string name, int low, int high) => IntegerDimension.Create(name, low, high, powersOfTwo: false);

    /// <summary>
    /// Every power of two from <paramref name="low"/> to <paramref name="high"/> (such as 16, 32, 64, 128,
    /// 256 for mini-batch sizes), equally likely.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not a positive power of two, or low &gt; high.</exception>
    public static IntegerDimension PowerOfTwo(string name, int low, int high) => IntegerDimension.Create(name, low, high, powersOfTwo: true);

    /// <summary>One of <paramref name="choices"/>, equally likely (such as "momentum", "adam").</summary>
    /// <exception cref="ArgumentException">The name is empty, there are no choices, or a label is empty or repeated.</exception>
    public static ChoiceDimension Choice(string name, params string[] choices) => ChoiceDimension.Create(name, choices);

    /// <summary>One of the numbers <paramref name="choices"/>, equally likely; <see cref="Trial.GetDouble"/> returns the number.</summary>
    /// <exception cref="ArgumentException">The name is empty, there are no choices, or a number is not finite or is repeated.</exception>
    public static ChoiceDimension Choice(string name, params double[] choices) => ChoiceDimension.Create(name, choices);

    /// <summary>
    /// Maps a value to the dimension's scale: log10(x) for log-uniform, log10(1 − x) for 1 − β on a log
    /// scale, log2(x) for powers of two, the index for a choice, the value itself otherwise.
    /// </summary>
    public abstract double ToScale(double value);

    /// <summary>
    /// Maps a point of the scale back to a value inside the range; discrete dimensions round to the
    /// nearest value they allow.
    /// </summary>
    public abstract double FromScale(double scale);

    /// <summary>
    /// The value at <paramref name="unit"/> ∈ [0, 1) of the range, spread evenly over the scale: what a
    /// uniform random number becomes. Discrete dimensions split [0, 1) into equal cells, one per value.
    /// </summary>
    public abstract double FromUnit(double unit);

    /// <summary>Whether <paramref name="value"/> is one this dimension can produce.</summary>
    public abstract bool Contains(double value);

    /// <summary>
    /// <paramref name="points"/> values evenly spaced in the dimension's scale, both ends included (one
    /// point: the middle). A discrete dimension with fewer values than that returns all of them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="points"/> is not positive.</exception>
    public ImmutableArray<double> GridValues(int points)
    {
        if (points <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(points), points, $"Dimension '{Name}': a grid needs at least one point.");
        }

        return GridValuesCore(points);
    }

    /// <summary>
    /// The same dimension restricted to [<paramref name="scaleLow"/>, <paramref name="scaleHigh"/>] of its
    /// scale (clamped to the current range): log dimensions narrow in log space. A discrete dimension
    /// keeps the values inside, or the one nearest the middle if none is.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is NaN or scaleLow &gt; scaleHigh.</exception>
    public Dimension Narrow(double scaleLow, double scaleHigh)
    {
        if (double.IsNaN(scaleLow) || double.IsNaN(scaleHigh) || scaleLow > scaleHigh)
        {
            throw new ArgumentException($"Dimension '{Name}': cannot narrow to [{Show(scaleLow)}, {Show(scaleHigh)}] of its scale.", nameof(scaleLow));
        }

        return NarrowCore(Math.Clamp(scaleLow, ScaleLow, ScaleHigh), Math.Clamp(scaleHigh, ScaleLow, ScaleHigh));
    }

    /// <summary>
    /// The region around <paramref name="values"/> (the best trials' values of this parameter), in the
    /// dimension's scale: their span widened by <paramref name="margin"/> of itself on each side, at
    /// least <paramref name="minimumWidth"/> of the current range wide, kept inside the current range.
    /// A choice keeps the choices that appear among the values.
    /// </summary>
    /// <exception cref="ArgumentException">No values, a value the dimension cannot produce, or a negative margin or width.</exception>
    public Dimension NarrowAround(IReadOnlyCollection<double> values, double margin, double minimumWidth)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException($"Dimension '{Name}': narrowing needs at least one value.", nameof(values));
        }

        if (!(margin >= 0) || !double.IsFinite(margin))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be a finite non-negative fraction.");
        }

        if (!(minimumWidth >= 0) || minimumWidth > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumWidth), minimumWidth, "The minimum width must be a fraction of the range in [0, 1].");
        }

        foreach (double value in values)
        {
            if (!Contains(value))
            {
                throw new ArgumentException($"Dimension '{Name}': {Show(value)} is not a value of {this}.", nameof(values));
            }
        }

        return NarrowAroundCore(values, margin, minimumWidth);
    }

    /// <summary>The same dimension holding one value: what a staged search does to the parameters it is not tuning.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a value this dimension can produce.</exception>
    public Dimension Fix(double value)
    {
        if (!Contains(value))
        {
            throw new ArgumentException($"Dimension '{Name}': cannot fix it at {Show(value)}, which is not a value of {this}.", nameof(value));
        }

        return FixCore(value);
    }

    /// <summary>The number a value stands for: the value itself, or for a numeric choice the chosen number.</summary>
    /// <exception cref="InvalidOperationException">The dimension is a choice of labels.</exception>
    public virtual double NumberOf(double value) => value;

    /// <summary>A value as text: the label of a choice, an integer, or a number with a few significant digits.</summary>
    public abstract string Format(double value);

    /// <summary>A value exactly, for files: the label of a choice, otherwise the round-trip number.</summary>
    public virtual string FormatExact(double value) => Show(value);

    /// <summary>Reads a value written by <see cref="FormatExact"/> back (a choice's label, or a number).</summary>
    /// <exception cref="FormatException">The text is not a value of this dimension.</exception>
    public virtual double ParseExact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !Contains(value))
        {
            throw new FormatException($"Dimension '{Name}': '{text}' is not a value of {this}.");
        }

        return value;
    }

    /// <summary>The dimension as a line of text, such as <c>alpha: log-uniform [0.0001, 1]</c> (six significant digits).</summary>
    public abstract override string ToString();

    /// <summary>See <see cref="GridValues"/>; <paramref name="points"/> is positive.</summary>
    private protected abstract ImmutableArray<double> GridValuesCore(int points);

    /// <summary>See <see cref="Narrow"/>; the bounds are already clamped to the range and ordered.</summary>
    private protected abstract Dimension NarrowCore(double scaleLow, double scaleHigh);

    /// <summary>See <see cref="Fix"/>; the value is one the dimension can produce.</summary>
    private protected abstract Dimension FixCore(double value);

    /// <summary>See <see cref="NarrowAround"/>; the arguments are checked. Widens the values' span in the scale.</summary>
    private protected virtual Dimension NarrowAroundCore(IReadOnlyCollection<double> values, double margin, double minimumWidth)
    {
        double a = values.Min(ToScale);
        double b = values.Max(ToScale);
        double range = ScaleHigh - ScaleLow;
        double width = Math.Max((b - a) * (1 + (2 * margin)), minimumWidth * range);
        double lo = ((a + b) / 2) - (width / 2);
        double hi = ((a + b) / 2) + (width / 2);

        // Slide a window that sticks out of the range back inside, keeping its width.
        if (lo < ScaleLow)
        {
            hi = Math.Min(ScaleHigh, hi + (ScaleLow - lo));
            lo = ScaleLow;
        }

        if (hi > ScaleHigh)
        {
            lo = Math.Max(ScaleLow, lo - (hi - ScaleHigh));
            hi = ScaleHigh;
        }

        return Narrow(Math.Min(lo, a), Math.Max(hi, b));
    }

    internal static string Brief(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private protected static void RequireName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A dimension needs a non-empty name.", nameof(name));
        }
    }
}
