using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace NumKit.Tuning;

/// <summary>How a <see cref="Dimension"/> spreads its samples, and the scale it is searched in.</summary>
public enum DimensionKind
{
    /// <summary>Uniform on [low, high]; its scale is the value itself.</summary>
    Uniform,

    /// <summary>Uniform in log10 of the value, so each decade gets the same share (the course's α = 10^r); its scale is log10(x).</summary>
    LogUniform,

    /// <summary>Uniform in log10(1 − x), for averaging factors β near 1 (0.9 … 0.999); its scale is log10(1 − x).</summary>
    OneMinusLogUniform,

    /// <summary>Every integer in [low, high] equally likely, both ends included; its scale is the integer.</summary>
    Integer,

    /// <summary>Every power of two in [low, high] equally likely (mini-batch sizes); its scale is log2(x).</summary>
    PowerOfTwo,

    /// <summary>One of a list of choices, equally likely; a trial's value is the choice's index, which is also its scale.</summary>
    Choice,
}

/// <summary>
/// One named hyperparameter of a <see cref="SearchSpace"/>: its range and the scale it is sampled in
/// (linear, log, 1 − β on a log scale, integers, powers of two or choices). Immutable.
/// </summary>
/// <remarks>
/// Every dimension maps a unit number u in [0, 1) to a value by spreading u evenly over its
/// <em>scale</em> — log10(α) for a log-uniform α, log10(1 − β) for β, log2 of a batch size — so random
/// search, grids and coarse-to-fine narrowing all work in the scale where the parameter's effect is
/// even. Choices carry their index as the value; <see cref="Trial.GetString"/> gives the label.
/// </remarks>
public sealed class Dimension
{
    private readonly ImmutableArray<double> _choiceNumbers;

    private Dimension(string name, DimensionKind kind, double low, double high,
        ImmutableArray<string> choices, ImmutableArray<double> choiceNumbers, ImmutableArray<int> allowed)
    {
        Name = name;
        Kind = kind;
        Low = low;
        High = high;
        Choices = choices;
        _choiceNumbers = choiceNumbers;
        AllowedChoices = allowed;
        (ScaleLow, ScaleHigh) = kind switch
        {
            DimensionKind.Choice => (allowed[0], allowed[^1]),
            DimensionKind.OneMinusLogUniform => (ToScale(high), ToScale(low)),
            _ => (ToScale(low), ToScale(high)),
        };
    }

    /// <summary>The hyperparameter's name, as trials and CSV columns call it.</summary>
    public string Name { get; }

    /// <summary>How the dimension samples, and its scale.</summary>
    public DimensionKind Kind { get; }

    /// <summary>The smallest value (for a choice, the lowest allowed index).</summary>
    public double Low { get; }

    /// <summary>The largest value (for a choice, the highest allowed index).</summary>
    public double High { get; }

    /// <summary>The lower end of the range in the dimension's scale (see <see cref="ToScale"/>).</summary>
    public double ScaleLow { get; }

    /// <summary>The upper end of the range in the dimension's scale.</summary>
    public double ScaleHigh { get; }

    /// <summary>A choice's labels, all of them (narrowing keeps the list and shrinks <see cref="AllowedChoices"/>); empty otherwise.</summary>
    public ImmutableArray<string> Choices { get; }

    /// <summary>The indices into <see cref="Choices"/> this dimension samples from, ascending; empty for other kinds.</summary>
    public ImmutableArray<int> AllowedChoices { get; }

    /// <summary>Whether the dimension takes finitely many values (integers, powers of two, choices).</summary>
    public bool IsDiscrete => Kind is DimensionKind.Integer or DimensionKind.PowerOfTwo or DimensionKind.Choice;

    /// <summary>Whether the choices are numbers (<see cref="Trial.GetDouble"/> then returns the chosen number).</summary>
    public bool HasNumericChoices => Kind == DimensionKind.Choice && !_choiceNumbers.IsDefaultOrEmpty;

    /// <summary>How many distinct values the dimension can take, or null if it is continuous and not fixed.</summary>
    public int? DistinctValueCount => Kind switch
    {
        DimensionKind.Choice => AllowedChoices.Length,
        DimensionKind.Integer or DimensionKind.PowerOfTwo => (int)(ScaleHigh - ScaleLow) + 1,
        _ => Low == High ? 1 : null,
    };

    /// <summary>Uniform on [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not finite, or low &gt; high.</exception>
    public static Dimension Uniform(string name, double low, double high)
    {
        RequireName(name);
        RequireRange(name, low, high);
        return Continuous(name, DimensionKind.Uniform, low, high);
    }

    /// <summary>
    /// Log-uniform on [<paramref name="low"/>, <paramref name="high"/>]: r uniform in [log10 low, log10 high],
    /// value 10^r. <c>LogUniform("alpha", 1e-4, 1)</c> is the course's r = −4·rand, α = 10^r.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not finite and positive, or low &gt; high.</exception>
    public static Dimension LogUniform(string name, double low, double high)
    {
        RequireName(name);
        RequireRange(name, low, high);
        if (low <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"Dimension '{name}': a log-uniform range must be positive, but low = {Show(low)}.");
        }

        return Continuous(name, DimensionKind.LogUniform, low, high);
    }

    /// <summary>
    /// "1 − β on a log scale" for β in [<paramref name="low"/>, <paramref name="high"/>]: r uniform in
    /// [log10(1 − high), log10(1 − low)], β = 1 − 10^r. For [0.9, 0.999], r is uniform in [−3, −1], so
    /// 0.9…0.99 and 0.99…0.999 are equally likely (the averaging window 1/(1 − β) spans 10 to 1000 evenly in log).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not finite, low &gt; high, or high ≥ 1.</exception>
    public static Dimension OneMinusLogUniform(string name, double low, double high)
    {
        RequireName(name);
        RequireRange(name, low, high);
        if (high >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"Dimension '{name}': 1 − β must stay positive, so high must be below 1, but high = {Show(high)}.");
        }

        return Continuous(name, DimensionKind.OneMinusLogUniform, low, high);
    }

    /// <summary>Every integer from <paramref name="low"/> to <paramref name="high"/>, both included, equally likely.</summary>
    /// <exception cref="ArgumentException">The name is empty or low &gt; high.</exception>
    public static Dimension Integer(string name, int low, int high)
    {
        RequireName(name);
        if (low > high)
        {
            throw new ArgumentException($"Dimension '{name}': low ({low}) must not exceed high ({high}).", nameof(low));
        }

        return new Dimension(name, DimensionKind.Integer, low, high, ImmutableArray<string>.Empty, default, ImmutableArray<int>.Empty);
    }

    /// <summary>
    /// Every power of two from <paramref name="low"/> to <paramref name="high"/> (such as 16, 32, 64, 128,
    /// 256 for mini-batch sizes), equally likely.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, a bound is not a positive power of two, or low &gt; high.</exception>
    public static Dimension PowerOfTwo(string name, int low, int high)
    {
        RequireName(name);
        if (low <= 0 || (low & (low - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"Dimension '{name}': low must be a positive power of two, but it is {low}.");
        }

        if (high <= 0 || (high & (high - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"Dimension '{name}': high must be a positive power of two, but it is {high}.");
        }

        if (low > high)
        {
            throw new ArgumentException($"Dimension '{name}': low ({low}) must not exceed high ({high}).", nameof(low));
        }

        return new Dimension(name, DimensionKind.PowerOfTwo, low, high, ImmutableArray<string>.Empty, default, ImmutableArray<int>.Empty);
    }

    /// <summary>One of <paramref name="choices"/>, equally likely (such as "momentum", "adam").</summary>
    /// <exception cref="ArgumentException">The name is empty, there are no choices, or a label is empty or repeated.</exception>
    public static Dimension Choice(string name, params string[] choices)
    {
        RequireName(name);
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentException($"Dimension '{name}': a choice needs at least one option.", nameof(choices));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < choices.Length; i++)
        {
            if (string.IsNullOrEmpty(choices[i]))
            {
                throw new ArgumentException($"Dimension '{name}': choice {i} is empty.", nameof(choices));
            }

            if (!seen.Add(choices[i]))
            {
                throw new ArgumentException($"Dimension '{name}': the choice '{choices[i]}' is listed twice.", nameof(choices));
            }
        }

        return new Dimension(name, DimensionKind.Choice, 0, choices.Length - 1,
            choices.ToImmutableArray(), default, Enumerable.Range(0, choices.Length).ToImmutableArray());
    }

    /// <summary>One of the numbers <paramref name="choices"/>, equally likely; <see cref="Trial.GetDouble"/> returns the number.</summary>
    /// <exception cref="ArgumentException">The name is empty, there are no choices, or a number is not finite or is repeated.</exception>
    public static Dimension Choice(string name, params double[] choices)
    {
        RequireName(name);
        ArgumentNullException.ThrowIfNull(choices);
        for (int i = 0; i < choices.Length; i++)
        {
            if (!double.IsFinite(choices[i]))
            {
                throw new ArgumentException($"Dimension '{name}': choice {i} is {Show(choices[i])}, not a finite number.", nameof(choices));
            }
        }

        Dimension labelled = Choice(name, choices.Select(Show).ToArray());
        return new Dimension(name, DimensionKind.Choice, labelled.Low, labelled.High,
            labelled.Choices, choices.ToImmutableArray(), labelled.AllowedChoices);
    }

    /// <summary>
    /// Maps a value to the dimension's scale: log10(x) for log-uniform, log10(1 − x) for 1 − β on a log
    /// scale, log2(x) for powers of two, the index for a choice, the value itself otherwise.
    /// </summary>
    public double ToScale(double value) => Kind switch
    {
        DimensionKind.LogUniform => Math.Log10(value),
        DimensionKind.OneMinusLogUniform => Math.Log10(1.0 - value),
        DimensionKind.PowerOfTwo => Math.Log2(value),
        _ => value,
    };

    /// <summary>
    /// Maps a point of the scale back to a value inside the range; discrete dimensions round to the
    /// nearest value they allow.
    /// </summary>
    public double FromScale(double scale)
    {
        double s = Math.Clamp(scale, ScaleLow, ScaleHigh);
        switch (Kind)
        {
            case DimensionKind.Uniform:
                return s;
            case DimensionKind.LogUniform:
                // Clamped because 10^log10(x) can miss x by an ulp, which would leave the range.
                return Math.Clamp(Math.Pow(10.0, s), Low, High);
            case DimensionKind.OneMinusLogUniform:
                return Math.Clamp(1.0 - Math.Pow(10.0, s), Low, High);
            case DimensionKind.Integer:
                return Math.Round(s, MidpointRounding.AwayFromZero);
            case DimensionKind.PowerOfTwo:
                return Math.Pow(2.0, Math.Round(s, MidpointRounding.AwayFromZero));
            default:
                int nearest = AllowedChoices[0];
                foreach (int index in AllowedChoices)
                {
                    if (Math.Abs(index - s) < Math.Abs(nearest - s))
                    {
                        nearest = index;
                    }
                }

                return nearest;
        }
    }

    /// <summary>
    /// The value at <paramref name="unit"/> ∈ [0, 1) of the range, spread evenly over the scale: what a
    /// uniform random number becomes. Discrete dimensions split [0, 1) into equal cells, one per value.
    /// </summary>
    public double FromUnit(double unit)
    {
        switch (Kind)
        {
            case DimensionKind.Uniform:
                return Math.Clamp(Low + (unit * (High - Low)), Low, High);
            case DimensionKind.LogUniform:
            case DimensionKind.OneMinusLogUniform:
                return FromScale(ScaleLow + (unit * (ScaleHigh - ScaleLow)));
            case DimensionKind.Integer:
            case DimensionKind.PowerOfTwo:
                int count = DistinctValueCount!.Value;
                int k = Math.Min((int)(unit * count), count - 1);
                return FromScale(ScaleLow + k);
            default:
                return AllowedChoices[Math.Min((int)(unit * AllowedChoices.Length), AllowedChoices.Length - 1)];
        }
    }

    /// <summary>Whether <paramref name="value"/> is one this dimension can produce.</summary>
    public bool Contains(double value)
    {
        if (!double.IsFinite(value) || value < Low || value > High)
        {
            return false;
        }

        return Kind switch
        {
            DimensionKind.Integer => value == Math.Floor(value),
            DimensionKind.PowerOfTwo => value == Math.Floor(value) && value <= int.MaxValue && int.IsPow2((int)value),
            DimensionKind.Choice => value == Math.Floor(value) && AllowedChoices.Contains((int)value),
            _ => true,
        };
    }

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

        if (IsDiscrete)
        {
            ImmutableArray<double> all = AllValues();
            if (points >= all.Length)
            {
                return all;
            }

            var picked = ImmutableArray.CreateBuilder<double>(points);
            for (int i = 0; i < points; i++)
            {
                // Evenly spread indices into the sorted values; distinct because points < all.Length.
                int at = points == 1 ? all.Length / 2 : (int)Math.Round(i * (all.Length - 1) / (double)(points - 1), MidpointRounding.AwayFromZero);
                picked.Add(all[at]);
            }

            return picked.MoveToImmutable();
        }

        if (Low == High)
        {
            return ImmutableArray.Create(Low);
        }

        var grid = ImmutableArray.CreateBuilder<double>(points);
        for (int i = 0; i < points; i++)
        {
            double s = points == 1 ? (ScaleLow + ScaleHigh) / 2 : ScaleLow + (i * (ScaleHigh - ScaleLow) / (points - 1));
            grid.Add(Kind == DimensionKind.Uniform ? Math.Clamp(s, Low, High) : FromScale(s));
        }

        return grid.MoveToImmutable();
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

        double lo = Math.Clamp(scaleLow, ScaleLow, ScaleHigh);
        double hi = Math.Clamp(scaleHigh, ScaleLow, ScaleHigh);
        const double Tolerance = 1e-9;
        switch (Kind)
        {
            case DimensionKind.Uniform:
                return Continuous(Name, Kind, lo, hi);
            case DimensionKind.LogUniform:
                return Continuous(Name, Kind, FromScale(lo), FromScale(hi));
            case DimensionKind.OneMinusLogUniform:
                // The scale runs the other way: the low end of log10(1 − β) is the high β.
                return Continuous(Name, Kind, FromScale(hi), FromScale(lo));
            case DimensionKind.Integer:
            case DimensionKind.PowerOfTwo:
            {
                double first = Math.Ceiling(lo - Tolerance);
                double last = Math.Floor(hi + Tolerance);
                if (first > last)
                {
                    first = last = Math.Round((lo + hi) / 2, MidpointRounding.AwayFromZero);
                }

                return Kind == DimensionKind.Integer
                    ? new Dimension(Name, Kind, first, last, Choices, default, AllowedChoices)
                    : new Dimension(Name, Kind, Math.Pow(2, first), Math.Pow(2, last), Choices, default, AllowedChoices);
            }

            default:
            {
                ImmutableArray<int> kept = AllowedChoices.Where(i => i >= lo - Tolerance && i <= hi + Tolerance).ToImmutableArray();
                return kept.IsEmpty ? Restrict((int)FromScale((lo + hi) / 2)) : WithChoices(kept);
            }
        }
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

        if (Kind == DimensionKind.Choice)
        {
            return WithChoices(values.Select(v => (int)v).Distinct().Order().ToImmutableArray());
        }

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

    /// <summary>The same dimension holding one value: what a staged search does to the parameters it is not tuning.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a value this dimension can produce.</exception>
    public Dimension Fix(double value)
    {
        if (!Contains(value))
        {
            throw new ArgumentException($"Dimension '{Name}': cannot fix it at {Show(value)}, which is not a value of {this}.", nameof(value));
        }

        return Kind switch
        {
            DimensionKind.Choice => Restrict((int)value),
            DimensionKind.Integer or DimensionKind.PowerOfTwo => new Dimension(Name, Kind, value, value, Choices, default, AllowedChoices),
            _ => Continuous(Name, Kind, value, value),
        };
    }

    /// <summary>The middle of the range in the dimension's scale (for a choice, the first allowed one).</summary>
    public double Center => Kind == DimensionKind.Choice ? AllowedChoices[0] : FromScale((ScaleLow + ScaleHigh) / 2);

    /// <summary>The number a value stands for: the value itself, or for a numeric choice the chosen number.</summary>
    /// <exception cref="InvalidOperationException">The dimension is a choice of labels.</exception>
    public double NumberOf(double value)
    {
        if (Kind != DimensionKind.Choice)
        {
            return value;
        }

        if (!HasNumericChoices)
        {
            throw new InvalidOperationException($"Dimension '{Name}' is a choice of labels ({string.Join(", ", Choices)}); read it with GetString.");
        }

        return _choiceNumbers[ChoiceIndex(value)];
    }

    /// <summary>A value as text: the label of a choice, an integer, or a number with a few significant digits.</summary>
    public string Format(double value) => Kind switch
    {
        DimensionKind.Choice => Choices[ChoiceIndex(value)],
        DimensionKind.Integer or DimensionKind.PowerOfTwo => value.ToString("0", CultureInfo.InvariantCulture),
        DimensionKind.OneMinusLogUniform => value.ToString("G5", CultureInfo.InvariantCulture),
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
    };

    /// <summary>A value exactly, for files: the label of a choice, otherwise the round-trip number.</summary>
    public string FormatExact(double value) => Kind == DimensionKind.Choice ? Choices[ChoiceIndex(value)] : Show(value);

    /// <summary>The dimension as a line of text, such as <c>alpha: log-uniform [0.0001, 1]</c> (six significant digits).</summary>
    public override string ToString() => Kind switch
    {
        DimensionKind.Uniform => $"{Name}: uniform [{Brief(Low)}, {Brief(High)}]",
        DimensionKind.LogUniform => $"{Name}: log-uniform [{Brief(Low)}, {Brief(High)}]",
        DimensionKind.OneMinusLogUniform => $"{Name}: 1 - x log-uniform, x in [{Brief(Low)}, {Brief(High)}]",
        DimensionKind.Integer => $"{Name}: integer [{Brief(Low)}, {Brief(High)}]",
        DimensionKind.PowerOfTwo => $"{Name}: power of two [{Brief(Low)}, {Brief(High)}]",
        _ => $"{Name}: choice {{{string.Join(", ", AllowedChoices.Select(i => Choices[i]))}}}",
    };

    private static string Brief(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private int ChoiceIndex(double value)
    {
        if (value < 0 || value >= Choices.Length || value != Math.Floor(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Dimension '{Name}' has {Choices.Length} choices; {Show(value)} is not an index of one.");
        }

        return (int)value;
    }

    private ImmutableArray<double> AllValues()
    {
        if (Kind == DimensionKind.Choice)
        {
            return AllowedChoices.Select(i => (double)i).ToImmutableArray();
        }

        var all = ImmutableArray.CreateBuilder<double>(DistinctValueCount!.Value);
        for (double s = ScaleLow; s <= ScaleHigh; s++)
        {
            all.Add(FromScale(s));
        }

        return all.MoveToImmutable();
    }

    private Dimension Restrict(int index) => WithChoices(ImmutableArray.Create(index));

    private Dimension WithChoices(ImmutableArray<int> allowed) =>
        new(Name, Kind, allowed[0], allowed[^1], Choices, _choiceNumbers, allowed);

    private static Dimension Continuous(string name, DimensionKind kind, double low, double high) =>
        new(name, kind, low, high, ImmutableArray<string>.Empty, default, ImmutableArray<int>.Empty);

    private static void RequireName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A dimension needs a non-empty name.", nameof(name));
        }
    }

    private static void RequireRange(string name, double low, double high)
    {
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
    }
}
