using System;

namespace NumKit;

/// <summary>One named tensor of a <see cref="ParameterLayout"/>: its shape and where its elements sit in the flat buffer.</summary>
public sealed class ParameterTensor
{
    private readonly int[] _shape;

    internal ParameterTensor(string name, int[] shape, int offset, int length)
    {
        Name = name;
        _shape = shape;
        Offset = offset;
        Length = length;
    }

    /// <summary>The tensor's name, unique in its layout (such as "W1" or "b1").</summary>
    public string Name { get; }

    /// <summary>The tensor's dimensions, outermost first; empty for a scalar (one element).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Where the tensor's first element sits in the flat buffer.</summary>
    public int Offset { get; }

    /// <summary>How many elements the tensor has: the product of its dimensions.</summary>
    public int Length { get; }

    /// <summary>The tensor as text, such as <c>W1 [16, 2] at 0</c>.</summary>
    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}] at {Offset}";

    internal bool SameShape(ReadOnlySpan<int> shape) => shape.SequenceEqual(_shape);
}
