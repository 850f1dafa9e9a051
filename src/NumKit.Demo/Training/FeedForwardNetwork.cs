using System;
using System.Numerics;

namespace NumKit.Demo.Training;

/// <summary>
/// A fully connected network with ReLU hidden layers and sigmoid outputs, trained on binary
/// cross-entropy, written as the course writes it: examples are columns, Z = W·A + b, and the backward
/// pass starts from dZ_L = (A_L − Y) / m. Every parameter lives in one flat buffer (W1, b1, W2, b2, …,
/// each W row-major (n_l, n_{l−1})) and every gradient in another of the same shape, so one optimizer
/// steps them all at once; nothing allocates after construction.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class FeedForwardNetwork<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;
    private readonly T[] _parameters;
    private readonly T[] _gradients;

    // Per layer l = 1..L: the pre-activations Z_l and activations A_l of the last forward pass,
    // (n_l, count) row-major, with room for MaxBatch examples; and dZ_l for the backward pass.
    private readonly T[][] _z;
    private readonly T[][] _a;
    private readonly T[][] _dz;

    // The last forward pass's input layout, which the backward pass reads as A_0.
    private int _count;
    private int _inputStride;
    private int _inputStart;

    /// <summary>Creates a network with zero parameters and room for batches of up to <paramref name="maxBatch"/> examples.</summary>
    /// <param name="layerSizes">n_0 (inputs), n_1, …, n_L (outputs), each at least 1.</param>
    /// <param name="maxBatch">The largest number of examples one forward pass takes.</param>
    /// <exception cref="ArgumentException">Fewer than two layers or a layer below one unit.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> is below 1.</exception>
    public FeedForwardNetwork(ReadOnlySpan<int> layerSizes, int maxBatch)
    {
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException($"A network needs at least an input and an output layer; got {layerSizes.Length} layer size(s).", nameof(layerSizes));
        }

        for (int l = 0; l < layerSizes.Length; l++)
        {
            if (layerSizes[l] < 1)
            {
                throw new ArgumentException($"Layer {l} has {layerSizes[l]} units; every layer needs at least one.", nameof(layerSizes));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);

        _sizes = layerSizes.ToArray();
        MaxBatch = maxBatch;
        int layers = _sizes.Length;
        _weightOffsets = new int[layers];
        _biasOffsets = new int[layers];
        _z = new T[layers][];
        _a = new T[layers][];
        _dz = new T[layers][];
        int offset = 0;
        for (int l = 1; l < layers; l++)
        {
            _weightOffsets[l] = offset;
            offset = checked(offset + (_sizes[l] * _sizes[l - 1]));
            _biasOffsets[l] = offset;
            offset = checked(offset + _sizes[l]);
            _z[l] = new T[checked(_sizes[l] * maxBatch)];
            _a[l] = new T[_z[l].Length];
            _dz[l] = new T[_z[l].Length];
        }

        _z[0] = _a[0] = _dz[0] = [];
        _parameters = new T[offset];
        _gradients = new T[offset];
    }

    /// <summary>The layer sizes n_0, …, n_L.</summary>
    public ReadOnlySpan<int> LayerSizes => _sizes;

    /// <summary>The number of layers with parameters, L.</summary>
    public int LayerCount => _sizes.Length - 1;

    /// <summary>The largest batch one forward pass takes.</summary>
    public int MaxBatch { get; }

    /// <summary>How many parameters (and gradients) the network has.</summary>
    public int ParameterCount => _parameters.Length;

    /// <summary>Every parameter: W1, b1, W2, b2, …, one after another.</summary>
    public Span<T> Parameters => _parameters;

    /// <summary>The gradients of the last <see cref="Backward"/>, in the order of <see cref="Parameters"/>.</summary>
    public Span<T> Gradients => _gradients;

    /// <summary>W_l, (n_l, n_{l−1}) row-major, a view into <see cref="Parameters"/>.</summary>
    public Span<T> Weights(int layer) => _parameters.AsSpan(_weightOffsets[CheckLayer(layer)], _sizes[layer] * _sizes[layer - 1]);

    /// <summary>b_l, n_l values, a view into <see cref="Parameters"/>.</summary>
    public Span<T> Biases(int layer) => _parameters.AsSpan(_biasOffsets[CheckLayer(layer)], _sizes[layer]);

    /// <summary>dW_l, a view into <see cref="Gradients"/>.</summary>
    public Span<T> WeightGradients(int layer) => _gradients.AsSpan(_weightOffsets[CheckLayer(layer)], _sizes[layer] * _sizes[layer - 1]);

    /// <summary>db_l, a view into <see cref="Gradients"/>.</summary>
    public Span<T> BiasGradients(int layer) => _gradients.AsSpan(_biasOffsets[CheckLayer(layer)], _sizes[layer]);

    /// <summary>The output A_L of the last forward pass, (n_L, count) row-major.</summary>
    public ReadOnlySpan<T> Output => _a[^1].AsSpan(0, _sizes[^1] * _count);

    /// <summary>Copies <paramref name="parameters"/> (converted to <typeparamref name="T"/>) into <see cref="Parameters"/>.</summary>
    /// <exception cref="ArgumentException">The length is not <see cref="ParameterCount"/>.</exception>
    public void SetParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != _parameters.Length)
        {
            throw new ArgumentException($"'parameters' has {parameters.Length} values but a {string.Join("-", _sizes)} network has {_parameters.Length}.", nameof(parameters));
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            _parameters[i] = T.CreateChecked(parameters[i]);
        }
    }

    /// <summary>Runs the forward pass on a batch laid out as (n_0, <paramref name="count"/>) row-major.</summary>
    public void Forward(ReadOnlySpan<T> x, int count) => Forward(x, count, count, 0);

    /// <summary>
    /// Runs the forward pass on columns <paramref name="start"/> … start + count − 1 of inputs laid out as
    /// (n_0, <paramref name="stride"/>) row-major, so a large set can be evaluated in chunks without copying.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty, larger than <see cref="MaxBatch"/>, or outside <paramref name="x"/>.</exception>
    public void Forward(ReadOnlySpan<T> x, int stride, int count, int start)
    {
        if (count < 1 || count > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A forward pass takes 1 to {MaxBatch} examples.");
        }

        if (start < 0 || stride < start + count || x.Length < (long)_sizes[0] * stride)
        {
            throw new ArgumentException($"'x' has {x.Length} values; columns {start}..{start + count - 1} of {_sizes[0]} rows of stride {stride} do not fit.", nameof(x));
        }

        _count = count;
        _inputStride = stride;
        _inputStart = start;
        ReadOnlySpan<T> previous = x;
        int previousStride = stride;
        int previousStart = start;
        int last = _sizes.Length - 1;
        for (int l = 1; l <= last; l++)
        {
            int rows = _sizes[l];
            int inner = _sizes[l - 1];
            ReadOnlySpan<T> w = _parameters.AsSpan(_weightOffsets[l], rows * inner);
            ReadOnlySpan<T> b = _parameters.AsSpan(_biasOffsets[l], rows);
            Span<T> z = _z[l].AsSpan(0, rows * count);
            Span<T> a = _a[l].AsSpan(0, rows * count);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < count; j++)
                {
                    // np.dot(W, A) + b: the product's sum first, then the bias.
                    T sum = T.Zero;
                    for (int k = 0; k < inner; k++)
                    {
                        sum += w[(i * inner) + k] * previous[(k * previousStride) + previousStart + j];
                    }

                    T zij = sum + b[i];
                    z[(i * count) + j] = zij;
                    a[(i * count) + j] = l == last
                        ? T.One / (T.One + T.Exp(-zij))          // sigmoid, as the course's 1 / (1 + np.exp(-x))
                        : (zij > T.Zero ? zij : T.Zero);          // ReLU, np.maximum(0, x)
                }
            }

            previous = a;
            previousStride = count;
            previousStart = 0;
        }
    }

    /// <summary>
    /// The cross-entropy of the last forward pass summed over its examples and outputs (not averaged):
    /// Σ −y·log(a) − (1 − y)·log(1 − a), the course's <c>compute_cost</c>, computed from the output's
    /// pre-activation z as Σ y·softplus(−z) + (1 − y)·softplus(z).
    /// </summary>
    /// <remarks>
    /// The two forms are equal (−log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z)) and agree to
    /// rounding where the course's is finite. Once the sigmoid saturates — σ(z) rounds to 1 from z ≈ 17 in
    /// float32, 37 in float64 — the course's form gives log(0) and ∞·0 = NaN; this one stays exact.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="y"/> does not hold n_L × count labels.</exception>
    public T Cost(ReadOnlySpan<T> y)
    {
        ReadOnlySpan<T> z = _z[^1].AsSpan(0, _sizes[^1] * _count);
        RequireLabels(y, z.Length);
        T total = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            total += (y[i] * Softplus(-z[i])) + ((T.One - y[i]) * Softplus(z[i]));
        }

        return total;
    }

    /// <summary>log(1 + eˣ) without overflow: max(x, 0) + log(1 + e^−|x|).</summary>
    private static T Softplus(T x) => T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x)));

    /// <summary>
    /// Back-propagates the last forward pass into <see cref="Gradients"/>: dZ_L = (A_L − Y) / m, then for each
    /// layer dW = dZ·A_{l−1}ᵀ, db = Σ_j dZ, dZ_{l−1} = (W_lᵀ·dZ_l) ⊙ [A_{l−1} &gt; 0].
    /// </summary>
    /// <param name="x">The input the last forward pass read (A_0, needed for dW_1).</param>
    /// <param name="y">The labels, (n_L, count) row-major.</param>
    /// <exception cref="ArgumentException"><paramref name="y"/> does not hold n_L × count labels, or <paramref name="x"/> is shorter than the forward pass read.</exception>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
    {
        int count = _count;
        int last = _sizes.Length - 1;
        if (count == 0)
        {
            throw new InvalidOperationException("Backward needs a forward pass first.");
        }

        RequireLabels(y, _sizes[last] * count);
        if (x.Length < (long)_sizes[0] * _inputStride)
        {
            throw new ArgumentException($"'x' has {x.Length} values but the forward pass read {_sizes[0]} rows of stride {_inputStride}.", nameof(x));
        }

        // The course's dz3 = 1./m * (a3 - Y): the derivative of the batch's mean cost through the sigmoid.
        T inverseCount = T.One / T.CreateChecked(count);
        ReadOnlySpan<T> output = _a[last];
        Span<T> dzLast = _dz[last];
        for (int i = 0; i < _sizes[last] * count; i++)
        {
            dzLast[i] = inverseCount * (output[i] - y[i]);
        }

        for (int l = last; l >= 1; l--)
        {
            int rows = _sizes[l];
            int inner = _sizes[l - 1];
            ReadOnlySpan<T> dz = _dz[l];
            ReadOnlySpan<T> previous = l == 1 ? x : _a[l - 1];
            int previousStride = l == 1 ? _inputStride : count;
            int previousStart = l == 1 ? _inputStart : 0;
            Span<T> dw = _gradients.AsSpan(_weightOffsets[l], rows * inner);
            Span<T> db = _gradients.AsSpan(_biasOffsets[l], rows);
            for (int i = 0; i < rows; i++)
            {
                T bias = T.Zero;
                for (int j = 0; j < count; j++)
                {
                    bias += dz[(i * count) + j];
                }

                db[i] = bias;
                for (int k = 0; k < inner; k++)
                {
                    T sum = T.Zero;
                    for (int j = 0; j < count; j++)
                    {
                        sum += dz[(i * count) + j] * previous[(k * previousStride) + previousStart + j];
                    }

                    dw[(i * inner) + k] = sum;
                }
            }

            if (l > 1)
            {
                // dA_{l-1} = W_lᵀ·dZ_l, then ReLU's derivative: the course multiplies by (A > 0).
                ReadOnlySpan<T> w = _parameters.AsSpan(_weightOffsets[l], rows * inner);
                ReadOnlySpan<T> a = _a[l - 1];
                Span<T> dzPrevious = _dz[l - 1];
                for (int k = 0; k < inner; k++)
                {
                    for (int j = 0; j < count; j++)
                    {
                        T sum = T.Zero;
                        for (int i = 0; i < rows; i++)
                        {
                            sum += w[(i * inner) + k] * dz[(i * count) + j];
                        }

                        dzPrevious[(k * count) + j] = a[(k * count) + j] > T.Zero ? sum : T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// One mini-batch's work: forward, the summed cost, and the gradients.
    /// </summary>
    /// <returns>The batch's summed cross-entropy (see <see cref="Cost"/>).</returns>
    public T ForwardBackward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, int count)
    {
        Forward(x, count);
        T cost = Cost(y);
        Backward(x, y);
        return cost;
    }

    /// <summary>How many of the last forward pass's predictions (A_L &gt; 0.5) equal the labels.</summary>
    public int CountCorrect(ReadOnlySpan<T> y)
    {
        ReadOnlySpan<T> a = Output;
        RequireLabels(y, a.Length);
        T half = T.CreateChecked(0.5);
        int correct = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bool predicted = a[i] > half;
            if (predicted == (y[i] == T.One))
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>
    /// The fraction of a whole data set classified correctly: the examples are the columns of <paramref name="x"/>
    /// (2 rows of <c>y.Length</c> values), run forward <see cref="MaxBatch"/> at a time.
    /// </summary>
    public double Accuracy(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
    {
        int count = y.Length;
        int correct = 0;
        for (int start = 0; start < count; start += MaxBatch)
        {
            int chunk = Math.Min(MaxBatch, count - start);
            Forward(x, count, chunk, start);
            correct += CountCorrect(y.Slice(start, chunk));
        }

        return count == 0 ? 0 : (double)correct / count;
    }

    private int CheckLayer(int layer)
    {
        if (layer < 1 || layer >= _sizes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layers with parameters are numbered 1 to {_sizes.Length - 1}.");
        }

        return layer;
    }

    private static void RequireLabels(ReadOnlySpan<T> y, int expected)
    {
        if (y.Length != expected)
        {
            throw new ArgumentException($"'y' has {y.Length} labels but the last forward pass produced {expected} outputs.", nameof(y));
        }
    }
}
