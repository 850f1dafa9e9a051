using System;
using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>
/// A tensor seen as a batch of matrices over its last two dimensions, as row and column reductions
/// (<c>rowmean</c>, <c>colmean</c>, ...) see it: a [4, 3, 5] tensor is 4 matrices of 3 rows and 5 columns,
/// a [3, 5] tensor one. A tensor of rank 0 or 1 has no rows: <see cref="Of"/> refuses it, and a rule
/// that reduces rows must branch on the rank first.
/// </summary>
/// <remarks>
/// Part of <c>NumKit.Kernels</c>, the building blocks generated kernels compile against in your project:
/// public only so generated code can reach them, hidden from IntelliSense, outside the reviewed public
/// API (PublicAPI.Shipped.txt) and free to change in any version.
/// </remarks>
/// <param name="Batches">How many matrices: the product of the leading dimensions (1 for rank 2).</param>
/// <param name="Rows">The rows of each matrix: the second-to-last dimension.</param>
/// <param name="Columns">The columns of each matrix: the last dimension, contiguous in memory.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct MatrixShape(int Batches, int Rows, int Columns)
{
    /// <summary>The tensor's own rank (its number of dimensions): 2 or more, or 0 and 1 for a tensor seen as a column (<see cref="OfAnyRank"/>).</summary>
    public int Rank { get; init; } = 2;

    /// <summary>How many elements: Batches × Rows × Columns.</summary>
    public long Length => (long)Batches * Rows * Columns;

    /// <summary>How many per-row values the tensor has (one per row of every matrix): Batches × Rows.</summary>
    public long RowValues => (long)Batches * Rows;

    /// <summary>How many per-column values the tensor has (one per column of every matrix): Batches × Columns.</summary>
    public long ColumnValues => (long)Batches * Columns;

    /// <summary>Whether a tensor of this shape has rows and columns (rank 2 or more).</summary>
    public static bool HasRows(ReadOnlySpan<int> shape) => shape.Length >= 2;

    /// <summary>
    /// As <see cref="Of"/>, and a tensor of rank 0 or 1 as one matrix of n rows of one column (a scalar: one row), so its
    /// rows are its elements: how a rule that branches on the rank sees it.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the element count overflows an int.</exception>
    public static MatrixShape OfAnyRank(ReadOnlySpan<int> shape)
    {
        if (shape.Length >= 2)
        {
            return Of(shape);
        }

        if (shape.Length == 1 && shape[0] < 0)
        {
            throw new ArgumentException($"Dimension 0 of the shape is {shape[0]}: dimensions are 0 or more.", nameof(shape));
        }

        return new MatrixShape(1, shape.Length == 0 ? 1 : shape[0], 1) { Rank = shape.Length };
    }

    /// <summary>The matrices of a tensor of rank 2 or more, over its last two dimensions.</summary>
    /// <exception cref="ArgumentException">The rank is below 2, a dimension is negative, or the element count overflows an int.</exception>
    public static MatrixShape Of(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException(
                $"A tensor of rank {shape.Length} has no rows and columns: row and column reductions need rank 2 or more (branch on the rank).",
                nameof(shape));
        }

        long batches = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"Dimension {i} of the shape is {shape[i]}: dimensions are 0 or more.", nameof(shape));
            }

            if (i < shape.Length - 2)
            {
                batches *= shape[i];
            }
        }

        var matrices = new MatrixShape(
            batches > int.MaxValue ? int.MaxValue : (int)batches, shape[shape.Length - 2], shape[shape.Length - 1]) { Rank = shape.Length };
        if (batches > int.MaxValue || matrices.Length > int.MaxValue)
        {
            throw new ArgumentException("The shape has more than int.MaxValue elements.", nameof(shape));
        }

        return matrices;
    }
}
