using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NumKit.Batching;

namespace NumKit.Benchmarks;

/// <summary>
/// One full epoch of mini-batches over m = 1,000,000 examples of 64 float features and 1 label, batch
/// 256, in both layouts, shuffled and in order, against a plain <see cref="Span{T}.CopyTo"/> of the same
/// bytes batch by batch into a batch-sized buffer (the bandwidth ceiling of a gather).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class MiniBatchBenchmarks
{
    /// <summary>The examples in the set, m.</summary>
    public const int Examples = 1_000_000;

    /// <summary>The features per example.</summary>
    public const int Features = 64;

    /// <summary>The labels per example.</summary>
    public const int Labels = 1;

    /// <summary>The batch size, b.</summary>
    public const int BatchSize = 256;

    /// <summary>The bytes an epoch moves: every example's features and labels once.</summary>
    public const double BytesPerEpoch = (double)Examples * (Features + Labels) * sizeof(float);

    private float[] _features = [];
    private float[] _labels = [];
    private float[] _featureBatch = [];
    private float[] _labelBatch = [];
    private MiniBatchIterator<float> _iterator = null!;

    /// <summary>Examples as columns (the course) or as rows.</summary>
    [Params(ExampleLayout.Rows, ExampleLayout.Columns)]
    public ExampleLayout Layout { get; set; }

    /// <summary>Whether each epoch is shuffled.</summary>
    [Params(true, false)]
    public bool Shuffle { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One buffer serves both layouts: (m, 64) read as rows or (64, m) read as columns.
        _features = new float[Examples * Features];
        _labels = new float[Examples * Labels];
        for (int i = 0; i < _features.Length; i++)
        {
            _features[i] = i;
        }

        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = -i;
        }

        _featureBatch = new float[BatchSize * Features];
        _labelBatch = new float[BatchSize * Labels];
        _iterator = new MiniBatchIterator<float>(_features, _labels, Features, Labels, Layout, BatchSize, new MiniBatchOptions { Shuffle = Shuffle, Seed = 1 });
    }

    /// <summary>The same bytes, copied contiguously batch by batch into a batch-sized buffer.</summary>
    [Benchmark(Baseline = true)]
    public float CopyTo()
    {
        float sum = 0;
        for (int start = 0; start < Examples; start += BatchSize)
        {
            int count = Math.Min(BatchSize, Examples - start);
            _features.AsSpan(start * Features, count * Features).CopyTo(_featureBatch);
            _labels.AsSpan(start * Labels, count * Labels).CopyTo(_labelBatch);
            sum += _featureBatch[0] + _labelBatch[0];
        }

        return sum;
    }

    /// <summary>A full epoch: a fresh permutation (when shuffled), then every batch gathered.</summary>
    [Benchmark]
    public float Epoch()
    {
        float sum = 0;
        foreach (MiniBatch<float> batch in _iterator.NextEpoch())
        {
            sum += batch.Features[0] + batch.Labels[0];
        }

        return sum;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GigabytesPerSecondColumn());
    }

    /// <summary>Bytes of features and labels delivered per second, in GB/s (10^9 bytes).</summary>
    private sealed class GigabytesPerSecondColumn : IColumn
    {
        public string Id => nameof(GigabytesPerSecondColumn);

        public string ColumnName => "GB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Features and labels delivered per second, 10^9 bytes";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
            // Bytes per nanosecond is 10^9 bytes per second.
            return nanoseconds is > 0 ? (BytesPerEpoch / nanoseconds.Value).ToString("0.00", CultureInfo.InvariantCulture) : "NA";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
