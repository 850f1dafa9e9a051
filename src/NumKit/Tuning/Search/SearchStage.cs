using System;
using System.Collections.Immutable;
using System.Linq;

namespace NumKit.Tuning;

/// <summary>One stage of a <see cref="StagedSearch"/>: the parameters it tunes and how many random trials it spends.</summary>
public sealed record SearchStage
{
    /// <summary>A stage tuning <paramref name="parameters"/> with <paramref name="trials"/> random trials.</summary>
    /// <exception cref="ArgumentException">No parameters, an empty or repeated name, or fewer than one trial.</exception>
    public SearchStage(string name, int trials, params string[] parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length == 0)
        {
            throw new ArgumentException($"Stage '{name}' tunes no parameter.", nameof(parameters));
        }

        if (parameters.Any(string.IsNullOrWhiteSpace) || parameters.Distinct(StringComparer.Ordinal).Count() != parameters.Length)
        {
            throw new ArgumentException($"Stage '{name}': parameter names must be non-empty and distinct ({string.Join(", ", parameters)}).", nameof(parameters));
        }

        Name = name;
        Trials = trials;
        Parameters = parameters.ToImmutableArray();
    }

    /// <summary>The stage's name, for reports.</summary>
    public string Name { get; }

    /// <summary>How many random trials the stage runs.</summary>
    public int Trials { get; }

    /// <summary>The parameters sampled in this stage; every other one is held at the best value so far.</summary>
    public ImmutableArray<string> Parameters { get; }
}
