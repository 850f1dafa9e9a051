using System;
using System.Globalization;

namespace NumKit.Tuning;

/// <summary>
/// A preallocated checkpoint of several spans (weights, biases, an optimizer's packed state): saving
/// and restoring copy into and out of buffers allocated once, so a babysat run's checkpoints allocate nothing.
/// </summary>
/// <typeparam name="T">The element type, such as float or double.</typeparam>
public sealed class SpanCheckpoint<T>
    where T : unmanaged
{
    private readonly T[][] _slots;
    private readonly bool[] _saved;

    /// <summary>Allocates one slot per length in <paramref name="slotLengths"/> (such as each weight matrix's element count).</summary>
    /// <exception cref="ArgumentException">No slots, or a negative length.</exception>
    public SpanCheckpoint(params int[] slotLengths)
    {
        ArgumentNullException.ThrowIfNull(slotLengths);
        if (slotLengths.Length == 0)
        {
            throw new ArgumentException("A checkpoint needs at least one slot.", nameof(slotLengths));
        }

        _slots = new T[slotLengths.Length][];
        for (int i = 0; i < slotLengths.Length; i++)
        {
            if (slotLengths[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(slotLengths), slotLengths[i], string.Create(CultureInfo.InvariantCulture, $"Slot {i} has a negative length."));
            }

            _slots[i] = new T[slotLengths[i]];
        }

        _saved = new bool[slotLengths.Length];
    }

    /// <summary>How many slots the checkpoint has.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>Whether slot <paramref name="slot"/> has been saved.</summary>
    public bool IsSaved(int slot) => _saved[RequireSlot(slot)];

    /// <summary>Copies <paramref name="source"/> into slot <paramref name="slot"/>.</summary>
    /// <exception cref="ArgumentException">The source's length is not the slot's; nothing is changed.</exception>
    public void Save(int slot, ReadOnlySpan<T> source)
    {
        T[] buffer = _slots[RequireSlot(slot)];
        RequireLength(slot, buffer.Length, source.Length, nameof(source));
        source.CopyTo(buffer);
        _saved[slot] = true;
    }

    /// <summary>Copies slot <paramref name="slot"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination's length is not the slot's; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">The slot was never saved.</exception>
    public void Restore(int slot, Span<T> destination)
    {
        T[] buffer = _slots[RequireSlot(slot)];
        RequireLength(slot, buffer.Length, destination.Length, nameof(destination));
        if (!_saved[slot])
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Slot {slot} of the checkpoint was never saved."));
        }

        buffer.CopyTo(destination);
    }

    private int RequireSlot(int slot)
    {
        if ((uint)slot >= (uint)_slots.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), slot, string.Create(CultureInfo.InvariantCulture, $"The checkpoint has {_slots.Length} slots."));
        }

        return slot;
    }

    private static void RequireLength(int slot, int expected, int actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' has {actual} elements but slot {slot} holds {expected}."), name);
        }
    }
}
