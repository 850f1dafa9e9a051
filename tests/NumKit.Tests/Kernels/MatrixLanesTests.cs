using System.Numerics;
using NumKit.Kernels;

namespace NumKit.Tests.Kernels;

/// <summary>
/// The fixed order of row and column reductions (MatrixLanes): the exact bits of an independent scalar
/// statement of the order on every vector path and for every split of the row chunks, close to exact
/// double sums, no allocation, bad lengths refused before anything is written.
/// </summary>
public sealed class MatrixLanesTests
{
    public static TheoryData<int> Paths => new() { 512, 256, 128, 0 };

    // Shapes around the vector widths (16 floats / 8 doubles per 512 bits) and the 64-row chunks, and one
    // row longer than a ReductionLanes chunk (4096), whose row total folds two chunk partials.
    private static readonly (int Rows, int Columns)[] s_shapes =
    {
        (0, 0), (0, 5), (1, 0), (1, 1), (2, 7), (3, 16), (5, 17), (63, 33), (64, 40), (65, 3), (130, 41), (2, 4096 + 40),
    };

    private static readonly LaneAccumulation[] s_accumulations = { LaneAccumulation.Sum, LaneAccumulation.SumOfSquares, LaneAccumulation.MaxAbs };

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Float_rows_and_columns_have_the_bits_of_the_stated_order_on_every_path(int bits) => SameBitsAsStatedOrder<float>(bits);

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Double_rows_and_columns_have_the_bits_of_the_stated_order_on_every_path(int bits) => SameBitsAsStatedOrder<double>(bits);

    [Fact]
    public void Any_split_of_the_row_chunks_gives_the_same_column_totals()
    {
        const int rows = 200, columns = 37; // 4 row chunks: 64, 64, 64, 8
        float[] x = Values<float>(rows * columns, seed: 7);
        int chunks = MatrixLanes.RowChunkCount(rows);
        Assert.Equal(4, chunks);
        double[] whole = ColumnTotals(x, rows, columns, [chunks], LaneAccumulation.SumOfSquares);
        foreach (int[] split in new[] { new[] { 1, 3 }, new[] { 2, 2 }, new[] { 3, 1 }, new[] { 1, 1, 2 }, new[] { 1, 1, 1, 1 } })
        {
            double[] parts = ColumnTotals(x, rows, columns, split, LaneAccumulation.SumOfSquares);
            Assert.Equal(Bits(whole), Bits(parts));
        }
    }

    [Fact]
    public void Float_totals_are_close_to_exact_double_sums()
    {
        const int rows = 130, columns = 41;
        float[] x = Values<float>(rows * columns, seed: 3);
        double[] rowTotals = new double[rows];
        MatrixLanes.ReduceRows<float>(x, rows, columns, rowTotals, LaneAccumulation.SumOfSquares);
        double[] columnTotals = ColumnTotals(x, rows, columns, [MatrixLanes.RowChunkCount(rows)], LaneAccumulation.SumOfSquares);
        for (int r = 0; r < rows; r++)
        {
            double exact = 0;
            for (int c = 0; c < columns; c++)
            {
                exact += (double)x[r * columns + c] * x[r * columns + c];
            }

            Assert.True(Math.Abs(rowTotals[r] - exact) <= 1e-5 * exact, $"row {r}: {rowTotals[r]} vs {exact}");
        }

        for (int c = 0; c < columns; c++)
        {
            double exact = 0;
            for (int r = 0; r < rows; r++)
            {
                exact += (double)x[r * columns + c] * x[r * columns + c];
            }

            Assert.True(Math.Abs(columnTotals[c] - exact) <= 1e-5 * exact, $"column {c}: {columnTotals[c]} vs {exact}");
        }
    }

    [Fact]
    public void A_NaN_makes_its_row_and_column_maxabs_NaN_and_no_other()
    {
        const int rows = 3, columns = 20;
        float[] x = Values<float>(rows * columns, seed: 11);
        x[1 * columns + 18] = float.NaN;
        double[] rowTotals = new double[rows];
        MatrixLanes.ReduceRows<float>(x, rows, columns, rowTotals, LaneAccumulation.MaxAbs);
        double[] columnTotals = ColumnTotals(x, rows, columns, [1], LaneAccumulation.MaxAbs);
        Assert.True(double.IsNaN(rowTotals[1]));
        Assert.False(double.IsNaN(rowTotals[0]) || double.IsNaN(rowTotals[2]));
        Assert.True(double.IsNaN(columnTotals[18]));
        Assert.Equal(columns - 1, columnTotals.Count(t => !double.IsNaN(t)));
    }

    [Fact]
    public void Reductions_allocate_nothing()
    {
        const int rows = 130, columns = 41;
        float[] x = Values<float>(rows * columns, seed: 5);
        double[] rowTotals = new double[rows];
        float[] sums = new float[columns];
        double[] partials = new double[MatrixLanes.RowChunkCount(rows) * columns];
        double[] totals = new double[columns];
        void Run()
        {
            MatrixLanes.ReduceRows<float>(x, rows, columns, rowTotals, LaneAccumulation.SumOfSquares);
            MatrixLanes.ReduceColumnChunks<float>(x, rows, columns, 0, MatrixLanes.RowChunkCount(rows), sums, partials, LaneAccumulation.SumOfSquares);
            MatrixLanes.FoldColumns(partials, MatrixLanes.RowChunkCount(rows), columns, totals, max: false);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Lengths_that_are_not_whole_rows_are_refused_before_anything_is_written()
    {
        float[] x = new float[10];
        double[] rowTotals = [1, 2, 3, 4];
        var e = Assert.Throws<ArgumentException>(() => MatrixLanes.ReduceRows<float>(x, 3, 3, rowTotals, LaneAccumulation.Sum));
        Assert.Contains("10 element(s) are not 3 row(s) of 3 column(s)", e.Message);
        Assert.Equal([1, 2, 3, 4], rowTotals);

        double[] partials = [9, 9, 9];
        Assert.Throws<ArgumentException>(() => MatrixLanes.ReduceColumnChunks<float>(new float[12], 4, 3, 0, 1, new float[2], partials, LaneAccumulation.Sum));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixLanes.ReduceColumnChunks<float>(new float[12], 4, 3, 1, 1, new float[3], new double[6], LaneAccumulation.Sum));
        Assert.Equal([9, 9, 9], partials);
    }

    [Fact]
    public void A_tensor_is_a_batch_of_matrices_over_its_last_two_dimensions()
    {
        Assert.Equal(new MatrixShape(1, 3, 5), MatrixShape.Of([3, 5]));
        Assert.Equal(new MatrixShape(6, 4, 5) { Rank = 4 }, MatrixShape.Of([2, 3, 4, 5]));
        Assert.Equal(new MatrixShape(0, 4, 5) { Rank = 3 }, MatrixShape.Of([0, 4, 5]));
        Assert.Equal(24L, MatrixShape.Of([2, 3, 4, 5]).RowValues);
        Assert.Equal(30L, MatrixShape.Of([2, 3, 4, 5]).ColumnValues);
        Assert.True(MatrixShape.HasRows([1, 1]));
        Assert.False(MatrixShape.HasRows([7]));
        Assert.Contains("rank 1 has no rows", Assert.Throws<ArgumentException>(() => MatrixShape.Of([7])).Message);
        Assert.Contains("rank 0 has no rows", Assert.Throws<ArgumentException>(() => MatrixShape.Of([])).Message);
        Assert.Contains("Dimension 1", Assert.Throws<ArgumentException>(() => MatrixShape.Of([2, -1, 3])).Message);
        Assert.Throws<ArgumentException>(() => MatrixShape.Of([65536, 65536]));
    }

    private static void SameBitsAsStatedOrder<T>(int bits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!EveryPath.CanRun(bits))
        {
            return; // reported as skipped, with the reason
        }

        using VectorPaths.Scope scope = VectorPaths.Limit(bits);
        int seed = 0;
        foreach ((int rows, int columns) in s_shapes)
        {
            T[] x = Values<T>(rows * columns, seed: ++seed);
            foreach (LaneAccumulation accumulation in s_accumulations)
            {
                double[] rowTotals = new double[rows];
                MatrixLanes.ReduceRows<T>(x, rows, columns, rowTotals, accumulation);
                Assert.True(
                    Bits(StatedRowOrder(x, rows, columns, accumulation)).SequenceEqual(Bits(rowTotals)),
                    $"rows of {rows}x{columns} {accumulation} at {bits} bits");

                double[] columnTotals = ColumnTotals(x, rows, columns, [MatrixLanes.RowChunkCount(rows)], accumulation);
                Assert.True(
                    Bits(StatedColumnOrder(x, rows, columns, accumulation)).SequenceEqual(Bits(columnTotals)),
                    $"columns of {rows}x{columns} {accumulation} at {bits} bits");
            }
        }
    }

    // The row order as the documentation states it, element by element: chunks of 4096 from the row's
    // start, element i of a chunk into lane i mod (64 bytes / element size), lanes added pairwise (lane i
    // with lane i + n/2, halving), chunk partials added in chunk order in double.
    private static double[] StatedRowOrder<T>(T[] x, int rows, int columns, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int laneCount = 64 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        bool max = accumulation == LaneAccumulation.MaxAbs;
        var totals = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double total = 0;
            for (int start = 0; start < columns; start += 4096)
            {
                var lanes = new T[laneCount];
                for (int i = 0; i < Math.Min(4096, columns - start); i++)
                {
                    lanes[i % laneCount] = Accumulate(lanes[i % laneCount], x[r * columns + start + i], accumulation);
                }

                for (int width = laneCount / 2; width >= 1; width /= 2)
                {
                    for (int i = 0; i < width; i++)
                    {
                        T a = lanes[i], b = lanes[i + width];
                        lanes[i] = max ? (a > b || T.IsNaN(a) ? a : b) : a + b;
                    }
                }

                double partial = double.CreateTruncating(lanes[0]);
                total = max ? (total > partial || double.IsNaN(total) ? total : partial) : total + partial;
            }

            totals[r] = total;
        }

        return totals;
    }

    // The column order as stated: 64-row chunks from the first row, each column adding its elements in row
    // order in T, each chunk's sums converted to double, partials added in chunk order in double.
    private static double[] StatedColumnOrder<T>(T[] x, int rows, int columns, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool max = accumulation == LaneAccumulation.MaxAbs;
        var totals = new double[columns];
        for (int start = 0; start < rows; start += 64)
        {
            var sums = new T[columns];
            for (int r = start; r < Math.Min(rows, start + 64); r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    sums[c] = Accumulate(sums[c], x[r * columns + c], accumulation);
                }
            }

            for (int c = 0; c < columns; c++)
            {
                double partial = double.CreateTruncating(sums[c]);
                totals[c] = max ? (totals[c] > partial || double.IsNaN(totals[c]) ? totals[c] : partial) : totals[c] + partial;
            }
        }

        return totals;
    }

    private static T Accumulate<T>(T running, T x, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => accumulation switch
        {
            LaneAccumulation.Sum => running + x,
            LaneAccumulation.SumOfSquares => running + x * x,
            _ => running > T.Abs(x) || T.IsNaN(running) ? running : T.Abs(x),
        };

    // Column totals computed in the given split of the row chunks (each part as a thread would), then folded.
    private static double[] ColumnTotals<T>(T[] x, int rows, int columns, int[] split, LaneAccumulation accumulation)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int chunks = split.Sum();
        var partials = new double[chunks * columns];
        int first = 0;
        foreach (int count in split)
        {
            MatrixLanes.ReduceColumnChunks<T>(x, rows, columns, first, count, new T[columns], partials, accumulation);
            first += count;
        }

        var totals = new double[columns];
        MatrixLanes.FoldColumns(partials, chunks, columns, totals, accumulation == LaneAccumulation.MaxAbs);
        return totals;
    }

    private static T[] Values<T>(int count, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => T.CreateTruncating(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
