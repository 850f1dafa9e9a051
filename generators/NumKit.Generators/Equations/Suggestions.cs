using System;
using System.Collections.Generic;

namespace NumKit.Generators.Equations;

/// <summary>Finds the known name closest to a misspelt one, for "did you mean" hints.</summary>
internal static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="name"/> by edit distance (case differences count half), or null if none is close.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        double bestDistance = double.MaxValue;
        foreach (string candidate in candidates)
        {
            double distance = Distance(name, candidate);
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Close means: at most a third of the longer name differs (and at least one edit is allowed).
        double allowed = Math.Max(1.0, Math.Max(name.Length, best?.Length ?? 0) / 3.0);
        return best is not null && bestDistance <= allowed ? best : null;
    }

    private static double Distance(string a, string b)
    {
        var previous = new double[b.Length + 1];
        var current = new double[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                double substitution = a[i - 1] == b[j - 1] ? 0
                    : char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0.5
                    : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
