using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NumKit.Kernels;

/// <summary>
/// The fixed summation order of the equation language's row and column reductions (<c>rowsum</c>,
/// <c>colmean</c>, <c>rowrms</c>, ...) over a matrix (one matrix of a <see cref="MatrixShape"/>): the same
/// bits whatever the vector width and however the rows are split across threads.
/// </summary>
/// <remarks>
/// <para>
/// <b>Rows.</b> Each row is reduced exactly as <see cref="ReductionLanes"/> reduces a tensor, the row being
/// the tensor: chunks of <see cref="ReductionLanes.ChunkLength"/> elements from the row's start, element i of
/// a chunk into lane i mod 16 (floats) or 8 (doubles), the lanes added pairwise, the chunks' partials added
/// in chunk order in double. A thread owns whole rows, so a split of the rows changes nothing.
/// </para>
/// <para>
/// <b>Columns.</b> The rows are cut into chunks of <see cref="RowsPerChunk"/> rows from the matrix's first
/// row. Within a chunk, each column adds its elements in row order, in the element type — a vector holds
/// adjacent columns, so every width adds the same numbers in the same order. Each chunk's column sums are
/// converted to double (its partials), and the partials of a column are added in chunk order, from 0.0,
/// in double. A thread's share of the rows starts on a chunk boundary and writes its chunks' partials in
/// place, so the split changes nothing. <c>maxabs</c> keeps the largest |x| the same way (NaN if any is NaN).
/// </para>
/// <para>
/// Part of <c>NumKit.Kernels</c>, the building blocks generated kernels compile against in your project:
/// public only so generated code can reach them, hidden from IntelliSense, outside the reviewed public
/// API (PublicAPI.Shipped.txt) and free to change in any version.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MatrixLanes
{
    /// <summary>
    /// The rows of one chunk of a column reduction. Fixed (not a thread count or a vector width), so the
    /// order never changes; 64 keeps a chunk's sums in the element type short and the partials (one double
    /// per column and chunk: 1/64 of the matrix's elements) small.
    /// </summary>
    public const int RowsPerChunk = 64;

    /// <summary>How many row chunks a column reduction over <paramref name="rows"/> rows has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RowChunkCount(int rows) => (int)(((long)rows + RowsPerChunk - 1) / RowsPerChunk);

    /// <summary>How many blocks of <see cref="RowsPerChunk"/> rows a tensor of shape <paramref name="shape"/> has: each matrix's, in order.</summary>
    public static int BlockCount(MatrixShape shape) => (int)Math.Min(int.MaxValue, (long)shape.Batches * RowChunkCount(shape.Rows));

    /// <summary>
    /// How far apart a generated kernel keeps each reduction's partials over a tensor of shape <paramref name="shape"/>:
    /// room for one per row (a row or tensor reduction) and for one per block and column (a column reduction).
    /// </summary>
    public static int PartialStride(MatrixShape shape)
        => (int)Math.Min(int.MaxValue, Math.Max(1, Math.Max(shape.RowValues, (long)BlockCount(shape) * shape.Columns)));

    /// <summary>Refuses a tensor of <paramref name="length"/> elements that is not of shape <paramref name="shape"/>, or blocks that are not its.</summary>
    /// <exception cref="ArgumentException">The length is not the shape's, or the blocks are outside it.</exception>
    public static void RequireBlocks(MatrixShape shape, int length, int firstBlock, int blockCount)
    {
        if (shape.Batches < 0 || shape.Rows < 0 || shape.Columns < 0 || shape.Length != length)
        {
            throw new ArgumentException($"{length} element(s) are not {shape.Batches} matrices of {shape.Rows} row(s) and {shape.Columns} column(s).", "w");
        }

        int blocks = BlockCount(shape);
        if (firstBlock < 0 || blockCount < 0 || firstBlock > blocks - blockCount)
        {
            throw new ArgumentOutOfRangeException(nameof(blockCount), $"Blocks {firstBlock} to {firstBlock + blockCount - 1} are not within the tensor's {blocks} block(s) of rows.");
        }
    }

    /// <summary>
    /// Refuses per-row (<paramref name="column"/> false) or per-column state <paramref name="name"/> of a raw kernel's
    /// caller that does not hold exactly one value per row (column) of each matrix of <paramref name="shape"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not the shape's; nothing is written.</exception>
    public static void RequireLineState(int length, MatrixShape shape, bool column, string name)
    {
        long expected = column ? shape.ColumnValues : shape.RowValues;
        if (length != expected)
        {
            string each = column ? "column" : "row";
            throw new ArgumentException(
                $"Per-{each} state '{name}' holds {length} value(s); a tensor of {shape.Batches} matrices of {shape.Rows} row(s) and {shape.Columns} column(s) "
                + $"needs one per {each} of each matrix: {expected}. Nothing was written.",
                name);
        }
    }

    /// <summary>Refuses a raw kernel's scratch of <paramref name="length"/> doubles where the rule's <c>ScratchLength(shape)</c> is <paramref name="required"/>.</summary>
    /// <exception cref="ArgumentException">The scratch is too short; nothing is written.</exception>
    public static void RequireScratch(int length, int required, string name)
    {
        if (length < required)
        {
            throw new ArgumentException(
                $"'{name}' holds {length} double(s); a tensor of this shape needs at least {required} (the rule's ScratchLength(shape)). Nothing was written.",
                name);
        }
    }

    /// <summary>
    /// The doubles of scratch a rule's shape-taking raw kernel needs for a tensor of shape <paramref name="shape"/>: its
    /// per-tensor values, its reductions' partials, then its per-row values, per-column values and one block's column sums
    /// (one double each, enough for either precision).
    /// </summary>
    /// <exception cref="ArgumentException">The scratch would exceed the largest array.</exception>
    public static int ScratchLength(MatrixShape shape, int tensorValues, int reductions, int rowValues, int columnValues, int columnReductions)
    {
        long length = tensorValues + ((long)reductions * PartialStride(shape))
            + (rowValues * shape.RowValues) + (columnValues * shape.ColumnValues) + ((long)columnReductions * shape.Columns);
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"A tensor of {shape.Batches} matrices of {shape.Rows} × {shape.Columns} needs {length} doubles of scratch: more than one span holds.", "shape");
        }

        return (int)length;
    }

    /// <summary>Adds the block <paramref name="x"/> of adjacent columns from <paramref name="column"/> to their sums in <paramref name="sums"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddColumns<T, TVector, V>(ref T sums, nuint column, TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where V : struct, ISimd<V, TVector, T>
        => V.Store(V.Add(V.Load(ref sums, column), x), ref sums, column);

    /// <summary>Keeps the larger of each column's running value and |<paramref name="x"/>| (for <c>colmaxabs</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxAbsColumns<T, TVector, V>(ref T sums, nuint column, TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where V : struct, ISimd<V, TVector, T>
        => V.Store(V.Max(V.Load(ref sums, column), V.Abs(x)), ref sums, column);

    /// <summary>
    /// Adds (or, <paramref name="max"/>, keeps the largest of) the column partials of <paramref name="chunks"/>
    /// chunks (chunk c's at <c>c * columns</c>) into <paramref name="totals"/>, in chunk order from 0.0.
    /// </summary>
    public static void FoldColumns(ReadOnlySpan<double> partials, int chunks, int columns, Span<double> totals, bool max)
    {
        Span<double> result = totals.Slice(0, columns);
        result.Clear();
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            ReadOnlySpan<double> partial = partials.Slice(chunk * columns, columns);
            for (int column = 0; column < columns; column++)
            {
                result[column] = ReductionLanes.Fold(result[column], partial[column], max);
            }
        }
    }

    /// <summary>
    /// Reduces each row of the matrix <paramref name="x"/> (<paramref name="rows"/> rows of <paramref name="columns"/>,
    /// rows contiguous) in the fixed order: <paramref name="rowTotals"/>[r] = Σ x, Σ x² or max |x| over row r
    /// (before the division of a mean and the square root of a norm). For values already in memory; a
    /// generated kernel computes its argument in the same loop and calls <see cref="ReductionLanes.Add"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit: <paramref name="x"/> is not rows × columns elements, or <paramref name="rowTotals"/> is shorter than the rows.</exception>
    public static void ReduceRows<T>(ReadOnlySpan<T> x, int rows, int columns, Span<double> rowTotals, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireMatrix(x.Length, rows, columns, nameof(x));
        KernelGuard.RequireAtLeast(rowTotals.Length, rows, nameof(rowTotals));
        bool max = accumulation == LaneAccumulation.MaxAbs;
        Span<T> lanes = stackalloc T[ReductionLanes.MaxLanes];
        ref T lanesRef = ref MemoryMarshal.GetReference(lanes);
        for (int row = 0; row < rows; row++)
        {
            double total = 0.0;
            for (int start = 0; start < columns; start += ReductionLanes.ChunkLength)
            {
                nuint length = (nuint)Math.Min(ReductionLanes.ChunkLength, columns - start);
                ref T chunk = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), row * columns + start);
                lanes.Clear();
                nuint index = 0;
                if (Simd512<T>.IsEnabled)
                {
                    index = SweepRow<T, System.Runtime.Intrinsics.Vector512<T>, Simd512<T>>(index, length, ref lanesRef, ref chunk, accumulation);
                }

                if (Simd256<T>.IsEnabled)
                {
                    index = SweepRow<T, System.Runtime.Intrinsics.Vector256<T>, Simd256<T>>(index, length, ref lanesRef, ref chunk, accumulation);
                }

                if (Simd128<T>.IsEnabled)
                {
                    index = SweepRow<T, System.Runtime.Intrinsics.Vector128<T>, Simd128<T>>(index, length, ref lanesRef, ref chunk, accumulation);
                }

                SweepRow<T, T, Scalar<T>>(index, length, ref lanesRef, ref chunk, accumulation);
                total = ReductionLanes.Fold(total, ReductionLanes.Total<T>(lanes, max), max);
            }

            rowTotals[row] = total;
        }
    }

    /// <summary>
    /// Writes the column partials of row chunks <paramref name="firstChunk"/> .. <paramref name="firstChunk"/> +
    /// <paramref name="chunkCount"/> − 1 of the matrix <paramref name="x"/> into <paramref name="partials"/>
    /// (chunk c's at <c>c * columns</c>, as <see cref="FoldColumns"/> reads them), using
    /// <paramref name="sums"/> (at least <paramref name="columns"/> elements) as the chunk's running sums. A
    /// thread calls it for its own chunks; the split does not change a bit of the folded totals.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit, or the chunks are not the matrix's.</exception>
    public static void ReduceColumnChunks<T>(
        ReadOnlySpan<T> x, int rows, int columns, int firstChunk, int chunkCount, Span<T> sums, Span<double> partials, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireMatrix(x.Length, rows, columns, nameof(x));
        int chunks = RowChunkCount(rows);
        if (firstChunk < 0 || chunkCount < 0 || firstChunk > chunks - chunkCount)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkCount), $"Chunks {firstChunk} to {firstChunk + chunkCount - 1} are not within the matrix's {chunks} row chunk(s).");
        }

        KernelGuard.RequireAtLeast(sums.Length, columns, nameof(sums));
        KernelGuard.RequireAtLeast(partials.Length, (firstChunk + chunkCount) * columns, nameof(partials));
        ref T sumsRef = ref MemoryMarshal.GetReference(sums);
        for (int chunk = firstChunk; chunk < firstChunk + chunkCount; chunk++)
        {
            sums.Slice(0, columns).Clear();
            int end = Math.Min(rows, (chunk + 1) * RowsPerChunk);
            for (int row = chunk * RowsPerChunk; row < end; row++)
            {
                ref T rowRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), row * columns);
                nuint index = 0;
                if (Simd512<T>.IsEnabled)
                {
                    index = SweepColumns<T, System.Runtime.Intrinsics.Vector512<T>, Simd512<T>>(index, (nuint)columns, ref sumsRef, ref rowRef, accumulation);
                }

                if (Simd256<T>.IsEnabled)
                {
                    index = SweepColumns<T, System.Runtime.Intrinsics.Vector256<T>, Simd256<T>>(index, (nuint)columns, ref sumsRef, ref rowRef, accumulation);
                }

                if (Simd128<T>.IsEnabled)
                {
                    index = SweepColumns<T, System.Runtime.Intrinsics.Vector128<T>, Simd128<T>>(index, (nuint)columns, ref sumsRef, ref rowRef, accumulation);
                }

                SweepColumns<T, T, Scalar<T>>(index, (nuint)columns, ref sumsRef, ref rowRef, accumulation);
            }

            Span<double> partial = partials.Slice(chunk * columns, columns);
            for (int column = 0; column < columns; column++)
            {
                partial[column] = double.CreateTruncating(sums[column]);
            }
        }
    }

    private static void RequireMatrix(int length, int rows, int columns, string name)
    {
        if (rows < 0 || columns < 0 || (long)rows * columns != length)
        {
            throw new ArgumentException($"{length} element(s) are not {rows} row(s) of {columns} column(s).", name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint SweepRow<T, TVector, V>(nuint index, nuint length, ref T lanes, ref T x, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where V : struct, ISimd<V, TVector, T>
    {
        for (; index + (nuint)V.Count <= length; index += (nuint)V.Count)
        {
            TVector value = V.Load(ref x, index);
            switch (accumulation)
            {
                case LaneAccumulation.Sum:
                    ReductionLanes.Add<T, TVector, V>(ref lanes, index, value);
                    break;
                case LaneAccumulation.SumOfSquares:
                    ReductionLanes.Add<T, TVector, V>(ref lanes, index, V.Multiply(value, value));
                    break;
                default:
                    ReductionLanes.MaxAbs<T, TVector, V>(ref lanes, index, value);
                    break;
            }
        }

        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint SweepColumns<T, TVector, V>(nuint index, nuint columns, ref T sums, ref T row, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where V : struct, ISimd<V, TVector, T>
    {
        for (; index + (nuint)V.Count <= columns; index += (nuint)V.Count)
        {
            TVector value = V.Load(ref row, index);
            switch (accumulation)
            {
                case LaneAccumulation.Sum:
                    AddColumns<T, TVector, V>(ref sums, index, value);
                    break;
                case LaneAccumulation.SumOfSquares:
                    AddColumns<T, TVector, V>(ref sums, index, V.Multiply(value, value));
                    break;
                default:
                    MaxAbsColumns<T, TVector, V>(ref sums, index, value);
                    break;
            }
        }

        return index;
    }
}
