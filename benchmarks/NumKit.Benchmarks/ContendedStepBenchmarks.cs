using BenchmarkDotNet.Attributes;
using NumKit.Benchmarks.Infrastructure;
using NumKit.Optimizers;

namespace NumKit.Benchmarks;

/// <summary>
/// Issue 11, observation 8: a split Adam step while another thread spins on every other core (what libtorch's
/// OpenMP pool does after a TorchSharp call). Both cases run with the spinners, so the split step's cost is
/// compared with one thread on the same contended machine; the target is at most 10% slower.
/// </summary>
[MemoryDiagnoser]
public class ContendedStepBenchmarks
{
    private Optimizer<Adam>? _oneThread;
    private Optimizer<Adam>? _split;
    private AlignedBuffer? _w;
    private AlignedBuffer? _g;
    private Thread[] _spinners = [];
    private volatile bool _stop;

    /// <summary>Parameters per step: from just above the split threshold to past the last-level cache.</summary>
    [Params(64 * 1024, 1024 * 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _w = new AlignedBuffer(N);
        _g = new AlignedBuffer(N);
        BenchmarkData.Fill(_w.Span, seed: 1, -1f, 1f);
        BenchmarkData.FillGradients(_g.Span, seed: 2);
        _oneThread = new Optimizer<Adam>(new Adam { LearningRate = 1e-3f }, N);
        _split = new Optimizer<Adam>(new Adam { LearningRate = 1e-3f }, N) { MaxDegreeOfParallelism = Environment.ProcessorCount };

        // One busy thread per other core, spinning without yielding, for the whole run.
        _stop = false;
        _spinners = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount - 1)).Select(_ => new Thread(Spin) { IsBackground = true }).ToArray();
        foreach (Thread spinner in _spinners)
        {
            spinner.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        foreach (Thread spinner in _spinners)
        {
            spinner.Join();
        }

        _w?.Dispose();
        _g?.Dispose();
    }

    /// <summary>One thread, with the spinners running.</summary>
    [Benchmark(Baseline = true)]
    public void Adam_OneThread() => _oneThread!.Step(_w!.Span, _g!.Span);

    /// <summary>Split across every core, with the spinners running: the caller takes over the parts a worker has not started.</summary>
    [Benchmark]
    public void Adam_SplitUnderContention() => _split!.Step(_w!.Span, _g!.Span);

    private void Spin()
    {
        ulong x = 1;
        while (!_stop)
        {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
        }

        GC.KeepAlive(x);
    }
}
