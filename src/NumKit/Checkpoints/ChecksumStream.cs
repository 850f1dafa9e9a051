using System;
using System.IO;

namespace NumKit.Checkpoints;

/// <summary>
/// Passes reads or writes through to another stream and keeps a 64-bit FNV-1a hash of every byte,
/// so a checkpoint can end with a checksum of everything before it.
/// </summary>
internal sealed class ChecksumStream : Stream
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    private readonly Stream _inner;
    private readonly bool _writing;

    public ChecksumStream(Stream inner, bool writing)
    {
        _inner = inner;
        _writing = writing;
    }

    /// <summary>The hash of every byte read or written so far.</summary>
    public ulong Hash { get; private set; } = OffsetBasis;

    public override bool CanRead => !_writing;

    public override bool CanSeek => false;

    public override bool CanWrite => _writing;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        Add(buffer.Slice(0, read));
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Add(buffer);
        _inner.Write(buffer);
    }

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Add(ReadOnlySpan<byte> bytes)
    {
        ulong hash = Hash;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        Hash = hash;
    }
}
