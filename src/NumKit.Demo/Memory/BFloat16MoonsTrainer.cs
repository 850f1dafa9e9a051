using System;
using System.Diagnostics;
using NumKit.Batching;
using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Memory;

/// <summary>
/// Trains the moons network with its parameters and gradients stored as <see cref="BFloat16"/>, as mixed-precision
/// training keeps them: before each mini-batch the bfloat16 parameters are widened into the float32 network (exactly:
/// every bfloat16 is a float), the forward and backward passes compute in float32, the gradients are rounded to
/// bfloat16 (to nearest even), and <see cref="Optimizer{TRule, T}"/> over bfloat16 steps the parameters, taking each
/// update back into 16 bits as its <see cref="LowPrecisionUpdate"/> says. Everything is allocated in the constructor.
/// </summary>
/// <typeparam name="TRule">The optimizer's update rule.</typeparam>
public sealed class BFloat16MoonsTrainer<TRule>
    where TRule : struct, IOptimizerRule<TRule>
{
    private const int EvaluationChunk = 256;

    private readonly float[] _features;
    private readonly float[] _labels;
    private readonly int _count;
    private readonly FeedForwardNetwork<float> _network;
    private readonly BFloat16[] _parameters;
    private readonly BFloat16[] _gradients;
    private readonly Optimizer<TRule, BFloat16> _optimizer;
    private readonly MiniBatchIterator<float> _iterator;
    private readonly NumpyLegacyRandom _numpy = new(0);
    private readonly int[] _permutation;
    private long _stepTicks;

    /// <summary>Creates the course's network at its initial parameters (rounded to bfloat16) and the optimizer with <paramref name="rule"/>.</summary>
    /// <param name="data">The moons.</param>
    /// <param name="rule">The update rule.</param>
    /// <param name="update">How each update gets back into the bfloat16 parameters.</param>
    /// <param name="batchSize">Examples per mini-batch; the course's shuffles order them.</param>
    public BFloat16MoonsTrainer(MoonsData data, TRule rule, LowPrecisionUpdate update, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _count = data.Count;
        _features = data.FeaturesAs<float>();
        _labels = data.LabelsAs<float>();
        batchSize = Math.Min(batchSize, _count);
        _network = new FeedForwardNetwork<float>(TrainerOptions.CourseLayerSizes, Math.Max(batchSize, EvaluationChunk));
        ReadOnlySpan<double> initial = InitialWeights.LoadCourse().Parameters;
        _parameters = new BFloat16[initial.Length];
        for (int i = 0; i < initial.Length; i++)
        {
            _parameters[i] = (BFloat16)initial[i];
        }

        _gradients = new BFloat16[_parameters.Length];
        _optimizer = new Optimizer<TRule, BFloat16>(rule, _parameters.Length) { LowPrecisionUpdate = update };
        _iterator = new MiniBatchIterator<float>(_features, _labels, featureCount: 2, labelCount: 1, ExampleLayout.Columns, batchSize, new MiniBatchOptions { Shuffle = false });
        _permutation = new int[_count];
    }

    /// <summary>The optimizer stepping the bfloat16 parameters (its state storage can be set before the first epoch).</summary>
    public Optimizer<TRule, BFloat16> Optimizer => _optimizer;

    /// <summary>The bfloat16 parameters: what the network computes with.</summary>
    public ReadOnlySpan<BFloat16> Parameters => _parameters;

    /// <summary>Epochs trained so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>The time spent in <see cref="Optimizer{TRule, T}.Step(Span{T}, ReadOnlySpan{T})"/> so far.</summary>
    public TimeSpan StepTime => Stopwatch.GetElapsedTime(0, _stepTicks);

    /// <summary>Trains one epoch in the course's order for this epoch; returns its cost (the mean of the mini-batches' costs).</summary>
    public double TrainEpoch()
    {
        _numpy.CourseEpochPermutation(Epoch, _permutation);
        double total = 0;
        foreach (MiniBatch<float> batch in _iterator.NextEpoch(_permutation))
        {
            Widen(_parameters, _network.Parameters);
            total += _network.ForwardBackward(batch.Features, batch.Labels, batch.Count);
            Span<float> gradients = _network.Gradients;
            for (int i = 0; i < gradients.Length; i++)
            {
                _gradients[i] = (BFloat16)gradients[i];
            }

            long start = Stopwatch.GetTimestamp();
            _optimizer.Step(_parameters, _gradients);
            _stepTicks += Stopwatch.GetTimestamp() - start;
        }

        Epoch++;
        return total / _count;
    }

    /// <summary>The fraction of the training set the network at the bfloat16 parameters classifies correctly.</summary>
    public double Accuracy()
    {
        Widen(_parameters, _network.Parameters);
        return _network.Accuracy(_features, _labels);
    }

    private static void Widen(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }
}
