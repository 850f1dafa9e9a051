using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NumKit.Kernels;
using NumKit.Stepping;

namespace NumKit;

// Rules that reduce rows or columns (rowmean(g^2), colmean(g^2)): each tensor is a batch of matrices over its last two
// dimensions (MatrixShape), walked in blocks of MatrixLanes.RowsPerChunk rows. A row lies in one block and a column
// reduction adds each block's sums in block order, so a tensor split across threads by whole blocks gives the same
// bits as one thread, whatever the vector width. Per-row and per-column state is kept per tensor (MatrixBuffers.State),
// in the element type, and copied into the row and column values around each tensor's passes.
public unsafe partial class Optimizer<TRule, T>
{
    private readonly MatrixBuffers? _matrixScratch;

    /// <summary>
    /// The per-row and per-column state of every tensor, and the buffers a step over rows and columns works in, allocated
    /// with the optimizer (the column sums of a split step: on its first split).
    /// </summary>
    private sealed class MatrixBuffers
    {
        public MatrixBuffers(ParameterLayout layout)
        {
            long rowValues = 0;
            long columnValues = 0;
            long partials = 0;
            Shapes = new MatrixShape[layout.Count];
            StateOffsets = new int[layout.Count + 1];
            long state = 0;
            for (int j = 0; j < layout.Count; j++)
            {
                ParameterTensor tensor = layout[j];
                if (!TRule.ReadsRank && !MatrixShape.HasRows(tensor.Shape))
                {
                    throw new ArgumentException(
                        $"{typeof(TRule).Name} reduces rows or columns, and tensor {tensor} has rank {tensor.Shape.Length}: it has no rows. "
                        + "Give every tensor two dimensions or more (a bias of n as [1, n]), or branch on 'rank' in the equations.",
                        nameof(layout));
                }

                MatrixShape shape = MatrixShape.OfAnyRank(tensor.Shape);
                Shapes[j] = shape;
                StateOffsets[j] = (int)state;
                state += (shape.RowValues * TRule.RowStateNames.Count) + (shape.ColumnValues * TRule.ColumnStateNames.Count);
                if (state > Array.MaxLength)
                {
                    throw new ArgumentOutOfRangeException(nameof(layout), $"The per-row and per-column state of {typeof(TRule).Name} would not fit in one array.");
                }

                Columns = Math.Max(Columns, shape.Columns);
                rowValues = Math.Max(rowValues, shape.RowValues * TRule.RowValueCount);
                columnValues = Math.Max(columnValues, shape.ColumnValues * TRule.ColumnValueCount);
                partials = Math.Max(partials, (long)MatrixLanes.PartialStride(shape) * TRule.ReductionCount);
            }

            RowValues = new T[Math.Max(1, rowValues)];
            ColumnValues = new T[Math.Max(1, columnValues)];
            Partials = new double[Math.Max(1, partials)];
            TensorValues = new double[Math.Max(1, TRule.TensorValueCount)];
            ColumnSums = new T[Math.Max(1, Columns * TRule.ColumnReductionCount)];
            StateOffsets[layout.Count] = (int)state;
            State = new T[state];
        }

        /// <summary>Each tensor as the rule's passes see it (a tensor of rank 0 or 1 as a column, when the rule reads its rank).</summary>
        public MatrixShape[] Shapes { get; }

        /// <summary>Tensor j's per-row state (state k of row i at k × RowValues + i), then its per-column state, from StateOffsets[j].</summary>
        public T[] State { get; }

        public int[] StateOffsets { get; }

        public Span<T> RowState(int tensor)
            => State.AsSpan(StateOffsets[tensor], (int)Shapes[tensor].RowValues * TRule.RowStateNames.Count);

        public Span<T> ColumnState(int tensor)
        {
            int rows = (int)Shapes[tensor].RowValues * TRule.RowStateNames.Count;
            return State.AsSpan(StateOffsets[tensor] + rows, StateOffsets[tensor + 1] - StateOffsets[tensor] - rows);
        }

        /// <summary>The most columns a tensor has.</summary>
        public int Columns { get; }

        public T[] RowValues { get; }

        public T[] ColumnValues { get; }

        public double[] Partials { get; }

        public double[] TensorValues { get; }

        /// <summary>The running column sums of each part of a pass: one part's on one thread; grown for a split step.</summary>
        public T[] ColumnSums { get; set; }
    }

    private void StepMatrixTensor(in TRule rule, int t, int tensor, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stride, ReadOnlySpan<double> scalars)
    {
        MatrixBuffers scratch = _matrixScratch!;
        MatrixShape matrices = scratch.Shapes[tensor];
        ReadOnlySpan<int> shape = Layout[tensor].Shape;
        Span<T> rowValues = scratch.RowValues.AsSpan(0, (int)(matrices.RowValues * TRule.RowValueCount));
        Span<T> columnValues = scratch.ColumnValues.AsSpan(0, (int)(matrices.ColumnValues * TRule.ColumnValueCount));
        Span<double> partials = scratch.Partials.AsSpan(0, MatrixLanes.PartialStride(matrices) * TRule.ReductionCount);
        Span<double> values = scratch.TensorValues;
        int blocks = MatrixLanes.BlockCount(matrices);
        int threads = Math.Max(1, Math.Min(ThreadsForStep(w.Length), blocks));
        int slices = WorkerTeam.PartsFor(threads);
        int sumsPerSlice = matrices.Columns * TRule.ColumnReductionCount;
        if (threads > 1 && scratch.ColumnSums.Length < slices * sumsPerSlice)
        {
            // Once per larger split: a slice's running column sums are its own.
            scratch.ColumnSums = new T[slices * Math.Max(1, scratch.Columns * TRule.ColumnReductionCount)];
        }

        LoadMatrixState(shape, scratch.RowState(tensor), scratch.ColumnState(tensor), rowValues, columnValues);
        for (int pass = 1; pass <= TRule.PassCount; pass++)
        {
            if (threads <= 1)
            {
                StepMatrixPass(pass, in rule, t, shape, 0, blocks, w, g, state, stride, scalars, values, rowValues, columnValues, scratch.ColumnSums, partials);
            }
            else
            {
                StepMatrixPassSliced(pass, in rule, t, shape, blocks, w, g, state, stride, scalars, values, rowValues, columnValues, scratch.ColumnSums, sumsPerSlice, partials, threads);
            }

            FinishMatrixPass(pass, in rule, t, shape, scalars, partials, values, rowValues, columnValues);
        }

        StoreMatrixState(shape, rowValues, columnValues, scratch.RowState(tensor), scratch.ColumnState(tensor));
    }

    private static void LoadMatrixState(ReadOnlySpan<int> shape, ReadOnlySpan<T> rowState, ReadOnlySpan<T> columnState, Span<T> rowValues, Span<T> columnValues)
    {
        if (typeof(T) == typeof(float))
        {
            TRule.LoadMatrixState(shape, As<float>(rowState), As<float>(columnState), As<float>(rowValues), As<float>(columnValues));
        }
        else
        {
            TRule.LoadMatrixState(shape, As<double>(rowState), As<double>(columnState), As<double>(rowValues), As<double>(columnValues));
        }
    }

    private static void StoreMatrixState(ReadOnlySpan<int> shape, ReadOnlySpan<T> rowValues, ReadOnlySpan<T> columnValues, Span<T> rowState, Span<T> columnState)
    {
        if (typeof(T) == typeof(float))
        {
            TRule.StoreMatrixState(shape, As<float>(rowValues), As<float>(columnValues), As<float>(rowState), As<float>(columnState));
        }
        else
        {
            TRule.StoreMatrixState(shape, As<double>(rowValues), As<double>(columnValues), As<double>(rowState), As<double>(columnState));
        }
    }

    /// <summary>
    /// The per-row state <paramref name="name"/> (of <c>TRule.RowStateNames</c>) of tensor <paramref name="tensorName"/>: one
    /// value per row of each of its matrices (for a tensor of rank 0 or 1, seen as a column: one per element).
    /// </summary>
    /// <exception cref="ArgumentException">The rule has no such per-row state, or the layout no such tensor.</exception>
    public Span<T> RowState(string name, string tensorName)
    {
        int k = IndexOf(TRule.RowStateNames, name, "per-row state");
        int j = TensorIndex(tensorName);
        MatrixBuffers buffers = _matrixScratch!;
        int rows = (int)buffers.Shapes[j].RowValues;
        return buffers.RowState(j).Slice(k * rows, rows);
    }

    /// <summary>The per-column state <paramref name="name"/> (of <c>TRule.ColumnStateNames</c>) of tensor <paramref name="tensorName"/>: one value per column of each of its matrices.</summary>
    /// <exception cref="ArgumentException">The rule has no such per-column state, or the layout no such tensor.</exception>
    public Span<T> ColumnState(string name, string tensorName)
    {
        int k = IndexOf(TRule.ColumnStateNames, name, "per-column state");
        int j = TensorIndex(tensorName);
        MatrixBuffers buffers = _matrixScratch!;
        int columns = (int)buffers.Shapes[j].ColumnValues;
        return buffers.ColumnState(j).Slice(k * columns, columns);
    }

    private int TensorIndex(string tensorName)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        for (int j = 0; j < Layout.Count; j++)
        {
            if (Layout[j].Name == tensorName)
            {
                return j;
            }
        }

        throw new ArgumentException($"The layout has no tensor named '{tensorName}'.", nameof(tensorName));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepMatrixPass(int pass, in TRule rule, int t, ReadOnlySpan<int> shape, int firstBlock, int blockCount, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stride, ReadOnlySpan<double> scalars, ReadOnlySpan<double> values, ReadOnlySpan<T> rowValues, ReadOnlySpan<T> columnValues, Span<T> columnSums, Span<double> partials)
    {
        // typeof(T) is a JIT-time constant, so only one of these branches exists in the compiled code.
        if (typeof(T) == typeof(float))
        {
            TRule.StepMatrixPass(pass, in rule, t, shape, firstBlock, blockCount, As<float>(w), As<float>(g), As<float>(state), stride, scalars, values, As<float>(rowValues), As<float>(columnValues), As<float>(columnSums), partials);
        }
        else
        {
            TRule.StepMatrixPass(pass, in rule, t, shape, firstBlock, blockCount, As<double>(w), As<double>(g), As<double>(state), stride, scalars, values, As<double>(rowValues), As<double>(columnValues), As<double>(columnSums), partials);
        }
    }

    private static void FinishMatrixPass(int pass, in TRule rule, int t, ReadOnlySpan<int> shape, ReadOnlySpan<double> scalars, ReadOnlySpan<double> partials, Span<double> values, Span<T> rowValues, Span<T> columnValues)
    {
        if (typeof(T) == typeof(float))
        {
            TRule.FinishMatrixPass(pass, in rule, t, shape, scalars, partials, values, As<float>(rowValues), As<float>(columnValues));
        }
        else
        {
            TRule.FinishMatrixPass(pass, in rule, t, shape, scalars, partials, values, As<double>(rowValues), As<double>(columnValues));
        }
    }

    private static void StepMatrixPassSliced(int pass, in TRule rule, int t, ReadOnlySpan<int> shape, int blocks, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stride, ReadOnlySpan<double> scalars, ReadOnlySpan<double> values, ReadOnlySpan<T> rowValues, ReadOnlySpan<T> columnValues, Span<T> columnSums, int sumsPerSlice, Span<double> partials, int threads)
    {
        // Slices of whole blocks, several per thread (WorkerTeam explains why); everything the job points to is pinned
        // or on this stack until WorkerTeam.Run returns.
        int slices = WorkerTeam.PartsFor(threads);
        TRule ruleCopy = rule;
        fixed (int* shapep = shape)
        fixed (T* wp = w)
        fixed (T* gp = g)
        fixed (T* statep = state)
        fixed (double* scalarp = scalars)
        fixed (double* valuesp = values)
        fixed (T* rowp = rowValues)
        fixed (T* columnp = columnValues)
        fixed (T* sumsp = columnSums)
        fixed (double* partialsp = partials)
        {
            var job = new SlicedMatrixPass
            {
                Rule = Unsafe.AsPointer(ref ruleCopy),
                Pass = pass,
                Step = t,
                Shape = shapep,
                Rank = shape.Length,
                Length = w.Length,
                W = wp,
                G = gp,
                State = statep,
                StateLength = state.Length,
                Stride = stride,
                Scalars = scalarp,
                ScalarCount = scalars.Length,
                Values = valuesp,
                ValueCount = values.Length,
                RowValues = rowp,
                RowValueCount = rowValues.Length,
                ColumnValues = columnp,
                ColumnValueCount = columnValues.Length,
                ColumnSums = sumsp,
                SumsPerSlice = sumsPerSlice,
                Partials = partialsp,
                PartialCount = partials.Length,
                BlocksPerSlice = (blocks + slices - 1) / slices,
                Blocks = blocks,
            };
            WorkerTeam.Shared.Run(&StepMatrixPassSlice, &job, slices, threads);
        }
    }

    private static void StepMatrixPassSlice(void* context, int slice)
    {
        ref SlicedMatrixPass job = ref Unsafe.AsRef<SlicedMatrixPass>(context);
        long first = (long)slice * job.BlocksPerSlice;
        if (first >= job.Blocks)
        {
            return;
        }

        int count = (int)Math.Min(job.BlocksPerSlice, job.Blocks - first);
        int length = job.Length;
        StepMatrixPass(
            job.Pass,
            in Unsafe.AsRef<TRule>(job.Rule),
            job.Step,
            new ReadOnlySpan<int>(job.Shape, job.Rank),
            (int)first,
            count,
            new Span<T>(job.W, length),
            new ReadOnlySpan<T>(job.G, length),
            new Span<T>(job.State, job.StateLength),
            job.Stride,
            new ReadOnlySpan<double>(job.Scalars, job.ScalarCount),
            new ReadOnlySpan<double>(job.Values, job.ValueCount),
            new ReadOnlySpan<T>(job.RowValues, job.RowValueCount),
            new ReadOnlySpan<T>(job.ColumnValues, job.ColumnValueCount),
            new Span<T>(job.ColumnSums + ((long)slice * job.SumsPerSlice), job.SumsPerSlice),
            new Span<double>(job.Partials, job.PartialCount));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<TTo> As<TTo>(Span<T> span) where TTo : struct
        => MemoryMarshal.CreateSpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<TTo> As<TTo>(ReadOnlySpan<T> span) where TTo : struct
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    /// <summary>One pass over a tensor split into slices of whole blocks of rows: what every thread needs to find its blocks.</summary>
    private struct SlicedMatrixPass
    {
        public void* Rule;
        public int Pass;
        public int Step;
        public int* Shape;
        public int Rank;
        public int Length;
        public T* W;
        public T* G;
        public T* State;
        public int StateLength;
        public int Stride;
        public double* Scalars;
        public int ScalarCount;
        public double* Values;
        public int ValueCount;
        public T* RowValues;
        public int RowValueCount;
        public T* ColumnValues;
        public int ColumnValueCount;
        public T* ColumnSums;
        public int SumsPerSlice;
        public double* Partials;
        public int PartialCount;
        public int BlocksPerSlice;
        public int Blocks;
    }
}
