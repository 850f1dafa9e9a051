using System.Numerics.Tensors;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// Adafactor (<c>torch.optim.Adafactor</c> of current PyTorch) composed from <see cref="TensorPrimitives"/>
/// calls, as a careful C# user writes it without NumKit: the row sums of g² by rows, the column sums by
/// adding rows into one small vector, the factored second moment never stored but rebuilt row by row
/// into the update, and every buffer allocated here, so a step allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Per step t and tensor: 1 − β̂ = t^Beta2Decay; ρ = min(α, 1/√t); a = max(ε2, RMS(w))·ρ, with w before the
/// weight decay; w ← w·(1 − α·λ). A matrix (each of the last two dimensions' matrices of a tensor of rank
/// ≥ 2) keeps R ← lerp(R, mean over columns of g², 1 − β̂) and C ← lerp(C, mean over rows of g², 1 − β̂),
/// and V̂ = R[r]·C[c]/max(mean(R), ε1); a tensor of rank 0 or 1 keeps V ← lerp(V, g², 1 − β̂), V̂ = V.
/// Then U = g/√max(V̂, ε1²) and w ← w − a/max(1, RMS(U)/d)·U (RMS over the whole tensor).
/// </para>
/// <para>
/// R[r]/mean(R) is one scalar per row here (PyTorch divides the product R·C), so the numbers agree with the
/// double reference to float rounding, not bit for bit (the tests check it). Passes over a matrix of n
/// elements: ‖w‖, the row sums, the column sums, U, ‖U‖ and the update — six (seven with weight decay), of
/// which three read g or U and write nothing of size n; the factors are O(rows + columns).
/// </para>
/// </remarks>
public sealed class TensorPrimitivesAdafactor
{
    private readonly float[] _update;
    private readonly float[] _columnSums;
    private readonly float[] _denominator;

    /// <summary>Allocates the buffers for tensors of up to <paramref name="largestTensor"/> elements and matrices of up to <paramref name="largestColumns"/> columns.</summary>
    public TensorPrimitivesAdafactor(int largestTensor, int largestColumns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(largestTensor);
        ArgumentOutOfRangeException.ThrowIfNegative(largestColumns);
        _update = new float[largestTensor];
        _columnSums = new float[largestColumns];
        _denominator = new float[largestColumns];
    }

    /// <summary>The hyperparameters, by the contract's names (DESIGN.md, "Catalog, second round"), with its defaults.</summary>
    public readonly record struct Settings
    {
        /// <summary>Creates the defaults (a struct's <c>new()</c> would otherwise be all zeros).</summary>
        public Settings()
        {
        }

        /// <summary>α: ρ = min(α, 1/√t), and the weight decay's scale.</summary>
        public float LearningRate { get; init; } = 1e-2f;

        /// <summary>The exponent of 1 − β̂ = t^Beta2Decay.</summary>
        public float Beta2Decay { get; init; } = -0.8f;

        /// <summary>ε1: the floor of mean(R) and, squared, of V̂.</summary>
        public float Epsilon1 { get; init; } = 1.1920929e-7f;

        /// <summary>ε2: the floor of RMS(w) in the step size.</summary>
        public float Epsilon2 { get; init; } = 1e-3f;

        /// <summary>d: the update's RMS is clipped to it.</summary>
        public float ClipThreshold { get; init; } = 1f;

        /// <summary>λ in the decoupled decay w ← w·(1 − α·λ).</summary>
        public float WeightDecay { get; init; }
    }

    /// <summary>
    /// Step <paramref name="t"/> of a tensor of rank ≥ 2 seen as <paramref name="batches"/> matrices of
    /// <paramref name="rows"/> × <paramref name="columns"/> (row-major), with its row factor
    /// (batches × rows) and column factor (batches × columns).
    /// </summary>
    public void StepFactored(in Settings settings, int t, Span<float> w, ReadOnlySpan<float> g,
                             int batches, int rows, int columns, Span<float> rowFactor, Span<float> columnFactor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batches);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, _columnSums.Length);
        int n = checked(batches * rows * columns);
        RequireLengths(n, w, g);
        if (rowFactor.Length != batches * rows || columnFactor.Length != batches * columns)
        {
            throw new ArgumentException($"The factors of {batches} matrices of {rows} × {columns} hold {batches * rows} and {batches * columns} values (given {rowFactor.Length} and {columnFactor.Length}).");
        }

        if (n == 0)
        {
            return;
        }

        double scaleBase = Begin(settings, t, w, n, out double weight);
        Span<float> update = _update.AsSpan(0, n);
        Span<float> columnSums = _columnSums.AsSpan(0, columns);
        Span<float> denominator = _denominator.AsSpan(0, columns);
        float epsilon1Squared = settings.Epsilon1 * settings.Epsilon1;
        for (int b = 0; b < batches; b++)
        {
            ReadOnlySpan<float> matrix = g.Slice(b * rows * columns, rows * columns);
            Span<float> r = rowFactor.Slice(b * rows, rows);
            Span<float> c = columnFactor.Slice(b * columns, columns);

            // R ← lerp(R, row means of g², 1 − β̂): one SumOfSquares per row (one pass over g).
            for (int row = 0; row < rows; row++)
            {
                double mean = TensorPrimitives.SumOfSquares(matrix.Slice(row * columns, columns)) / (double)columns;
                r[row] = (float)(r[row] + weight * (mean - r[row]));
            }

            // C ← lerp(C, column means of g², 1 − β̂): every row's g² added into one vector (one more pass over g).
            columnSums.Clear();
            for (int row = 0; row < rows; row++)
            {
                ReadOnlySpan<float> gRow = matrix.Slice(row * columns, columns);
                TensorPrimitives.MultiplyAdd(gRow, gRow, columnSums, columnSums);
            }

            TensorPrimitives.Multiply(columnSums, 1f / rows, columnSums);
            TensorPrimitives.Lerp(c, columnSums, (float)weight, c);

            // U = g / √max(R[r]·C/mean(R), ε1²), row by row: the factored V̂ is never stored.
            float rowMean = Math.Max(TensorPrimitives.Sum<float>(r) / rows, settings.Epsilon1);
            for (int row = 0; row < rows; row++)
            {
                TensorPrimitives.Multiply(c, r[row] / rowMean, denominator);
                TensorPrimitives.Max(denominator, epsilon1Squared, denominator);
                TensorPrimitives.Sqrt(denominator, denominator);
                TensorPrimitives.Divide(matrix.Slice(row * columns, columns), denominator, update.Slice((b * rows + row) * columns, columns));
            }
        }

        Finish(settings, scaleBase, w, update);
    }

    /// <summary>Step <paramref name="t"/> of a tensor of rank 0 or 1, with its full second moment <paramref name="variance"/>.</summary>
    public void StepUnfactored(in Settings settings, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> variance)
    {
        int n = w.Length;
        RequireLengths(n, w, g);
        if (variance.Length != n)
        {
            throw new ArgumentException($"The second moment of {n} elements must be as long (given {variance.Length}).", nameof(variance));
        }

        if (n == 0)
        {
            return;
        }

        double scaleBase = Begin(settings, t, w, n, out double weight);
        Span<float> update = _update.AsSpan(0, n);
        TensorPrimitives.Multiply(g, g, update);                                       // U = g²
        TensorPrimitives.Lerp(variance, update, (float)weight, variance);              // V = lerp(V, g², 1 − β̂)
        TensorPrimitives.Max(variance, settings.Epsilon1 * settings.Epsilon1, update); // U = max(V, ε1²)
        TensorPrimitives.Sqrt(update, update);                                         // U = √U
        TensorPrimitives.Divide(g, update, update);                                    // U = g / U
        Finish(settings, scaleBase, w, update);
    }

    // a = max(ε2, RMS(w))·ρ from w before the decay, then the decay; returns a, and 1 − β̂ in weight.
    private static double Begin(in Settings settings, int t, Span<float> w, int n, out double weight)
    {
        weight = Math.Pow(t, settings.Beta2Decay);
        double rho = Math.Min(settings.LearningRate, 1 / Math.Sqrt(t));
        double alpha = Math.Max(settings.Epsilon2, TensorPrimitives.Norm<float>(w) / Math.Sqrt(n)) * rho;
        if (settings.WeightDecay != 0)
        {
            TensorPrimitives.Multiply(w, (float)(1 - ((double)settings.LearningRate * settings.WeightDecay)), w);
        }

        return alpha;
    }

    // w ← w − a/max(1, RMS(U)/d)·U.
    private static void Finish(in Settings settings, double alpha, Span<float> w, ReadOnlySpan<float> update)
    {
        double updateRms = TensorPrimitives.Norm(update) / Math.Sqrt(update.Length);
        double scale = alpha / Math.Max(1, updateRms / settings.ClipThreshold);
        TensorPrimitives.MultiplyAdd(update, (float)-scale, w, w);
    }

    private void RequireLengths(int n, ReadOnlySpan<float> w, ReadOnlySpan<float> g)
    {
        if (w.Length != n || g.Length != n)
        {
            throw new ArgumentException($"The tensor has {n} elements; w and g must be that long (they are {w.Length} and {g.Length}).");
        }

        if (n > _update.Length)
        {
            throw new ArgumentException($"The tensor has {n} elements; this instance was made for tensors of up to {_update.Length}.");
        }
    }
}
