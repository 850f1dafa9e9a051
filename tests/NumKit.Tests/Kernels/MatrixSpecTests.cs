using NumKit.Kernels;
using NumKit.Tests.Specs;

namespace NumKit.Tests.Kernels;

/// <summary>
/// The row and column specs (tests/Specs: FactoredScale, ColumnMaxMomentum) through <c>Optimizer&lt;TRule&gt;</c>
/// over tensors of rank 2 and 3 — one row, one column, odd sizes, rows past a block of
/// <see cref="MatrixLanes.RowsPerChunk"/>, a row past a chunk of <see cref="ReductionLanes.ChunkLength"/>, no rows, and
/// one big enough to split across threads — against hand-written double references per matrix; the same bits on every
/// vector path and at 1, 2 and 3 threads, in float and double; no allocation per step; a rank-1 tensor refused.
/// </summary>
public class MatrixSpecTests
{
    private const int Steps = 4;

    private static ParameterLayout Layout()
        => new ParameterLayout()
            .Add("one", 1, 1).Add("row", 1, 17).Add("column", 17, 1).Add("odd", 3, 17).Add("batch", 2, 3, 5)
            .Add("blocks", 130, 9).Add("long", 2, ReductionLanes.ChunkLength + 7).Add("norows", 0, 5).Add("nocolumns", 4, 0)
            .Add("big", 3, 150, 80);

    /// <summary>A double reference of one tensor's step: <paramref name="batches"/> matrices, w and g row-major, its per-element state.</summary>
    private delegate void MatrixStep(int t, int batches, int rows, int columns, double[] w, double[] g, double[][] state);

    [PathFact]
    public void Row_column_and_tensor_means_and_a_factored_update_in_three_passes()
        => Check(new FactoredScale(), 2e-5, (t, batches, rows, columns, w, g, s) => FactoredScaleStep(batches, rows, columns, w, g));

    [PathFact]
    public void A_column_maximum_of_the_new_momentum_and_row_sums_of_w()
        => Check(new ColumnMaxMomentum(), 2e-5, (t, batches, rows, columns, w, g, s) =>
        {
            for (int b = 0; b < batches; b++)
            {
                int size = rows * columns;
                double[] wb = w.AsSpan(b * size, size).ToArray();
                double[] mb = s[0].AsSpan(b * size, size).ToArray();
                ColumnMaxMomentumStep(rows, columns, wb, g.AsSpan(b * size, size).ToArray(), mb);
                wb.CopyTo(w, b * size);
                mb.CopyTo(s[0], b * size);
            }
        });

    private static void ColumnMaxMomentumStep(int rows, int columns, double[] w, double[] g, double[] m)
    {
            const double lr = 0.1f, beta = 0.9f, eps = 1e-3f, pull = 0.01f;
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = beta * m[i] + (1 - beta) * g[i];
            }

            var rowSums = new double[rows];
            var columnMax = new double[columns];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    rowSums[r] += w[r * columns + c];
                    columnMax[c] = Math.Max(columnMax[c], Math.Abs(m[r * columns + c]));
                }
            }

            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    int i = r * columns + c;
                    w[i] = w[i] - lr * m[i] * (1 / (columnMax[c] + eps)) - pull * rowSums[r] / 100;
                }
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_step_allocates_nothing(int threads)
    {
        Assert.Equal(0, Allocation<FactoredScale, float>(threads));
        Assert.Equal(0, Allocation<FactoredScale, double>(threads));
        Assert.Equal(0, Allocation<ColumnMaxMomentum, float>(threads));
        Assert.Equal(0, Allocation<ColumnMaxMomentum, double>(threads));
    }

    private static long Allocation<TRule, T>(int threads)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var set = new ParameterSet<T>(Layout());
        Fill<T>(set.Values, 1, 1, 0.2);
        Fill<T>(set.Gradients, 2, 1, 0.1);
        var optimizer = new Optimizer<TRule, T>(new TRule(), set.Layout) { MaxDegreeOfParallelism = threads };
        optimizer.Step(set); // the first split step sizes its column sums; a worker team's first use starts its threads
        return SteadyStateAllocation.Of(() => optimizer.Step(set));
    }

    [Fact]
    public void The_specs_make_the_fewest_passes()
    {
        Assert.Equal(3, Passes<FactoredScale>());
        Assert.Equal(2, Passes<ColumnMaxMomentum>());
    }

    [PathFact]
    public void A_wrong_reference_is_caught()
        => Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Check(new FactoredScale(), 2e-5, (t, batches, rows, columns, w, g, s) =>
            FactoredScaleStep(batches, columns, rows, w, g))); // rows and columns swapped

    [Fact]
    public void A_tensor_without_rows_is_refused_when_the_optimizer_is_made()
    {
        var layout = new ParameterLayout().Add("W", 3, 4).Add("b", 4);
        ArgumentException refused = Assert.Throws<ArgumentException>(() => new Optimizer<FactoredScale>(new FactoredScale(), layout));
        Assert.Contains("b [4]", refused.Message);
        Assert.Contains("no rows", refused.Message);
    }

    [Fact]
    public void The_flat_kernel_without_a_shape_is_refused()
    {
        float[] w = new float[6];
        float[] g = new float[6];
        Assert.Throws<NotSupportedException>(() => FlatStep(new FactoredScale(), w, g));
    }

    private static void FlatStep<TRule>(TRule rule, float[] w, float[] g)
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.Step(in rule, 1, w, g, Span<float>.Empty, w.Length, Span<double>.Empty);

    // Rows and columns per matrix, the mean and the RMS over the whole tensor.
    private static void FactoredScaleStep(int batches, int rows, int columns, double[] w, double[] g)
    {
        const double lr = 0.1f, eps = 1e-6f;
        var r = new double[batches * rows];
        var c = new double[batches * columns];
        double mean = g.Sum(x => x * x) / g.Length;
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    double x = g[(b * rows + i) * columns + j];
                    r[b * rows + i] += x * x / columns;
                    c[b * columns + j] += x * x / rows;
                }
            }
        }

        var u = new double[w.Length];
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                double s = r[b * rows + i] / Math.Max(mean, 1e-30);
                for (int j = 0; j < columns; j++)
                {
                    int k = (b * rows + i) * columns + j;
                    u[k] = g[k] / Math.Sqrt(s * c[b * columns + j] + eps);
                }
            }
        }

        double squares = u.Sum(x => x * x);

        double rms = Math.Sqrt(squares / w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= lr * u[i] / Math.Max(1, rms);
        }
    }

    private static int Passes<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.PassCount;

    private static void Fill<T>(Span<T> values, int seed, double scale, double offset = 0)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((float)(offset + (random.NextDouble() * 2 - 1) * scale));
        }
    }

    private static void Check<TRule>(TRule rule, double tolerance, MatrixStep reference)
        where TRule : struct, IOptimizerRule<TRule>
    {
        ParameterLayout layout = Layout();
        float[]? first = null;
        double[]? firstDouble = null;
        EveryPath.Run(limit =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] result = RunOptimizer<TRule, float>(rule, layout, threads);
                first ??= result;
                Assert.True(first.AsSpan().SequenceEqual(result), $"{typeof(TRule).Name}: path {limit}, {threads} thread(s) differs from the widest path on one thread (float)");
                double[] resultDouble = RunOptimizer<TRule, double>(rule, layout, threads);
                firstDouble ??= resultDouble;
                Assert.True(firstDouble.AsSpan().SequenceEqual(resultDouble), $"{typeof(TRule).Name}: path {limit}, {threads} thread(s) differs from the widest path on one thread (double)");
            }
        });

        // The double reference, matrix by matrix, from the same float inputs.
        var set = new ParameterSet<float>(layout);
        Fill<float>(set.Values, 1, 1, 0.2);
        double[] values = set.Values.ToArray().Select(x => (double)x).ToArray();
        var states = layout.Select(tensor => Enumerable.Range(0, TRule.StateNames.Count).Select(_ => new double[tensor.Length]).ToArray()).ToArray();
        for (int t = 1; t <= Steps; t++)
        {
            Fill<float>(set.Gradients, 10 + t, 1, 0.1);
            for (int j = 0; j < layout.Count; j++)
            {
                ParameterTensor tensor = layout[j];
                MatrixShape shape = MatrixShape.Of(tensor.Shape);
                double[] w = values.AsSpan(tensor.Offset, tensor.Length).ToArray();
                double[] g = set.Gradients.Slice(tensor.Offset, tensor.Length).ToArray().Select(x => (double)x).ToArray();
                reference(t, shape.Batches, shape.Rows, shape.Columns, w, g, states[j]);
                w.CopyTo(values, tensor.Offset);
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            double error = Math.Abs(first![i] - values[i]) / (1 + Math.Abs(values[i]));
            Assert.True(error <= tolerance, $"{typeof(TRule).Name}: element {i} ({Name(layout, i)}) is {first[i]}, the double reference {values[i]} (error {error:g3})");
            double errorDouble = Math.Abs(firstDouble![i] - values[i]) / (1 + Math.Abs(values[i]));
            Assert.True(errorDouble <= 1e-9, $"{typeof(TRule).Name}: element {i} ({Name(layout, i)}) in double is {firstDouble[i]}, the double reference {values[i]} (error {errorDouble:g3})");
        }
    }

    private static string Name(ParameterLayout layout, int i) => layout.Last(tensor => tensor.Offset <= i && tensor.Length > 0).Name;

    private static T[] RunOptimizer<TRule, T>(TRule rule, ParameterLayout layout, int threads)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var set = new ParameterSet<T>(layout);
        Fill<T>(set.Values, 1, 1, 0.2);
        var optimizer = new Optimizer<TRule, T>(rule, layout) { MaxDegreeOfParallelism = threads };
        for (int t = 1; t <= Steps; t++)
        {
            Fill<T>(set.Gradients, 10 + t, 1, 0.1);
            optimizer.Step(set);
        }

        return set.Values.ToArray();
    }
}
