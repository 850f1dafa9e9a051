using System;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using NumKit.Checkpoints;

namespace NumKit;

/// <summary>
/// The numbers of a model: every tensor of a <see cref="ParameterLayout"/> in one flat buffer of
/// values, with a flat gradient buffer of the same layout beside it.
/// </summary>
/// <remarks>
/// The model reads and writes each tensor through its span (<c>set["W1"]</c>,
/// <c>set.Gradient("W1")</c>); the optimizer steps <see cref="Values"/> from <see cref="Gradients"/>
/// in one pass, and gradient clipping measures the global norm over <see cref="Gradients"/> in one call.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public class ParameterSet<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _values;
    private readonly T[] _gradients;

    /// <summary>Allocates the values and gradients of every tensor of <paramref name="layout"/>, all zero.</summary>
    public ParameterSet(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        _values = new T[layout.ParameterCount];
        _gradients = new T[layout.ParameterCount];
    }

    /// <summary>The tensors' names, shapes and places in the flat buffers.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>Every tensor's values, one after another in layout order.</summary>
    public Span<T> Values => _values;

    /// <summary>Every tensor's gradients, in the same places as <see cref="Values"/>.</summary>
    public Span<T> Gradients => _gradients;

    /// <summary>The values of the tensor named <paramref name="name"/>, a view into <see cref="Values"/>.</summary>
    /// <exception cref="ArgumentException">The layout has no tensor of that name.</exception>
    public Span<T> this[string name] => Slice(_values, Layout.RequireIndexOf(name, nameof(name)));

    /// <summary>The values of the tensor at <paramref name="index"/> of the layout.</summary>
    public Span<T> this[int index] => Slice(_values, index);

    /// <summary>The gradients of the tensor named <paramref name="name"/>, a view into <see cref="Gradients"/>.</summary>
    /// <exception cref="ArgumentException">The layout has no tensor of that name.</exception>
    public Span<T> Gradient(string name) => Slice(_gradients, Layout.RequireIndexOf(name, nameof(name)));

    /// <summary>The gradients of the tensor at <paramref name="index"/> of the layout.</summary>
    public Span<T> Gradient(int index) => Slice(_gradients, index);

    /// <summary>Sets every gradient to zero, for models that accumulate into them.</summary>
    public void ZeroGradients() => _gradients.AsSpan().Clear();

    /// <summary>
    /// Writes the values of every tensor, with the tensors' names and shapes, to
    /// <paramref name="stream"/> (versioned and checksummed); the gradients are not saved.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
    public void SaveValues(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        var hashed = new ChecksumStream(stream, writing: true);
        using var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true);
        CheckpointFormat.WriteHeader(writer, CheckpointFormat.ParametersMagic, CheckpointFormat.ParametersVersion);
        writer.Write(CheckpointFormat.ValueCode<T>());
        CheckpointFormat.WriteLayout(writer, Layout);
        CheckpointFormat.WriteValues<T>(writer, _values);
        writer.Flush();
        CheckpointFormat.WriteChecksum(writer, hashed.Hash);
        writer.Flush();
    }

    /// <summary>
    /// Saves the values (as <see cref="SaveValues(Stream)"/>) to the file <paramref name="path"/>, crash-safely: written
    /// to a temporary file in the same folder, flushed to disk, then renamed over the old file, so a crash mid-save
    /// leaves the previous file whole.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="IOException">The folder does not exist or cannot be written; <paramref name="path"/> is unchanged.</exception>
    public void SaveValues(string path)
        => IO.AtomicFile.Write(path, this, static (stream, set) => set.SaveValues(stream));

    /// <summary>Loads values from a file written by <see cref="SaveValues(string)"/>; a refused file changes nothing.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public void LoadValues(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        LoadValues(stream);
    }

    /// <summary>
    /// Restores values written by <see cref="SaveValues(Stream)"/>, matching tensors by name (they may be laid
    /// out in another order). Everything is read and checked first: a refused stream changes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The saved tensors (names or shapes) or precision differ from this set's.</exception>
    /// <exception cref="InvalidDataException">The stream is not saved values, is of an unknown version, is truncated or is corrupt.</exception>
    public void LoadValues(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var hashed = new ChecksumStream(stream, writing: false);
        using var reader = new BinaryReader(hashed, Encoding.UTF8, leaveOpen: true);
        T[] staged = new T[_values.Length];
        try
        {
            CheckpointFormat.ReadHeader(reader, CheckpointFormat.ParametersMagic, "parameter file", CheckpointFormat.ParametersVersion);
            int size = reader.ReadByte();
            if (size != CheckpointFormat.ValueCode<T>())
            {
                throw CheckpointFormat.ValueTypeName(size) is string saved
                    ? Mismatch($"it holds {saved} values, and this set holds {typeof(T).Name}")
                    : CheckpointFormat.Corrupt($"the value type code is {size}");
            }

            foreach (int j in CheckpointFormat.ReadLayout(reader, Layout, Mismatch))
            {
                ParameterTensor tensor = Layout[j];
                CheckpointFormat.ReadValues<T>(reader, staged.AsSpan(tensor.Offset, tensor.Length));
            }

            ulong computed = hashed.Hash;
            ulong stored = CheckpointFormat.ReadChecksum(reader);
            if (computed != stored)
            {
                throw CheckpointFormat.Corrupt($"its checksum is {stored:x16} but its contents hash to {computed:x16}");
            }
        }
        catch (EndOfStreamException e)
        {
            throw CheckpointFormat.Truncated(e);
        }

        staged.CopyTo(_values, 0);
    }

    private static ArgumentException Mismatch(string detail)
        => new($"The saved values do not fit this parameter set: {detail}. Nothing was changed.", "stream");

    private Span<T> Slice(T[] buffer, int index)
    {
        ParameterTensor tensor = Layout[index];
        return buffer.AsSpan(tensor.Offset, tensor.Length);
    }
}

/// <summary>The float numbers of a model: see <see cref="ParameterSet{T}"/>.</summary>
public sealed class ParameterSet : ParameterSet<float>
{
    /// <inheritdoc cref="ParameterSet{T}(ParameterLayout)"/>
    public ParameterSet(ParameterLayout layout)
        : base(layout)
    {
    }
}
