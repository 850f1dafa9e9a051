using System;
using System.Diagnostics;
using System.Numerics;
using NumKit.Batching;
using NumKit.Demo.Course;

namespace NumKit.Demo.Training;

/// <summary>
/// Trains a <see cref="FeedForwardNetwork{T}"/> on a <see cref="MoonsData"/> set with one NumKit optimizer:
/// the mini-batch iterator feeds the batches, the network computes cost and gradients, and
/// <see cref="Optimizer{TRule, T}"/> steps every parameter at once. Everything is allocated in the
/// constructor; an epoch allocates nothing.
/// </summary>
/// <typeparam name="TRule">The optimizer's update rule.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MoonsTrainer<TRule, T> : IMoonsTrainer
    where TRule : struct, IOptimizerRule<TRule>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Whole-set evaluations (accuracy, cost, predictions) go through the network in chunks this large.
    private const int EvaluationChunk = 256;

    private readonly T[] _features;
    private readonly T[] _labels;
    private readonly int _count;
    private readonly FeedForwardNetwork<T> _network;
    private readonly Optimizer<TRule, T> _optimizer;
    private readonly MiniBatchIterator<T> _iterator;
    private readonly ShuffleSource _shuffle;
    private readonly NumpyLegacyRandom? _numpy;
    private readonly int[] _permutation;
    private readonly Func<int, float>? _learningRateAt;
    private readonly T[] _predictionInput;
    private long _updateTicks;

    /// <summary>Creates the network at its initial parameters, the optimizer with <paramref name="rule"/>, and the iterator.</summary>
    /// <exception cref="ArgumentException">The options do not fit the data (layer sizes, initial parameters) or the batch size is below 1.</exception>
    public MoonsTrainer(MoonsData data, TRule rule, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int[] sizes = options.LayerSizes;
        if (sizes is null || sizes.Length < 2 || sizes[0] != 2 || sizes[^1] != 1)
        {
            throw new ArgumentException($"The moons need 2 inputs and 1 output; the layer sizes are [{string.Join(", ", sizes ?? [])}].", nameof(options));
        }

        if (options.BatchSize < 1)
        {
            throw new ArgumentException($"The batch size must be at least 1; it is {options.BatchSize}.", nameof(options));
        }

        _count = data.Count;
        _features = data.FeaturesAs<T>();
        _labels = data.LabelsAs<T>();
        int batchSize = Math.Min(options.BatchSize, _count);
        _network = new FeedForwardNetwork<T>(sizes, Math.Max(batchSize, EvaluationChunk));
        _network.SetParameters(InitialParameters(options));
        _optimizer = new Optimizer<TRule, T>(rule, _network.ParameterCount);
        _shuffle = options.Shuffle;
        _iterator = new MiniBatchIterator<T>(
            _features,
            _labels,
            featureCount: 2,
            labelCount: 1,
            ExampleLayout.Columns,
            batchSize,
            new MiniBatchOptions { Shuffle = options.Shuffle == ShuffleSource.Seeded, Seed = options.Seed });
        _numpy = options.Shuffle == ShuffleSource.Course ? new NumpyLegacyRandom(0) : null;
        _permutation = new int[_count];
        _learningRateAt = options.LearningRateAt;
        _predictionInput = new T[2 * EvaluationChunk];
    }

    /// <inheritdoc/>
    public string RuleName => typeof(TRule).Name;

    /// <inheritdoc/>
    public Precision Precision => typeof(T) == typeof(double) ? Precision.Double : Precision.Single;

    /// <inheritdoc/>
    public int Epoch { get; private set; }

    /// <inheritdoc/>
    public int StepCount => _optimizer.StepCount;

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _optimizer.LearningRate;
        set => _optimizer.LearningRate = value;
    }

    /// <inheritdoc/>
    public int ParameterCount => _network.ParameterCount;

    /// <summary>The network being trained.</summary>
    public FeedForwardNetwork<T> Network => _network;

    /// <summary>The optimizer stepping the network's parameters.</summary>
    public Optimizer<TRule, T> Optimizer => _optimizer;

    /// <summary>The time spent in the optimizer's steps so far (the updates alone, not the forward and backward passes).</summary>
    public TimeSpan UpdateTime => Stopwatch.GetElapsedTime(0, _updateTicks);

    /// <inheritdoc/>
    public double TrainEpoch()
    {
        if (_shuffle == ShuffleSource.Course)
        {
            _numpy!.CourseEpochPermutation(Epoch, _permutation);
            return TrainEpoch(_permutation);
        }

        // Seeded or unshuffled: the iterator's own order (it was created with Shuffle set accordingly).
        BeginEpoch();
        double total = 0;
        foreach (MiniBatch<T> batch in _iterator.NextEpoch())
        {
            total += TrainBatch(batch.Features, batch.Labels, batch.Count);
        }

        return FinishEpoch(total);
    }

    /// <inheritdoc/>
    public double TrainEpoch(ReadOnlySpan<int> permutation)
    {
        if (permutation.Length != _count)
        {
            throw new ArgumentException($"'permutation' has {permutation.Length} indices but the data set has {_count} examples.", nameof(permutation));
        }

        BeginEpoch();
        double total = 0;
        foreach (MiniBatch<T> batch in _iterator.NextEpoch(permutation))
        {
            total += TrainBatch(batch.Features, batch.Labels, batch.Count);
        }

        return FinishEpoch(total);
    }

    /// <inheritdoc/>
    public double Accuracy() => _network.Accuracy(_features, _labels);

    /// <inheritdoc/>
    public double Cost()
    {
        double total = 0;
        for (int start = 0; start < _count; start += EvaluationChunk)
        {
            int count = Math.Min(EvaluationChunk, _count - start);
            _network.Forward(_features, _count, count, start);
            total += double.CreateChecked(_network.Cost(_labels.AsSpan(start, count)));
        }

        return total / _count;
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<double> points, Span<double> probabilities)
    {
        if (points.Length != 2 * probabilities.Length)
        {
            throw new ArgumentException($"'points' must hold 2 rows of {probabilities.Length} values ({2 * probabilities.Length}) but has {points.Length}.", nameof(points));
        }

        int n = probabilities.Length;
        for (int start = 0; start < n; start += EvaluationChunk)
        {
            int count = Math.Min(EvaluationChunk, n - start);
            for (int j = 0; j < count; j++)
            {
                _predictionInput[j] = T.CreateChecked(points[start + j]);
                _predictionInput[count + j] = T.CreateChecked(points[n + start + j]);
            }

            _network.Forward(_predictionInput, count);
            ReadOnlySpan<T> output = _network.Output;
            for (int j = 0; j < count; j++)
            {
                probabilities[start + j] = double.CreateChecked(output[j]);
            }
        }
    }

    /// <inheritdoc/>
    public void CopyParameters(Span<double> destination)
    {
        if (destination.Length != ParameterCount)
        {
            throw new ArgumentException($"'destination' has {destination.Length} elements but the network has {ParameterCount} parameters.", nameof(destination));
        }

        ToDouble(_network.Parameters, destination);
    }

    /// <inheritdoc/>
    public TrainerCheckpoint CreateCheckpoint() => new(Owner, ParameterCount);

    /// <inheritdoc/>
    public void SaveCheckpoint(TrainerCheckpoint checkpoint)
    {
        RequireOwn(checkpoint);
        ToDouble(_network.Parameters, checkpoint.Parameters);

        // The optimizer's own checkpoint holds its state, step count (Adam's t) and hyperparameters;
        // the stream's buffer is reused from one save to the next.
        checkpoint.Optimizer.SetLength(0);
        _optimizer.SaveCheckpoint(checkpoint.Optimizer);
        checkpoint.Epoch = Epoch;
        checkpoint.StepCount = _optimizer.StepCount;
        checkpoint.LearningRate = LearningRate;
        checkpoint.IsSaved = true;
    }

    /// <inheritdoc/>
    public void RestoreCheckpoint(TrainerCheckpoint checkpoint)
    {
        RequireOwn(checkpoint);
        if (!checkpoint.IsSaved)
        {
            throw new ArgumentException("The checkpoint has not been saved into yet.", nameof(checkpoint));
        }

        checkpoint.Optimizer.Position = 0;
        _optimizer.LoadCheckpoint(checkpoint.Optimizer);
        FromDouble(checkpoint.Parameters, _network.Parameters);
        Epoch = checkpoint.Epoch;
    }

    private string Owner => $"{typeof(TRule).Name}/{typeof(T).Name}/{string.Join("-", _network.LayerSizes.ToArray())}";

    private double[] InitialParameters(TrainerOptions options)
    {
        if (options.InitialParameters is { } given)
        {
            if (given.Length != _network.ParameterCount)
            {
                throw new ArgumentException($"InitialParameters has {given.Length} values but a {string.Join("-", options.LayerSizes)} network has {_network.ParameterCount}.", nameof(options));
            }

            return given;
        }

        return options.LayerSizes.AsSpan().SequenceEqual(TrainerOptions.CourseLayerSizes)
            ? InitialWeights.LoadCourse().Parameters.ToArray()
            : InitialWeights.He(options.LayerSizes, seed: 3).Parameters.ToArray();
    }

    private void BeginEpoch()
    {
        if (_learningRateAt is not null)
        {
            LearningRate = _learningRateAt(Epoch);
        }
    }

    private double TrainBatch(ReadOnlySpan<T> features, ReadOnlySpan<T> labels, int count)
    {
        // The course adds each mini-batch's cost as computed before that batch's update.
        double cost = double.CreateChecked(_network.ForwardBackward(features, labels, count));
        long start = Stopwatch.GetTimestamp();
        _optimizer.Step(_network.Parameters, _network.Gradients);
        _updateTicks += Stopwatch.GetTimestamp() - start;
        return cost;
    }

    private double FinishEpoch(double totalCost)
    {
        Epoch++;
        return totalCost / _count;
    }

    private void RequireOwn(TrainerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Owner != Owner)
        {
            throw new ArgumentException($"The checkpoint was made for {checkpoint.Owner}, not {Owner}.", nameof(checkpoint));
        }
    }

    private static void ToDouble(ReadOnlySpan<T> source, Span<double> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = double.CreateChecked(source[i]);
        }
    }

    private static void FromDouble(ReadOnlySpan<double> source, Span<T> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = T.CreateChecked(source[i]);
        }
    }
}
