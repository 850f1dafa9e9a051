using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using NumKit.Randomness;

namespace NumKit.Tuning;

/// <summary>
/// One point of a <see cref="SearchSpace"/> to train with: its hyperparameter values by name, its id
/// (results are ordered by it), the round that sampled it, and its own seed. Immutable.
/// </summary>
public sealed class Trial
{
    internal Trial(SearchSpace space, int id, int round, ulong seed, ImmutableArray<double> values)
    {
        Space = space;
        Id = id;
        Round = round;
        Seed = seed;
        Values = values;
    }

    /// <summary>The space the trial was sampled from (in a narrowed round, the narrowed space).</summary>
    public SearchSpace Space { get; }

    /// <summary>The trial's number: unique within a search, it fixes its random numbers and its place in the results.</summary>
    public int Id { get; }

    /// <summary>The round (coarse to fine) or stage (staged search) that produced the trial; 0 for a single search.</summary>
    public int Round { get; }

    /// <summary>
    /// A seed for the trial's own randomness (weight initialisation, shuffles), derived from the search's
    /// seed and the trial id: use it as <c>new TrialRandom(trial.Seed)</c> so results do not depend on threads.
    /// </summary>
    public ulong Seed { get; }

    /// <summary>The value of each dimension, in the space's order; a choice's value is its index.</summary>
    public ImmutableArray<double> Values { get; }

    /// <summary>The value of <paramref name="name"/> as a number (see <see cref="GetDouble"/>).</summary>
    public double this[string name] => GetDouble(name);

    /// <summary>The value of <paramref name="name"/>: the number, or for a numeric choice the chosen number.</summary>
    /// <exception cref="System.Collections.Generic.KeyNotFoundException">No dimension has that name.</exception>
    /// <exception cref="InvalidOperationException">The dimension is a choice of labels.</exception>
    public double GetDouble(string name)
    {
        int index = Space.RequireIndex(name);
        return Space[index].NumberOf(Values[index]);
    }

    /// <summary>The value of <paramref name="name"/> in single precision (for an optimizer's float hyperparameters).</summary>
    public float GetSingle(string name) => (float)GetDouble(name);

    /// <summary>The value of <paramref name="name"/> as an integer (integer and power-of-two dimensions, integral numeric choices).</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public int GetInt32(string name)
    {
        double value = GetDouble(name);
        if (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue)
        {
            throw new InvalidOperationException($"Dimension '{name}' has the value {Dimension.Show(value)} in trial {Id}, not an integer.");
        }

        return (int)value;
    }

    /// <summary>The value of <paramref name="name"/> as text: a choice's label, or the number formatted for display.</summary>
    public string GetString(string name)
    {
        int index = Space.RequireIndex(name);
        return Space[index].Format(Values[index]);
    }

    /// <summary>Whether this trial has the same values, seed, id and round as <paramref name="other"/>.</summary>
    public bool SameAs(Trial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id && Round == other.Round && Seed == other.Seed && Values.SequenceEqual(other.Values) && Space.HasSameNames(other.Space);
    }

    /// <summary>The trial as <c>#3 alpha=0.003162 beta=0.95 batch=64</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"#{Id} ") +
        string.Join(" ", Space.Select((d, i) => $"{d.Name}={d.Format(Values[i])}"));
}
