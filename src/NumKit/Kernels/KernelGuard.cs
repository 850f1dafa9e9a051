using System.ComponentModel;
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// The argument checks every generated kernel makes before it writes anything, so that a refused
/// call leaves parameters and state exactly as they were.
/// </summary>
/// <remarks>
/// Each check is a comparison inlined into the kernel, and its exception is built in a separate
/// method that is never inlined: a kernel makes about ten of these checks on every call, and as calls
/// (with the messages' string formatting beside them) they cost a 4 Ki-parameter Adam step several
/// percent.
/// <para>
/// Part of <c>NumKit.Kernels</c>, the building blocks generated kernels compile against in your project:
/// public only so generated code can reach them, hidden from IntelliSense, outside the reviewed public
/// API (PublicAPI.Shipped.txt) and free to change in any version.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelGuard
{
    /// <summary>Throws unless <paramref name="t"/>, the step number, is at least 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequireStep(int t)
    {
        if (t < 1)
        {
            ThrowStep(t);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="period"/>, the hyperparameter <paramref name="name"/> that an <c>every</c>
    /// statement names, is a whole number of steps from 1 to <see cref="int.MaxValue"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequirePeriod(float period, string name)
    {
        if (!(period >= 1 && period <= int.MaxValue && period == MathF.Floor(period)))
        {
            ThrowPeriod(period, name);
        }
    }

    /// <summary>Throws unless span <paramref name="name"/> has as many elements as the parameters <c>w</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequireLength(int length, int parameterCount, string name)
    {
        if (length != parameterCount)
        {
            ThrowLength(length, parameterCount, name);
        }
    }

    /// <summary>Throws if the span <paramref name="name"/> overlaps <paramref name="otherName"/>: an in-place update of both would read values it has already written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequireDisjoint<T>(ReadOnlySpan<T> span, ReadOnlySpan<T> other, string name, string otherName)
    {
        if (span.Overlaps(other))
        {
            ThrowOverlap(name, otherName);
        }
    }

    /// <summary>Where a span is in memory, for <see cref="RequireDisjoint(Span{SpanRegion}, string[])"/> over many spans.</summary>
    public readonly struct SpanRegion
    {
        internal readonly nuint Start;
        internal readonly nuint End;
        internal readonly int Index;

        internal SpanRegion(nuint start, nuint end, int index)
        {
            Start = start;
            End = end;
            Index = index;
        }
    }

    /// <summary>
    /// The addresses span number <paramref name="index"/> covers. A collection may move managed memory: the
    /// caller takes every region between two equal readings of <see cref="GC.CollectionCount(int)"/> (generation 0,
    /// which every collection counts), so the regions are one consistent picture of memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SpanRegion Region<T>(ReadOnlySpan<T> span, int index)
    {
        nuint start = (nuint)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span));
        return new SpanRegion(start, start + (nuint)span.Length * (nuint)Unsafe.SizeOf<T>(), index);
    }

    /// <summary>
    /// Throws if any two of the spans overlap, naming them from <paramref name="names"/> (by each region's index).
    /// Sorts the regions by address and compares each with the furthest end before it: O(n log n) for n spans,
    /// where comparing every pair is O(n²) — a kernel with a thousand state buffers would otherwise make half a
    /// million checks per call (and its source half a million lines). Empty spans overlap nothing.
    /// </summary>
    public static void RequireDisjoint(Span<SpanRegion> regions, string[] names)
    {
        regions.Sort(new ByStart());
        nuint furthest = 0;
        int furthestIndex = -1;
        foreach (SpanRegion region in regions)
        {
            if (region.Start == region.End)
            {
                continue;
            }

            if (furthestIndex >= 0 && region.Start < furthest)
            {
                ThrowOverlap(names[Math.Min(region.Index, furthestIndex)], names[Math.Max(region.Index, furthestIndex)]);
            }

            if (region.End > furthest)
            {
                furthest = region.End;
                furthestIndex = region.Index;
            }
        }
    }

    private readonly struct ByStart : System.Collections.Generic.IComparer<SpanRegion>
    {
        public int Compare(SpanRegion x, SpanRegion y) => x.Start.CompareTo(y.Start);
    }

    /// <summary>
    /// Throws unless the packed state holds <paramref name="buffers"/> buffers of <paramref name="parameterCount"/>
    /// elements, buffer k starting at <c>k * stride</c>: the stride is at least the parameter count (the buffers do
    /// not overlap) and the last buffer ends inside the span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequirePackedState(int length, int buffers, int parameterCount, int stride, string name)
    {
        if (buffers > 0 && (stride < parameterCount || length < (long)(buffers - 1) * stride + parameterCount))
        {
            ThrowPackedState(length, buffers, parameterCount, stride, name);
        }
    }

    /// <summary>Throws unless a scratch span of a rule with reductions (partials, sums, per-tensor values) holds at least <paramref name="count"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequireAtLeast(int length, int count, string name)
    {
        if (length < count)
        {
            ThrowAtLeast(length, count, name);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAtLeast(int length, int count, string name)
        => throw new ArgumentException($"'{name}' holds {length} values; this call needs at least {count}. Nothing was written.", name);

    /// <summary>Throws unless the per-step scalar state holds exactly <paramref name="count"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RequireScalarState(int length, int count, string name)
    {
        if (length != count)
        {
            ThrowScalarState(length, count, name);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowStep(int t)
        => throw new ArgumentOutOfRangeException(nameof(t), t, "The step number t counts from 1 (the first step); got " + t + ".");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPeriod(float period, string name)
        => throw new ArgumentOutOfRangeException(
            name,
            period,
            $"{name} is the period of the statements applied 'every {name}' steps: a whole number from 1 to {int.MaxValue}, not {period.ToString(System.Globalization.CultureInfo.InvariantCulture)}. Nothing was written.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int length, int parameterCount, string name)
        => throw new ArgumentException(
            $"Span '{name}' has {length} elements but the parameters 'w' have {parameterCount}; every span must have one element per parameter.",
            name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlap(string name, string otherName)
        => throw new ArgumentException($"Span '{name}' overlaps span '{otherName}'; each must be its own memory.", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedState(int length, int buffers, int parameterCount, int stride, string name)
        => throw new ArgumentException(
            stride < parameterCount
                ? $"The state stride {stride} is less than the {parameterCount} parameters, so the state buffers in '{name}' would overlap."
                : $"Span '{name}' has {length} elements but must hold {buffers} state buffer(s) of {parameterCount} elements, "
                  + $"{stride} apart ({(long)(buffers - 1) * stride + parameterCount}).",
            name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowScalarState(int length, int count, string name)
        => throw new ArgumentException($"Span '{name}' has {length} values but the rule keeps {count} per-step scalar state value(s).", name);
}
