using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace NumKit.Checkpoints;

/// <summary>
/// The byte-level pieces of NumKit's optimizer checkpoint format (little-endian, via
/// <see cref="BinaryWriter"/> and <see cref="BinaryReader"/>): header, bounded strings, value arrays.
/// </summary>
/// <remarks>
/// Optimizer checkpoints, version 3, in order: the magic bytes "NKOPT\r\n\x1A"; int32 version; string rule type; byte
/// element size (4 float, 8 double); int32 step count; int32 skipped steps; the hyperparameter,
/// state and scalar-state names (int32 count, strings); how each state buffer is stored, in state
/// order (int32 count, strings such as "float32"); the tensors (int32 count; per tensor: name,
/// int32 rank, int32 dimensions); the groups (int32 count; per group: int32 member count, int32
/// tensor indexes, float hyperparameters, double scalar state); the state values, buffer by buffer
/// and within a buffer tensor by tensor, each in its storage's bytes; the sections only some optimizers
/// have (a 16-bit parameters' master copy or compensation, per-row and per-column state, then the rule's
/// bool options: names, and per group one byte each); and an uint64 FNV-1a hash of every byte before it.
/// Version 2 is the same without the options (a rule's options are then left as they are); version 1
/// also without the storage names: every buffer is stored as the element type. Both are still read.
/// Parameter files, version 1: "NKPAR\r\n\x1A"; int32 version; byte element size; the tensors as
/// above; every value in layout order; the hash. Mini-batch checkpoints, version 1: "NKBAT\r\n\x1A";
/// int32 version; int32 m; int32 batch size; bool shuffle; uint64 seed; bool drop-last; int32 epoch
/// count; the hash. Strings are an int32 byte count then UTF-8.
/// </remarks>
internal static class CheckpointFormat
{
    /// <summary>The optimizer checkpoint version written; versions 1 to this are read.</summary>
    public const int OptimizerVersion = 3;

    /// <summary>The first optimizer checkpoint version that records each state buffer's storage.</summary>
    public const int FirstVersionWithStorage = 2;

    /// <summary>The first optimizer checkpoint version that records a rule's bool options.</summary>
    public const int FirstVersionWithOptions = 3;

    /// <summary>The parameter file version written and read.</summary>
    public const int ParametersVersion = 1;

    /// <summary>The mini-batch checkpoint version written and read.</summary>
    public const int BatchesVersion = 1;

    // "\r\n" and 0x1A catch a file mangled by text-mode transfers, as PNG's signature does.
    public static ReadOnlySpan<byte> OptimizerMagic => "NKOPT\r\n\u001A"u8;

    public static ReadOnlySpan<byte> ParametersMagic => "NKPAR\r\n\u001A"u8;

    public static ReadOnlySpan<byte> BatchesMagic => "NKBAT\r\n\u001A"u8;

    // Generous bounds on anything the reader sizes from the stream, so corrupt input cannot ask for huge allocations.
    public const int MaxStringBytes = 4 * 1024;
    public const int MaxNames = 1 << 16;

    /// <summary>
    /// The byte a file records for its element type: the size in bytes for float (4), double (8) and Half (2),
    /// and 0x12 for bfloat16 (2 bytes, but not Half's layout), so a file of one 16-bit type is refused by the other.
    /// </summary>
    public static byte ValueCode<T>() => typeof(T) == typeof(NumKit.BFloat16) ? (byte)0x12 : (byte)System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>The name of the element type recorded as <paramref name="code"/>, or null when no type has that code.</summary>
    public static string? ValueTypeName(int code) => code switch
    {
        2 => "Half",
        4 => "float",
        8 => "double",
        0x12 => "BFloat16",
        _ => null,
    };

    public static void WriteHeader(BinaryWriter writer, ReadOnlySpan<byte> magic, int version)
    {
        writer.Write(magic);
        writer.Write(version);
    }

    /// <summary>Reads the magic bytes and the version, and returns the version: from 1 to <paramref name="newest"/>.</summary>
    public static int ReadHeader(BinaryReader reader, ReadOnlySpan<byte> expected, string what, int newest)
    {
        Span<byte> magic = stackalloc byte[8];
        reader.BaseStream.ReadExactly(magic);
        if (!magic.SequenceEqual(expected))
        {
            throw new InvalidDataException(WrongHeader(magic, what));
        }

        int version = reader.ReadInt32();
        if (version < 1 || version > newest)
        {
            throw new InvalidDataException(newest == 1
                ? $"The checkpoint is format version {version}; this NumKit reads version 1 only."
                : $"The checkpoint is format version {version}; this NumKit reads versions 1 to {newest}.");
        }

        return version;
    }

    // A stream of another NumKit kind is almost always a load-order mistake (a file holds values, then
    // optimizer state, then the mini-batch position, and each is read back in the order it was written):
    // say what was found and what to do rather than only that the header is wrong.
    private static string WrongHeader(ReadOnlySpan<byte> found, string expected)
    {
        string? kind = found.SequenceEqual(OptimizerMagic) ? "an optimizer checkpoint (written by Optimizer.SaveCheckpoint)"
            : found.SequenceEqual(ParametersMagic) ? "parameter values (written by ParameterSet.SaveValues)"
            : found.SequenceEqual(BatchesMagic) ? "a mini-batch checkpoint (written by MiniBatchIterator.SaveCheckpoint)"
            : null;
        return kind is null
            ? $"The stream is not a NumKit {expected}: it does not start with the {expected} header."
            : $"Expected a NumKit {expected} here, but the stream holds {kind}. Several parts saved to one stream " +
              $"must be loaded in the order they were saved (for example model.LoadValues, then optimizer.LoadCheckpoint, " +
              $"then batches.LoadCheckpoint); nothing was changed.";
    }

    public static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public static string ReadString(BinaryReader reader, string what)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > MaxStringBytes)
        {
            throw Corrupt($"{what} claims {length} bytes");
        }

        byte[] bytes = new byte[length];
        reader.BaseStream.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    public static int ReadCount(BinaryReader reader, int max, string what)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > max)
        {
            throw Corrupt($"{what} is {count}");
        }

        return count;
    }

    public static void WriteNames(BinaryWriter writer, System.Collections.Generic.IReadOnlyList<string> names)
    {
        writer.Write(names.Count);
        foreach (string name in names)
        {
            WriteString(writer, name);
        }
    }

    public static string[] ReadNames(BinaryReader reader, string what)
    {
        var names = new string[ReadCount(reader, MaxNames, $"the number of {what}")];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = ReadString(reader, $"a name of {what}");
        }

        return names;
    }

    public static void WriteLayout(BinaryWriter writer, ParameterLayout layout)
    {
        writer.Write(layout.Count);
        foreach (ParameterTensor tensor in layout)
        {
            WriteString(writer, tensor.Name);
            writer.Write(tensor.Shape.Length);
            foreach (int dimension in tensor.Shape)
            {
                writer.Write(dimension);
            }
        }
    }

    /// <summary>
    /// Reads the tensors a checkpoint was saved with and returns, for each in the checkpoint's order,
    /// the index of the tensor of <paramref name="ours"/> with that name; throws
    /// <paramref name="mismatch"/>'s exception unless both have the same names and shapes.
    /// </summary>
    public static int[] ReadLayout(BinaryReader reader, ParameterLayout ours, Func<string, Exception> mismatch)
    {
        int count = ReadCount(reader, MaxNames, "the number of tensors");
        var names = new string[count];
        var shapes = new int[count][];
        for (int i = 0; i < count; i++)
        {
            names[i] = ReadString(reader, "a tensor name");
            shapes[i] = new int[ReadCount(reader, 64, $"the rank of tensor '{names[i]}'")];
            for (int d = 0; d < shapes[i].Length; d++)
            {
                shapes[i][d] = reader.ReadInt32();
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ourIndex = new int[count];
        bool fits = count == ours.Count;
        for (int i = 0; i < count; i++)
        {
            if (!seen.Add(names[i]))
            {
                throw Corrupt($"tensor '{names[i]}' appears twice");
            }

            ourIndex[i] = ours.IndexOf(names[i]);
            fits &= ourIndex[i] >= 0 && ours[ourIndex[i]].SameShape(shapes[i]);
        }

        if (!fits)
        {
            var theirs = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                theirs.Append(i == 0 ? string.Empty : ", ").Append(names[i]).Append(" [").AppendJoin(", ", shapes[i]).Append(']');
            }

            throw mismatch($"its tensors are {(count == 0 ? "none" : theirs.ToString())}, and this one's are {(ours.Count == 0 ? "none" : ours.ToString())}");
        }

        return ourIndex;
    }

    public static void WriteValues<T>(BinaryWriter writer, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        // A big-endian machine: write each value's bytes reversed.
        Span<byte> bytes = stackalloc byte[System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        foreach (T value in values)
        {
            MemoryMarshal.Write(bytes, in value);
            bytes.Reverse();
            writer.Write(bytes);
        }
    }

    public static void ReadValues<T>(BinaryReader reader, Span<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values));
        if (!BitConverter.IsLittleEndian)
        {
            // The bytes are little-endian: swap each value into this machine's order.
            Span<byte> bytes = MemoryMarshal.AsBytes(values);
            int size = bytes.Length / Math.Max(1, values.Length);
            for (int i = 0; i < bytes.Length; i += size)
            {
                bytes.Slice(i, size).Reverse();
            }
        }
    }

    public static InvalidDataException Corrupt(string detail)
        => new($"The checkpoint is corrupt: {detail}.");

    public static InvalidDataException Truncated(EndOfStreamException inner)
        => new("The checkpoint is truncated: the stream ended before the checkpoint did.", inner);

    public static ulong ReadChecksum(BinaryReader reader) => reader.ReadUInt64();

    public static void WriteChecksum(BinaryWriter writer, ulong hash) => writer.Write(hash);
}
