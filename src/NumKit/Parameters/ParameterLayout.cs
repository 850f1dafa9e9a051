using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace NumKit;

/// <summary>
/// The names and shapes of several tensors (W1, b1, W2, ...) laid out one after another, without gaps,
/// in one flat buffer — so an optimizer steps all of them in one pass.
/// </summary>
/// <remarks>
/// A layout is immutable: <see cref="Add"/> returns a new layout with one more tensor. Share one
/// layout between the <see cref="ParameterSet{T}"/> that holds the numbers and the
/// <see cref="Optimizer{TRule, T}"/> that steps them; checkpoints record it, so state is restored by
/// tensor name.
/// </remarks>
public sealed class ParameterLayout : IReadOnlyList<ParameterTensor>, IEquatable<ParameterLayout>
{
    /// <summary>The longest tensor name a layout accepts (checkpoints store names with this bound).</summary>
    public const int MaxNameLength = 256;

    private readonly ParameterTensor[] _tensors;
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Creates an empty layout; add tensors with <see cref="Add"/>.</summary>
    public ParameterLayout()
        : this(Array.Empty<ParameterTensor>())
    {
    }

    private ParameterLayout(ParameterTensor[] tensors)
    {
        _tensors = tensors;
        _indexByName = new Dictionary<string, int>(tensors.Length, StringComparer.Ordinal);
        for (int i = 0; i < tensors.Length; i++)
        {
            _indexByName.Add(tensors[i].Name, i);
        }

        ParameterCount = tensors.Length == 0 ? 0 : tensors[^1].Offset + tensors[^1].Length;
    }

    /// <summary>The total number of elements of every tensor: the length of the flat buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>How many tensors the layout has.</summary>
    public int Count => _tensors.Length;

    /// <summary>The tensor at <paramref name="index"/>, in the order they were added (and laid out).</summary>
    public ParameterTensor this[int index] => _tensors[index];

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No tensor has that name.</exception>
    public ParameterTensor this[string name] => _tensors[RequireIndexOf(name, nameof(name))];

    /// <summary>Returns a new layout with a tensor named <paramref name="name"/> of shape <paramref name="shape"/> placed after the others.</summary>
    /// <param name="name">A name no other tensor of the layout has, at most <see cref="MaxNameLength"/> characters.</param>
    /// <param name="shape">The dimensions, outermost first, each zero or more; none for a scalar.</param>
    /// <exception cref="ArgumentException">The name is empty, too long or already used.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or the layout would exceed the largest array.</exception>
    public ParameterLayout Add(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"The tensor name is {name.Length} characters long; at most {MaxNameLength} are allowed.", nameof(name));
        }

        if (_indexByName.ContainsKey(name))
        {
            throw new ArgumentException($"The layout already has a tensor named '{name}'; names must be unique.", nameof(name));
        }

        long length = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), shape[i], $"Dimension {i} of tensor '{name}' is {shape[i]}; dimensions must be zero or more.");
            }

            // Capped just past the largest array so the product cannot overflow; a later 0 still makes it 0.
            length = Math.Min(length * shape[i], (long)Array.MaxLength + 1);
        }

        if (ParameterCount + length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"Tensor '{name}' of shape [{string.Join(", ", shape)}] would take the layout past {Array.MaxLength} elements, the largest array.");
        }

        var tensors = new ParameterTensor[_tensors.Length + 1];
        _tensors.CopyTo(tensors, 0);
        tensors[^1] = new ParameterTensor(name, (int[])shape.Clone(), ParameterCount, (int)length);
        return new ParameterLayout(tensors);
    }

    /// <summary>The index of the tensor named <paramref name="name"/>, or -1 if there is none.</summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out int index) ? index : -1;

    /// <summary>The index of the tensor that holds element <paramref name="offset"/> of the flat buffer.</summary>
    internal int IndexAt(int offset)
    {
        // The last tensor that starts at or before the offset: a zero-length tensor there is always
        // followed by one that starts at the same offset, so the search never ends on one.
        int low = 0;
        int high = _tensors.Length - 1;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (_tensors[middle].Offset <= offset)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    internal int RequireIndexOf(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        int index = IndexOf(name);
        if (index < 0)
        {
            throw new ArgumentException($"The layout has no tensor named '{name}'; it has: {Names()}.", parameterName);
        }

        return index;
    }

    internal string Names()
    {
        if (_tensors.Length == 0)
        {
            return "no tensors";
        }

        var builder = new StringBuilder();
        foreach (ParameterTensor tensor in _tensors)
        {
            builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(tensor.Name);
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="other"/> has the same tensors (names and shapes) in the same order.</summary>
    public bool Equals(ParameterLayout? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (int i = 0; i < _tensors.Length; i++)
        {
            if (_tensors[i].Name != other._tensors[i].Name || !_tensors[i].SameShape(other._tensors[i].Shape))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ParameterLayout);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (ParameterTensor tensor in _tensors)
        {
            hash.Add(tensor.Name, StringComparer.Ordinal);
            hash.Add(tensor.Length);
        }

        return hash.ToHashCode();
    }

    /// <summary>The tensors as text, such as <c>W1 [16, 2], b1 [16]</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (ParameterTensor tensor in _tensors)
        {
            builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(tensor.Name).Append(" [").AppendJoin(", ", tensor.Shape.ToArray()).Append(']');
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public IEnumerator<ParameterTensor> GetEnumerator() => ((IEnumerable<ParameterTensor>)_tensors).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
