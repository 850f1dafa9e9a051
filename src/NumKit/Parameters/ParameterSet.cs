using System;
using System.Numerics;

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
