using System.Runtime.InteropServices;

namespace NumKit.Benchmarks.Infrastructure;

/// <summary>
/// A block of native memory aligned to a 64-byte cache line, so every benchmark case sees its
/// arrays at the same alignment (a managed array's alignment changes from run to run, and a
/// 32-byte vector that straddles two cache lines costs a second access).
/// </summary>
public sealed unsafe class AlignedBuffer : IDisposable
{
    private const nuint Alignment = 64;

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
