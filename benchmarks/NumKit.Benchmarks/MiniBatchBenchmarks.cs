using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
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
/// bytes batch by batch into a batch-sized buffer (the bandwidth ceiling of a gather). The features
/// live either in a managed array or, with <see cref="LargePages"/>, in native memory that Linux is
/// asked to back with 2 MiB pages: a shuffled gather touches a new 4 KiB page per example, and on a
/// virtual machine each TLB miss is a costly two-level page walk.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public partial class MiniBatchBenchmarks
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

    private ReadOnlyMemory<float> _features;
    private LargePageMemory? _largePages;
    private float[] _labels = [];
    private float[] _featureBatch = [];
    private float[] _labelBatch = [];
    private MiniBatchIterator<float> _iterator = null!;
    private MiniBatchIterator<float> _parallelIterator = null!;
    private int[] _permutation = [];
    private int _handEpoch;

    /// <summary>Examples as columns (the course) or as rows.</summary>
    [Params(ExampleLayout.Rows, ExampleLayout.Columns)]
    public ExampleLayout Layout { get; set; }

    /// <summary>Whether each epoch is shuffled.</summary>
    [Params(true, false)]
    public bool Shuffle { get; set; }

    /// <summary>Whether the features sit in memory advised to use 2 MiB pages (Linux only) rather than a managed array.</summary>
    [Params(false, true)]
    public bool LargePages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One buffer serves both layouts: (m, 64) read as rows or (64, m) read as columns.
        Memory<float> features;
        if (LargePages)
        {
            _largePages = new LargePageMemory(Examples * Features);
            features = _largePages.Memory;
        }
        else
        {
            features = new float[Examples * Features];
        }

        Span<float> values = features.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }

        _features = features;
        _labels = new float[Examples * Labels];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = -i;
        }

        _permutation = new int[Examples];
        _featureBatch = new float[BatchSize * Features];
        _labelBatch = new float[BatchSize * Labels];
        _iterator = new MiniBatchIterator<float>(_features, _labels, Features, Labels, Layout, BatchSize, new MiniBatchOptions { Shuffle = Shuffle, Seed = 1 });
        _parallelIterator = new MiniBatchIterator<float>(
            _features, _labels, Features, Labels, Layout, BatchSize,
            new MiniBatchOptions { Shuffle = Shuffle, Seed = 1, MaxDegreeOfParallelism = Environment.ProcessorCount });
    }

    [GlobalCleanup]
    public void Cleanup() => ((IDisposable?)_largePages)?.Dispose();

    /// <summary>The same bytes, copied contiguously batch by batch into a batch-sized buffer.</summary>
    [Benchmark(Baseline = true)]
    public float CopyTo()
    {
        float sum = 0;
        ReadOnlySpan<float> features = _features.Span;
        for (int start = 0; start < Examples; start += BatchSize)
        {
            int count = Math.Min(BatchSize, Examples - start);
            features.Slice(start * Features, count * Features).CopyTo(_featureBatch);
            _labels.AsSpan(start * Labels, count * Labels).CopyTo(_labelBatch);
            sum += _featureBatch[0] + _labelBatch[0];
        }

        return sum;
    }

    /// <summary>A full epoch: a fresh permutation (when shuffled), then every batch gathered.</summary>
    [Benchmark]
    public float Epoch() => RunEpoch(_iterator);

    /// <summary>The same epoch with each batch gathered by every core (<c>MaxDegreeOfParallelism</c> = the processor count).</summary>
    [Benchmark]
    public float EpochParallel() => RunEpoch(_parallelIterator);

    // One epoch, touching each batch so it cannot be skipped.
    private static float RunEpoch(MiniBatchIterator<float> iterator)
    {
        float sum = 0;
        foreach (MiniBatch<float> batch in iterator.NextEpoch())
        {
            sum += batch.Features[0] + batch.Labels[0];
        }

        return sum;
    }

    /// <summary>Native memory aligned to 2 MiB and, on Linux, advised (madvise MADV_HUGEPAGE) to use transparent huge pages.</summary>
    private sealed unsafe partial class LargePageMemory : MemoryManager<float>
    {
        private const nuint HugePage = 2 << 20;
        private const int MadviseHugePage = 14;
        private readonly float* _pointer;
        private readonly int _length;

        public LargePageMemory(int length)
        {
            _length = length;
            nuint bytes = (nuint)length * sizeof(float);
            _pointer = (float*)NativeMemory.AlignedAlloc(bytes, HugePage);
            // Advise before the first touch, so the page faults themselves allocate huge pages.
            if (OperatingSystem.IsLinux() && Madvise((nint)_pointer, bytes, MadviseHugePage) != 0)
            {
                throw new InvalidOperationException($"madvise(MADV_HUGEPAGE) failed: errno {Marshal.GetLastPInvokeError()}.");
            }
        }

        public override Span<float> GetSpan() => new(_pointer, _length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing) => NativeMemory.AlignedFree(_pointer);

        [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
        private static partial int Madvise(nint address, nuint length, int advice);
    }

    /// <summary>
    /// The same epoch written by hand, as a user would without NumKit: the same permutation (or the
    /// identity), then per batch a <see cref="Span{T}.CopyTo"/> per example row (rows) or an indexed loop per
    /// feature row (columns), with no prefetching and no block copy for runs.
    /// </summary>
    [Benchmark]
    public float HandWritten()
    {
        if (Shuffle)
        {
            MiniBatchIterator<float>.ShuffledPermutation(1, _handEpoch++, _permutation);
        }
        else
        {
            for (int i = 0; i < _permutation.Length; i++)
            {
                _permutation[i] = i;
            }
        }

        float sum = 0;
        ReadOnlySpan<float> features = _features.Span;
        ReadOnlySpan<float> labels = _labels;
        for (int start = 0; start < Examples; start += BatchSize)
        {
            int count = Math.Min(BatchSize, Examples - start);
            ReadOnlySpan<int> examples = _permutation.AsSpan(start, count);
            if (Layout == ExampleLayout.Rows)
            {
                for (int i = 0; i < count; i++)
                {
                    features.Slice(examples[i] * Features, Features).CopyTo(_featureBatch.AsSpan(i * Features, Features));
                    _labelBatch[i] = labels[examples[i]];
                }
            }
            else
            {
                for (int f = 0; f < Features; f++)
                {
                    ReadOnlySpan<float> row = features.Slice(f * Examples, Examples);
                    Span<float> target = _featureBatch.AsSpan(f * count, count);
                    for (int i = 0; i < count; i++)
                    {
                        target[i] = row[examples[i]];
                    }
                }

                for (int i = 0; i < count; i++)
                {
                    _labelBatch[i] = labels[examples[i]];
                }
            }

            sum += _featureBatch[0] + _labelBatch[0];
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
        public string Id => "NumKit.MiniBatchGBps";

        public string ColumnName => "Data GB/s";

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
