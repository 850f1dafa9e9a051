using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace NumKit.Tuning;

/// <summary>
/// One of a list of choices (labels such as "momentum", "adam", or numbers), equally likely. A
/// trial's value is the choice's index into <see cref="Choices"/>, which is also its scale.
/// </summary>
public sealed class ChoiceDimension : Dimension
{
    private readonly ImmutableArray<double> _numbers;

    private ChoiceDimension(string name, ImmutableArray<string> choices, ImmutableArray<double> numbers, ImmutableArray<int> allowed)
        : base(name)
    {
        Choices = choices;
        _numbers = numbers;
        AllowedChoices = allowed;
    }

    /// <summary>The labels, all of them (narrowing keeps the list and shrinks <see cref="AllowedChoices"/>).</summary>
    public ImmutableArray<string> Choices { get; }

    /// <summary>The indices into <see cref="Choices"/> this dimension samples from, ascending.</summary>
    public ImmutableArray<int> AllowedChoices { get; }

    /// <summary>Whether the choices are numbers (<see cref="Trial.GetDouble"/> then returns the chosen number).</summary>
    public bool HasNumericChoices => !_numbers.IsDefaultOrEmpty;

    /// <inheritdoc/>
    public override double Low => AllowedChoices[0];

    /// <inheritdoc/>
    public override double High => AllowedChoices[^1];

    /// <inheritdoc/>
    public override double ScaleLow => AllowedChoices[0];

    /// <inheritdoc/>
    public override double ScaleHigh => AllowedChoices[^1];

    /// <inheritdoc/>
    public override bool IsDiscrete => true;

    /// <inheritdoc/>
    public override long? DistinctValueCount => AllowedChoices.Length;

    /// <inheritdoc/>
    public override double Center => AllowedChoices[0];

    /// <inheritdoc/>
    public override double ToScale(double value) => value;

    /// <inheritdoc/>
    public override double FromScale(double scale)
    {
        double s = Math.Clamp(scale, ScaleLow, ScaleHigh);
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

    /// <inheritdoc/>
    public override double FromUnit(double unit) =>
        AllowedChoices[Math.Min((int)(unit * AllowedChoices.Length), AllowedChoices.Length - 1)];

    /// <inheritdoc/>
    public override bool Contains(double value) =>
        double.IsFinite(value) && value == Math.Floor(value) && value >= Low && value <= High && AllowedChoices.Contains((int)value);

    /// <inheritdoc/>
    public override double NumberOf(double value)
    {
        if (!HasNumericChoices)
        {
            throw new InvalidOperationException($"Dimension '{Name}' is a choice of labels ({string.Join(", ", Choices)}); read it with GetString.");
        }

        return _numbers[ChoiceIndex(value)];
    }

    /// <inheritdoc/>
    public override string Format(double value) => Choices[ChoiceIndex(value)];

    /// <inheritdoc/>
    public override string FormatExact(double value) => Choices[ChoiceIndex(value)];

    /// <inheritdoc/>
    public override double ParseExact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int index = Choices.IndexOf(text, StringComparer.Ordinal);
        if (index < 0 || !AllowedChoices.Contains(index))
        {
            throw new FormatException($"Dimension '{Name}': '{text}' is not a value of {this}.");
        }

        return index;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: choice {{{string.Join(", ", AllowedChoices.Select(i => Choices[i]))}}}";

    internal static ChoiceDimension Create(string name, string[] choices)
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

        return new ChoiceDimension(name, choices.ToImmutableArray(), default, Enumerable.Range(0, choices.Length).ToImmutableArray());
    }

    internal static ChoiceDimension Create(string name, double[] choices)
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

        ChoiceDimension labelled = Create(name, choices.Select(Show).ToArray());
        return new ChoiceDimension(name, labelled.Choices, choices.ToImmutableArray(), labelled.AllowedChoices);
    }

    private protected override ImmutableArray<double> GridValuesCore(int points)
    {
        if (points >= AllowedChoices.Length)
        {
            return AllowedChoices.Select(i => (double)i).ToImmutableArray();
        }

        var picked = ImmutableArray.CreateBuilder<double>(points);
        for (int i = 0; i < points; i++)
        {
            // Evenly spread positions in the allowed list; distinct because points < its length.
            int at = points == 1 ? AllowedChoices.Length / 2 : (int)Math.Round(i * (AllowedChoices.Length - 1) / (double)(points - 1), MidpointRounding.AwayFromZero);
            picked.Add(AllowedChoices[at]);
        }

        return picked.MoveToImmutable();
    }

    private protected override Dimension NarrowCore(double scaleLow, double scaleHigh)
    {
        const double Tolerance = 1e-9;
        ImmutableArray<int> kept = AllowedChoices.Where(i => i >= scaleLow - Tolerance && i <= scaleHigh + Tolerance).ToImmutableArray();
        return kept.IsEmpty ? WithChoices(ImmutableArray.Create((int)FromScale((scaleLow + scaleHigh) / 2))) : WithChoices(kept);
    }

    private protected override Dimension NarrowAroundCore(IReadOnlyCollection<double> values, double margin, double minimumWidth) =>
        WithChoices(values.Select(v => (int)v).Distinct().Order().ToImmutableArray());

    private protected override Dimension FixCore(double value) => WithChoices(ImmutableArray.Create((int)value));

    private ChoiceDimension WithChoices(ImmutableArray<int> allowed) => new(Name, Choices, _numbers, allowed);

    private int ChoiceIndex(double value)
    {
        if (value < 0 || value >= Choices.Length || value != Math.Floor(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Dimension '{Name}' has {Choices.Length} choices; {Show(value)} is not an index of one.");
        }

        return (int)value;
    }
}
