namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// One tensor of a flat parameter buffer, as the second-round references see it: its name, shape,
/// and where its elements sit (row-major, like <see cref="ParameterLayout"/> lays them out).
/// </summary>
/// <remarks>
/// A tensor of rank 2 or more is also seen as <see cref="Batches"/> matrices of
/// <see cref="Rows"/> × <see cref="Columns"/> (its last two dimensions), which is how Adafactor
/// factors it; element (b, r, c) sits at <c>Offset + (b·Rows + r)·Columns + c</c>.
/// </remarks>
public sealed record TensorSlice(string Name, int[] Shape, int Offset)
{
    /// <summary>The product of the dimensions (1 for a scalar of rank 0).</summary>
    public int Length => Shape.Aggregate(1, (product, dimension) => product * dimension);

    public int Rank => Shape.Length;

    /// <summary>The second-to-last dimension (rank ≥ 2 only).</summary>
    public int Rows => Shape[^2];

    /// <summary>The last dimension (rank ≥ 2 only).</summary>
    public int Columns => Shape[^1];

    /// <summary>The product of the dimensions before the last two (1 for a matrix).</summary>
    public int Batches => Shape[..^2].Aggregate(1, (product, dimension) => product * dimension);

    /// <summary>Lays out <paramref name="shapes"/> one after another, as <see cref="ParameterLayout.Add"/> does.</summary>
    public static TensorSlice[] Lay(IEnumerable<(string Name, int[] Shape)> shapes)
    {
        var slices = new List<TensorSlice>();
        int offset = 0;
        foreach ((string name, int[] shape) in shapes)
        {
            var slice = new TensorSlice(name, (int[])shape.Clone(), offset);
            slices.Add(slice);
            offset += slice.Length;
        }

        return slices.ToArray();
    }

    /// <summary>The same tensors as <paramref name="layout"/>, so a reference and an optimizer see one layout.</summary>
    public static TensorSlice[] Of(ParameterLayout layout)
        => layout.Select(t => new TensorSlice(t.Name, t.Shape.ToArray(), t.Offset)).ToArray();

    /// <summary>Σ x_i² over this tensor's elements of <paramref name="x"/>, in index order.</summary>
    public double SumOfSquares(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = Offset; i < Offset + Length; i++)
        {
            sum += x[i] * x[i];
        }

        return sum;
    }

    /// <summary>The L2 (Frobenius) norm of this tensor's elements of <paramref name="x"/>.</summary>
    public double Norm(ReadOnlySpan<double> x) => Math.Sqrt(SumOfSquares(x));

    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] at {Offset}";
}
