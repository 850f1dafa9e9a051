using BenchmarkDotNet.Attributes;
using NumKit.Optimizers;

namespace NumKit.Benchmarks;

/// <summary>
/// Issue 10: an Adam step at 16 Mi parameters with its state (m and v) stored as float32 (the baseline, in the
/// same run), bfloat16 or 8-bit blockwise (nearest or stochastic), and with everything in bfloat16 (parameters, gradients and state,
/// rounding the parameters to nearest), on one thread and split across every core. Bytes moved per parameter:
/// float32 28 (w, g read; w written: 12; m, v read and written: 16), bfloat16 state 20, 8-bit ~16, all bfloat16 14.
/// Targets: bfloat16 m and v ≥ 1.3x faster than float32, 8-bit ≥ 1.5x, all bfloat16 ≥ 1.7x; 0 B allocated per step.
/// </summary>
[MemoryDiagnoser]
public class CompactStateBenchmarks
{
    private float[] _w = null!;
    private float[] _g = null!;
    private BFloat16[] _w16 = null!;
    private BFloat16[] _g16 = null!;
    private Optimizer<Adam> _optimizer = null!;
    private Optimizer<Adam, BFloat16> _optimizer16 = null!;

    /// <summary>What is stored how.</summary>
    public enum Storage
    {
        /// <summary>Parameters, gradients, m and v in float32: the baseline.</summary>
        Float32,

        /// <summary>m and v in bfloat16 (round to nearest).</summary>
        BFloat16State,

        /// <summary>m and v 8-bit blockwise (round to nearest).</summary>
        Blockwise8BitState,

        /// <summary>m and v 8-bit blockwise, rounded stochastically (the 8-bit storage that meets the fidelity target).</summary>
        Blockwise8BitStochasticState,

        /// <summary>Parameters, gradients, m and v all in bfloat16 (parameters rounded to nearest, no compensation).</summary>
        AllBFloat16,
    }

    /// <summary>Parameters per step: 16 Mi, far past the last-level cache.</summary>
    [Params(16 * 1024 * 1024)]
    public int N { get; set; }

    /// <summary>How the step's values are stored.</summary>
    [ParamsAllValues]
    public Storage Case { get; set; }

    /// <summary>1: the calling thread alone; 0: every core.</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        int threads = Threads == 0 ? Environment.ProcessorCount : Threads;
        if (Case == Storage.AllBFloat16)
        {
            _w16 = GC.AllocateArray<BFloat16>(N, pinned: true);
            _g16 = GC.AllocateArray<BFloat16>(N, pinned: true);
            for (int i = 0; i < N; i++)
            {
                _w16[i] = (BFloat16)(float)(random.NextDouble() - 0.5);
                _g16[i] = (BFloat16)((float)(random.NextDouble() - 0.5) * 1e-3f);
            }

            _optimizer16 = new Optimizer<Adam, BFloat16>(new Adam(), N) { MaxDegreeOfParallelism = threads, LowPrecisionUpdate = LowPrecisionUpdate.RoundToNearest };
            _optimizer16.SetStateStorage(StateStorage.BFloat16);
            _optimizer16.Step(_w16, _g16);
            return;
        }

        _w = GC.AllocateArray<float>(N, pinned: true);
        _g = GC.AllocateArray<float>(N, pinned: true);
        for (int i = 0; i < N; i++)
        {
            _w[i] = (float)(random.NextDouble() - 0.5);
            _g[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        }

        _optimizer = new Optimizer<Adam>(new Adam(), N) { MaxDegreeOfParallelism = threads };
        _optimizer.SetStateStorage(Case switch
        {
            Storage.BFloat16State => StateStorage.BFloat16,
            Storage.Blockwise8BitState => StateStorage.Blockwise8Bit,
            Storage.Blockwise8BitStochasticState => StateStorage.Blockwise8BitStochastic,
            _ => StateStorage.Float32,
        });
        _optimizer.Step(_w, _g);
    }

    /// <summary>One Adam step.</summary>
    [Benchmark]
    public void Step()
    {
        if (Case == Storage.AllBFloat16)
        {
            _optimizer16.Step(_w16, _g16);
        }
        else
        {
            _optimizer.Step(_w, _g);
        }
    }
}
