using System;

namespace NumKit.Kernels;

/// <summary>
/// The argument checks every generated kernel makes before it writes anything, so that a refused
/// call leaves parameters and state exactly as they were.
/// </summary>
public static class KernelGuard
{
    /// <summary>Throws unless <paramref name="t"/>, the step number, is at least 1.</summary>
    public static void RequireStep(int t)
    {
        if (t < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "The step number t counts from 1 (the first step); got " + t + ".");
        }
    }

    /// <summary>Throws unless span <paramref name="name"/> has as many elements as the parameters <c>w</c>.</summary>
    public static void RequireLength(int length, int parameterCount, string name)
    {
        if (length != parameterCount)
        {
            throw new ArgumentException(
                $"Span '{name}' has {length} elements but the parameters 'w' have {parameterCount}; every span must have one element per parameter.",
                name);
        }
    }

    /// <summary>Throws if the span <paramref name="name"/> overlaps <paramref name="otherName"/>: an in-place update of both would read values it has already written.</summary>
    public static void RequireDisjoint<T>(ReadOnlySpan<T> span, ReadOnlySpan<T> other, string name, string otherName)
    {
        if (span.Overlaps(other))
        {
            throw new ArgumentException($"Span '{name}' overlaps span '{otherName}'; each must be its own memory.", name);
        }
    }

    /// <summary>Throws unless the packed state buffer holds <paramref name="buffers"/> buffers of <paramref name="parameterCount"/> elements.</summary>
    public static void RequirePackedState(int length, int buffers, int parameterCount, string name)
    {
        if (length != buffers * parameterCount)
        {
            throw new ArgumentException(
                $"Span '{name}' has {length} elements but must hold {buffers} state buffer(s) of {parameterCount} elements ({buffers * parameterCount}).",
                name);
        }
    }

    /// <summary>Throws unless the per-step scalar state holds exactly <paramref name="count"/> values.</summary>
    public static void RequireScalarState(int length, int count, string name)
    {
        if (length != count)
        {
            throw new ArgumentException($"Span '{name}' has {length} values but the rule keeps {count} per-step scalar state value(s).", name);
        }
    }
}
