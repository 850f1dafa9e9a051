using System.Runtime.InteropServices;

namespace NumKit.Benchmarks.Infrastructure;

/// <summary>
/// A block of native memory that starts on a 4 KiB page, so every benchmark case sees its arrays at the
/// same alignment and at the same distances from one another modulo 4 KiB, whatever the allocator handed
/// out for the cases before: a managed array's alignment changes from run to run, a 32-byte vector that
/// straddles two cache lines costs a second access, and a load whose address matches an earlier store's
/// modulo 4 KiB can wait for it ("4K aliasing") — which made the small sizes depend on allocation order.
/// </summary>
public sealed unsafe class AlignedBuffer : IDisposable
{
    private const nuint Alignment = 4096;

    private float* _pointer;

    /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        // One element more than asked so that a zero-length buffer still has a distinct address.
        nuint bytes = ((nuint)length + 1) * sizeof(float);
        _pointer = (float*)NativeMemory.AlignedAlloc(bytes, Alignment);
        NativeMemory.Clear(_pointer, bytes);
    }

    /// <summary>How many floats the buffer holds.</summary>
    public int Length { get; }

    /// <summary>The buffer's memory.</summary>
    public Span<float> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return new Span<float>(_pointer, Length);
        }
    }

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
