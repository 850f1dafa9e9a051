using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using NumKit.Randomness;

namespace NumKit.Tuning;

/// <summary>
/// A named set of hyperparameter <see cref="Dimension"/>s, in order: what a search samples trials
/// from. Immutable; narrowing and fixing return new spaces.
/// </summary>
public sealed class SearchSpace : IReadOnlyList<Dimension>
{
    private readonly ImmutableArray<Dimension> _dimensions;

    /// <summary>Creates a space of <paramref name="dimensions"/>, whose names must be distinct.</summary>
    /// <exception cref="ArgumentException">No dimensions, a null one, or two with the same name.</exception>
    public SearchSpace(params Dimension[] dimensions)
        : this((IEnumerable<Dimension>)dimensions)
    {
    }

    /// <summary>Creates a space of <paramref name="dimensions"/>, whose names must be distinct.</summary>
    /// <exception cref="ArgumentException">No dimensions, a null one, or two with the same name.</exception>
    public SearchSpace(IEnumerable<Dimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ImmutableArray<Dimension> all = dimensions.ToImmutableArray();
        if (all.IsEmpty)
        {
            throw new ArgumentException("A search space needs at least one dimension.", nameof(dimensions));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] is null)
            {
                throw new ArgumentException($"Dimension {i} is null.", nameof(dimensions));
            }

            if (!names.Add(all[i].Name))
            {
                throw new ArgumentException($"Two dimensions are named '{all[i].Name}'; names must be distinct.", nameof(dimensions));
            }
        }

        _dimensions = all;
    }

    /// <summary>How many dimensions the space has.</summary>
    public int Count => _dimensions.Length;

    /// <summary>The dimension at <paramref name="index"/>.</summary>
    public Dimension this[int index] => _dimensions[index];

    /// <summary>The dimension named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No dimension has that name.</exception>
    public Dimension this[string name] => _dimensions[RequireIndex(name)];

    /// <summary>The dimensions' names, in order.</summary>
    public IEnumerable<string> Names => _dimensions.Select(d => d.Name);

    /// <summary>The position of the dimension named <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < _dimensions.Length; i++)
        {
            if (string.Equals(_dimensions[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Samples trial <paramref name="id"/> of the search seeded by <paramref name="seed"/>: the trial's
    /// numbers come from the stream <c>new TrialRandom(seed, id)</c> — its first draw is the trial's
    /// <see cref="Trial.Seed"/>, then one draw per dimension in order — so the trial does not depend on
    /// which thread samples it or when.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> or <paramref name="round"/> is negative.</exception>
    public Trial Sample(ulong seed, int id, int round = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        var random = new TrialRandom(seed, (ulong)id);
        ulong trialSeed = random.NextUInt64();
        var values = ImmutableArray.CreateBuilder<double>(_dimensions.Length);
        foreach (Dimension dimension in _dimensions)
        {
            values.Add(dimension.FromUnit(random.NextDouble()));
        }

        return new Trial(this, id, round, trialSeed, values.MoveToImmutable());
    }

    /// <summary>
    /// A trial at given values (such as a known-good configuration to compare against). Every
    /// dimension needs a value (a choice's index); <paramref name="seed"/> is the trial's own seed.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension has no value, a value is outside its dimension, or a name is unknown.</exception>
    public Trial CreateTrial(int id, IReadOnlyDictionary<string, double> values, ulong seed = 0, int round = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        foreach (string name in values.Keys)
        {
            if (IndexOf(name) < 0)
            {
                throw new ArgumentException($"'{name}' is not a dimension of this space ({string.Join(", ", Names)}).", nameof(values));
            }
        }

        var point = ImmutableArray.CreateBuilder<double>(_dimensions.Length);
        foreach (Dimension dimension in _dimensions)
        {
            if (!values.TryGetValue(dimension.Name, out double value))
            {
                throw new ArgumentException($"No value for dimension '{dimension.Name}'.", nameof(values));
            }

            if (!dimension.Contains(value))
            {
                throw new ArgumentException($"{Dimension.Show(value)} is not a value of {dimension}.", nameof(values));
            }

            point.Add(value);
        }

        return new Trial(this, id, round, seed, point.MoveToImmutable());
    }

    /// <summary>The middle of every dimension in its own scale (a choice's first allowed option), by name.</summary>
    public ImmutableDictionary<string, double> Center() =>
        _dimensions.ToImmutableDictionary(d => d.Name, d => d.Center, StringComparer.Ordinal);

    /// <summary>The same space with <paramref name="replacement"/> in place of the dimension of the same name.</summary>
    /// <exception cref="KeyNotFoundException">No dimension has the replacement's name.</exception>
    public SearchSpace With(Dimension replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        return new SearchSpace(_dimensions.SetItem(RequireIndex(replacement.Name), replacement));
    }

    /// <summary>The same space with the dimension <paramref name="name"/> held at <paramref name="value"/>.</summary>
    /// <exception cref="KeyNotFoundException">No dimension has that name.</exception>
    /// <exception cref="ArgumentException">The value is not one the dimension can produce.</exception>
    public SearchSpace Fix(string name, double value) => With(this[name].Fix(value));

    /// <summary>
    /// The coarse-to-fine step: every dimension narrowed, in its own scale, to the region around
    /// <paramref name="best"/> (see <see cref="Dimension.NarrowAround"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No trials, or a trial from a space with other dimension names.</exception>
    public SearchSpace NarrowAround(IEnumerable<Trial> best, double margin = 0.25, double minimumWidth = 0.05)
    {
        ArgumentNullException.ThrowIfNull(best);
        Trial[] trials = best.ToArray();
        if (trials.Length == 0)
        {
            throw new ArgumentException("Narrowing needs at least one trial.", nameof(best));
        }

        foreach (Trial trial in trials)
        {
            RequireSameNames(trial.Space, nameof(best));
        }

        return new SearchSpace(_dimensions.Select((d, i) => d.NarrowAround(trials.Select(t => t.Values[i]).ToArray(), margin, minimumWidth)));
    }

    /// <summary>Enumerates the dimensions in order.</summary>
    public IEnumerator<Dimension> GetEnumerator() => ((IEnumerable<Dimension>)_dimensions).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per dimension.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _dimensions.Select(d => d.ToString()));

    /// <summary>Whether <paramref name="other"/> has the same dimension names, in the same order.</summary>
    public bool HasSameNames(SearchSpace other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || Names.SequenceEqual(other.Names, StringComparer.Ordinal);
    }

    internal void RequireSameNames(SearchSpace other, string parameterName)
    {
        if (!HasSameNames(other))
        {
            throw new ArgumentException(
                $"The trials come from a space with dimensions ({string.Join(", ", other.Names)}), not ({string.Join(", ", Names)}).", parameterName);
        }
    }

    internal int RequireIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = IndexOf(name);
        if (index < 0)
        {
            throw new KeyNotFoundException($"'{name}' is not a dimension of this space ({string.Join(", ", Names)}).");
        }

        return index;
    }
}
