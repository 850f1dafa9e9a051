using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NumKit.Stepping;

/// <summary>
/// An optimizer's per-element state values: every buffer of every range in one array, allocated once,
/// pinned and aligned, and the one place that knows where a value lives.
/// </summary>
/// <remarks>
/// <para>
/// Layout: for a range of n parameters starting at s (a <see cref="GroupRange"/>), state buffer k holds
/// n values at <c>BufferCount * s + k * n</c>. A range's buffers are therefore packed one after another,
/// n apart, which is the packed form a rule's kernel takes; without groups there is one range, so each
/// buffer is one contiguous span.
/// </para>
/// <para>
/// The array is allocated on the pinned-object heap (the GC never moves it, so a split step can hand
/// pointers to other threads) and used from its first 64-byte boundary: the first buffer starts on a
/// cache line, and so does every buffer when the parameter count is a multiple of 16 floats. A vector
/// load that straddles two lines costs a second access, which the kernels would otherwise pay on every
/// state load.
/// </para>
/// </remarks>
/// <typeparam name="T">The type every state value is stored as.</typeparam>
internal sealed class StateBuffers<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    private readonly T[] _storage;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="bufferCount"/> buffers of <paramref name="parameterCount"/> values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffers would not fit in one array.</exception>
    public StateBuffers(int bufferCount, int parameterCount)
    {
        long length = (long)bufferCount * parameterCount;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException("layout", parameterCount,
                $"{bufferCount} state buffers of {parameterCount} elements do not fit in one array.");
        }

        BufferCount = bufferCount;
        Length = (int)length;
        _storage = GC.AllocateArray<T>(Length + (Alignment / Unsafe.SizeOf<T>()), pinned: true);
        _offset = AlignedOffset(_storage);
    }

    /// <summary>The name checkpoints record for how each value is stored (such as "float32").</summary>
    public static string StorageName => StorageNames.Of<T>();

    /// <summary>How many state buffers there are (the rule's <c>StateNames.Count</c>).</summary>
    public int BufferCount { get; }

    /// <summary>How many values there are in all: <see cref="BufferCount"/> per parameter.</summary>
    public int Length { get; }

    /// <summary>Every value, in layout order.</summary>
    public Span<T> Values => _storage.AsSpan(_offset, Length);

    /// <summary>The state of <paramref name="range"/>: its buffers one after another, <c>range.Length</c> apart — what one kernel call takes.</summary>
    public Span<T> Packed(GroupRange range) => Values.Slice(BufferCount * range.Start, BufferCount * range.Length);

    /// <summary>Buffer <paramref name="k"/> of <paramref name="range"/>.</summary>
    public Span<T> Buffer(GroupRange range, int k) => Values.Slice(Offset(range, k, 0), range.Length);

    /// <summary><paramref name="count"/> values of buffer <paramref name="k"/> of <paramref name="range"/>, from <paramref name="within"/> parameters into the range.</summary>
    public Span<T> Buffer(GroupRange range, int k, int within, int count) => Values.Slice(Offset(range, k, within), count);

    // The layout, written once.
    private int Offset(GroupRange range, int k, int within) => BufferCount * range.Start + k * range.Length + within;

    // How many elements from the start of a pinned array its first 64-byte boundary is.
    private static unsafe int AlignedOffset(T[] pinned)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        nuint misalignment = address % Alignment;
        return misalignment == 0 ? 0 : (int)((Alignment - misalignment) / (nuint)Unsafe.SizeOf<T>());
    }
}
