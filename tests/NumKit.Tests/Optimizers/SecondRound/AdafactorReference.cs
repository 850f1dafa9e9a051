namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Adafactor as <c>torch.optim.Adafactor</c> of current PyTorch (pytorch/pytorch@051d6a09,
/// <c>torch/optim/_adafactor.py</c>, <c>_single_tensor_adafactor</c>): a tensor of rank ≥ 2 keeps a
/// row and a column mean of g² over its last two dimensions (per leading index), one of rank 0 or 1
/// a full second moment.
/// </summary>
/// <remarks>
/// Per step t and tensor: β̂ = 1 − t^Beta2Decay (so the first step takes g² whole);
/// ρ = min(LearningRate, 1/√t); α = max(Epsilon2, RMS(w))·ρ with w before weight decay;
/// w ← w·(1 − LearningRate·WeightDecay). Rank ≥ 2, per matrix b: R[b,r] ← lerp(R, mean_c g², 1 − β̂),
/// C[b,c] ← lerp(C, mean_r g², 1 − β̂), V̂[b,r,c] = R[b,r]·C[b,c] / max(mean_r R[b,r], Epsilon1).
/// Rank &lt; 2: V ← lerp(V, g², 1 − β̂), V̂ = V. Then U = g / √max(V̂, Epsilon1²);
/// w ← w − α / max(1, RMS(U)/ClipThreshold) · U. RMS is over the whole tensor.
/// PyTorch's <c>eps1=None</c> means the parameter dtype's machine epsilon; the contract fixes
/// float32's (1.1920929e-7) for both precisions.
/// </remarks>
public sealed class AdafactorReference(IReadOnlyList<TensorSlice> tensors, AdafactorReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>The hyperparameters, by the contract's names (torch's <c>eps</c> pair split, <c>d</c> = ClipThreshold), with its defaults.</summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 1e-2;
        public double Beta2Decay { get; init; } = -0.8;
        public double Epsilon1 { get; init; } = 1.1920929e-7;
        public double Epsilon2 { get; init; } = 1e-3;
        public double ClipThreshold { get; init; } = 1.0;
        public double WeightDecay { get; init; }
    }

    // Per tensor: the row factor R [Batches·Rows] and column factor C [Batches·Columns] for rank ≥ 2,
    // the full second moment V [Length] otherwise.
    private double[][]? _rows;
    private double[][]? _columns;
    private double[][]? _variances;

    /// <summary>The row factor of tensor <paramref name="index"/> (rank ≥ 2), Batches × Rows values: the state the contract keeps instead of a full second moment.</summary>
    public double[] RowFactor(int index) => _rows![index];

    /// <summary>The column factor of tensor <paramref name="index"/> (rank ≥ 2), Batches × Columns values.</summary>
    public double[] ColumnFactor(int index) => _columns![index];

    protected override void Apply(int t, double[] w, double[] g)
    {
        if (_variances is null)
        {
            _rows = Tensors.Select(x => x.Rank >= 2 ? new double[x.Batches * x.Rows] : []).ToArray();
            _columns = Tensors.Select(x => x.Rank >= 2 ? new double[x.Batches * x.Columns] : []).ToArray();
            _variances = Tensors.Select(x => x.Rank >= 2 ? [] : new double[x.Length]).ToArray();
        }

        double oneMinusBeta2 = Math.Pow(t, config.Beta2Decay);
        double rho = Math.Min(config.LearningRate, 1 / Math.Sqrt(t));
        for (int k = 0; k < Tensors.Count; k++)
        {
            TensorSlice tensor = Tensors[k];
            int o = tensor.Offset, n = tensor.Length;
            double alpha = Math.Max(config.Epsilon2, tensor.Norm(w) / Math.Sqrt(n)) * rho;
            if (config.WeightDecay != 0)
            {
                for (int i = o; i < o + n; i++)
                {
                    w[i] *= 1 - config.LearningRate * config.WeightDecay;
                }
            }

            var update = new double[n];
            if (tensor.Rank >= 2)
            {
                FactoredUpdate(tensor, _rows![k], _columns![k], g, oneMinusBeta2, update);
            }
            else
            {
                double[] variance = _variances[k];
                for (int i = 0; i < n; i++)
                {
                    variance[i] = Lerp(variance[i], g[o + i] * g[o + i], oneMinusBeta2);
                    update[i] = g[o + i] / Math.Sqrt(Math.Max(variance[i], config.Epsilon1 * config.Epsilon1));
                }
            }

            double updateRms = Math.Sqrt(update.Sum(u => u * u)) / Math.Sqrt(n);
            double scale = alpha / Math.Max(1, updateRms / config.ClipThreshold);
            for (int i = 0; i < n; i++)
            {
                w[o + i] += -scale * update[i];
            }
        }
    }

    private void FactoredUpdate(TensorSlice tensor, double[] rowFactor, double[] columnFactor, double[] g, double weight, double[] update)
    {
        int rows = tensor.Rows, columns = tensor.Columns;
        for (int b = 0; b < tensor.Batches; b++)
        {
            int matrix = tensor.Offset + b * rows * columns;
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int c = 0; c < columns; c++)
                {
                    double x = g[matrix + r * columns + c];
                    sum += x * x;
                }

                rowFactor[b * rows + r] = Lerp(rowFactor[b * rows + r], sum / columns, weight);
            }

            for (int c = 0; c < columns; c++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    double x = g[matrix + r * columns + c];
                    sum += x * x;
                }

                columnFactor[b * columns + c] = Lerp(columnFactor[b * columns + c], sum / rows, weight);
            }

            double rowMean = 0;
            for (int r = 0; r < rows; r++)
            {
                rowMean += rowFactor[b * rows + r];
            }

            rowMean = Math.Max(rowMean / rows, config.Epsilon1);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    double estimate = rowFactor[b * rows + r] * columnFactor[b * columns + c] / rowMean;
                    int i = b * rows * columns + r * columns + c;
                    update[i] = g[tensor.Offset + i] / Math.Sqrt(Math.Max(estimate, config.Epsilon1 * config.Epsilon1));
                }
            }
        }
    }

    // torch.lerp(start, end, weight) = start + weight·(end − start).
    private static double Lerp(double start, double end, double weight) => start + weight * (end - start);
}
