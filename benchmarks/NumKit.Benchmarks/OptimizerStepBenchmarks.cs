using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NumKit.Benchmarks.Baselines;
using NumKit.Benchmarks.Infrastructure;
using NumKit.Optimizers;

namespace NumKit.Benchmarks;

/// <summary>
/// Issue 3: <see cref="Optimizer{TRule}.Step"/> for each catalog optimizer against the in-place triad
/// (the memory-bound limit, measured in the same run), the same update composed from TensorPrimitives,
/// and TorchSharp's torch.optim at its default thread count. NumKit runs twice: on the calling thread
/// alone (the default) and with <c>MaxDegreeOfParallelism</c> = every core, libtorch's setting. Each optimizer is a category whose
/// baseline is NumKit, so Ratio is "times slower than NumKit"; GB/s counts the bytes a single pass must
/// move (Adam 28 per parameter) and Triad% compares that rate with the triad's at the same N.
/// Targets: at 16 Mi, Adam and AdamW at ≥ 85% of the triad; at every size ≥ 4x faster than TorchSharp;
/// ≥ 2x faster than TensorPrimitives from 64 Ki up; 0 B allocated per step.
/// </summary>
/// <remarks>
/// RmsProp and AdamW are compiled in when the catalog has them (the symbol NUMKIT_BENCH_RMSPROP_ADAMW,
/// which the project defines when src/NumKit/Optimizers/RmsProp.cs and AdamW.cs exist).
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class OptimizerStepBenchmarks
{
    // The triad's scale: small, so repeated a += s·b stays far from overflow.
    private const float TriadScale = 1e-7f;

    private static readonly Sgd s_sgd = new();
    private static readonly Momentum s_momentum = new();
    private static readonly Adam s_adam = new();
#if NUMKIT_BENCH_RMSPROP_ADAMW
    private static readonly RmsProp s_rmsProp = new();
    private static readonly AdamW s_adamW = new();
#endif

    private AlignedBuffer? _w;
    private AlignedBuffer? _g;
    private AlignedBuffer? _state1;
    private AlignedBuffer? _state2;
    private int _t;
    private Optimizer<Sgd> _sgd = null!;
    private Optimizer<Sgd> _sgdParallel = null!;
    private Optimizer<Momentum> _momentum = null!;
    private Optimizer<Momentum> _momentumParallel = null!;
    private Optimizer<Adam> _adam = null!;
    private Optimizer<Adam> _adamParallel = null!;
#if NUMKIT_BENCH_RMSPROP_ADAMW
    private Optimizer<RmsProp> _rmsProp = null!;
    private Optimizer<RmsProp> _rmsPropParallel = null!;
    private Optimizer<AdamW> _adamW = null!;
    private Optimizer<AdamW> _adamWParallel = null!;
#endif
    private TensorPrimitivesOptimizers _tensorPrimitives = null!;
    private TorchSharpOptimizer? _torch;

    /// <summary>Parameters per step: 4 Ki (in L1/L2), 64 Ki, 1 Mi (in L3), 16 Mi (in DRAM).</summary>
    [Params(4 * 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024)]
    public int N { get; set; }

    // ---- The memory-bound limit ----

    /// <summary>Sets up the triad's two arrays.</summary>
    [GlobalSetup(Target = nameof(Triad))]
    public void SetupTriad()
    {
        CreateInputs();
        BenchmarkData.LogAlignment($"Triad a, b, N={N}", W, G);
    }

    /// <summary>a[i] += s · b[i]: reads two arrays and writes one, 12 bytes per element.</summary>
    [Benchmark]
    [BenchmarkCategory(ThroughputColumn.TriadCategory)]
    [BytesPerParameter(12)]
    public void Triad() => Baselines.Triad.Run(W, TriadScale, G);

    // ---- SGD: reads w, g; writes w (12 bytes) ----

    /// <summary>Creates NumKit's optimizer.</summary>
    [GlobalSetup(Target = nameof(Sgd_NumKit))]
    public void SetupSgdNumKit()
    {
        CreateInputs();
        _sgd = new Optimizer<Sgd>(s_sgd, N);
        BenchmarkData.LogAlignment($"Optimizer<Sgd> w, g, state 0, N={N}", W, G, default);
        AllocationCheck.RequireNone($"Optimizer<Sgd>.Step, N={N}", Sgd_NumKit);
    }

    /// <summary>NumKit.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Sgd")]
    [BytesPerParameter(12)]
    public void Sgd_NumKit() => _sgd.Step(W, G);

    /// <summary>Creates NumKit's optimizer with every core allowed (<c>MaxDegreeOfParallelism</c>).</summary>
    [GlobalSetup(Target = nameof(Sgd_NumKitParallel))]
    public void SetupSgdNumKitParallel()
    {
        CreateInputs();
        _sgdParallel = new Optimizer<Sgd>(s_sgd, N) { MaxDegreeOfParallelism = Environment.ProcessorCount };
        AllocationCheck.RequireNone($"Optimizer<Sgd>.Step on {Environment.ProcessorCount} threads, N={N}", Sgd_NumKitParallel);
    }

    /// <summary>NumKit, the step split across every core (as libtorch does).</summary>
    [Benchmark]
    [BenchmarkCategory("Sgd")]
    [BytesPerParameter(12)]
    public void Sgd_NumKitParallel() => _sgdParallel.Step(W, G);

    /// <summary>Checks the composition against the generated kernel.</summary>
    [GlobalSetup(Target = nameof(Sgd_TensorPrimitives))]
    public void SetupSgdTensorPrimitives()
    {
        CreateInputs();
        _tensorPrimitives = new TensorPrimitivesOptimizers(N);
        Verify(
            "TensorPrimitives SGD",
            (w, g, s1, s2, t) => Sgd.Update(in s_sgd, t, w, g),
            (w, g, s1, s2, t) => _tensorPrimitives.Sgd(in s_sgd, w, g));
        BenchmarkData.LogAlignment($"TensorPrimitives Sgd w, g, state 1, N={N}", W, G, default);
        AllocationCheck.RequireNone($"TensorPrimitives Sgd, N={N}", Sgd_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: one pass.</summary>
    [Benchmark]
    [BenchmarkCategory("Sgd")]
    [BytesPerParameter(12)]
    public void Sgd_TensorPrimitives() => _tensorPrimitives.Sgd(in s_sgd, W, G);

    /// <summary>Creates torch.optim.SGD and checks its first step.</summary>
    [GlobalSetup(Target = nameof(Sgd_TorchSharp))]
    public void SetupSgdTorchSharp()
    {
        CreateInputs();
        _torch = TorchSharpOptimizer.Sgd(W.ToArray(), G.ToArray(), s_sgd.LearningRate);
        VerifyTorch((w, g) => Sgd.Update(in s_sgd, 1, w, g));
        AllocationCheck.Report($"TorchSharp Sgd, N={N}", Sgd_TorchSharp);
    }

    /// <summary>TorchSharp.</summary>
    [Benchmark]
    [BenchmarkCategory("Sgd")]
    [UsesTorchSharp]
    [BytesPerParameter(12)]
    public void Sgd_TorchSharp() => _torch!.Step();

    // ---- Momentum (the course's): reads w, g, V; writes w, V (20 bytes) ----

    /// <summary>Creates NumKit's optimizer.</summary>
    [GlobalSetup(Target = nameof(Momentum_NumKit))]
    public void SetupMomentumNumKit()
    {
        CreateInputs();
        _momentum = new Optimizer<Momentum>(s_momentum, N);
        BenchmarkData.LogAlignment($"Optimizer<Momentum> w, g, state 0, N={N}", W, G, _momentum.State(0));
        AllocationCheck.RequireNone($"Optimizer<Momentum>.Step, N={N}", Momentum_NumKit);
    }

    /// <summary>NumKit.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Momentum")]
    [BytesPerParameter(20)]
    public void Momentum_NumKit() => _momentum.Step(W, G);

    /// <summary>Creates NumKit's optimizer with every core allowed (<c>MaxDegreeOfParallelism</c>).</summary>
    [GlobalSetup(Target = nameof(Momentum_NumKitParallel))]
    public void SetupMomentumNumKitParallel()
    {
        CreateInputs();
        _momentumParallel = new Optimizer<Momentum>(s_momentum, N) { MaxDegreeOfParallelism = Environment.ProcessorCount };
        AllocationCheck.RequireNone($"Optimizer<Momentum>.Step on {Environment.ProcessorCount} threads, N={N}", Momentum_NumKitParallel);
    }

    /// <summary>NumKit, the step split across every core (as libtorch does).</summary>
    [Benchmark]
    [BenchmarkCategory("Momentum")]
    [BytesPerParameter(20)]
    public void Momentum_NumKitParallel() => _momentumParallel.Step(W, G);

    /// <summary>Checks the composition against the generated kernel.</summary>
    [GlobalSetup(Target = nameof(Momentum_TensorPrimitives))]
    public void SetupMomentumTensorPrimitives()
    {
        CreateInputs();
        _tensorPrimitives = new TensorPrimitivesOptimizers(N);
        Verify(
            "TensorPrimitives momentum",
            (w, g, s1, s2, t) => Momentum.Update(in s_momentum, t, w, g, s1),
            (w, g, s1, s2, t) => _tensorPrimitives.Momentum(in s_momentum, w, g, s1));
        BenchmarkData.LogAlignment($"TensorPrimitives Momentum w, g, state 1, N={N}", W, G, State1);
        AllocationCheck.RequireNone($"TensorPrimitives Momentum, N={N}", Momentum_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: two passes.</summary>
    [Benchmark]
    [BenchmarkCategory("Momentum")]
    [BytesPerParameter(20)]
    public void Momentum_TensorPrimitives() => _tensorPrimitives.Momentum(in s_momentum, W, G, State1);

    /// <summary>Creates torch.optim.SGD with momentum = dampening = β and checks its first step.</summary>
    [GlobalSetup(Target = nameof(Momentum_TorchSharp))]
    public void SetupMomentumTorchSharp()
    {
        CreateInputs();
        _torch = TorchSharpOptimizer.Momentum(W.ToArray(), G.ToArray(), s_momentum.LearningRate, s_momentum.Beta);
        // PyTorch's momentum buffer starts at the first gradient, so its first step is plain SGD: w − α·g.
        var sgd = new Sgd { LearningRate = s_momentum.LearningRate };
        VerifyTorch((w, g) => Sgd.Update(in sgd, 1, w, g));
        AllocationCheck.Report($"TorchSharp Momentum, N={N}", Momentum_TorchSharp);
    }

    /// <summary>TorchSharp.</summary>
    [Benchmark]
    [BenchmarkCategory("Momentum")]
    [UsesTorchSharp]
    [BytesPerParameter(20)]
    public void Momentum_TorchSharp() => _torch!.Step();

#if NUMKIT_BENCH_RMSPROP_ADAMW
    // ---- RMSProp: reads w, g, v; writes w, v (20 bytes) ----

    /// <summary>Creates NumKit's optimizer.</summary>
    [GlobalSetup(Target = nameof(RmsProp_NumKit))]
    public void SetupRmsPropNumKit()
    {
        CreateInputs();
        _rmsProp = new Optimizer<RmsProp>(s_rmsProp, N);
        BenchmarkData.LogAlignment($"Optimizer<RmsProp> w, g, state 0, N={N}", W, G, _rmsProp.State(0));
        AllocationCheck.RequireNone($"Optimizer<RmsProp>.Step, N={N}", RmsProp_NumKit);
    }

    /// <summary>NumKit.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("RmsProp")]
    [BytesPerParameter(20)]
    public void RmsProp_NumKit() => _rmsProp.Step(W, G);

    /// <summary>Creates NumKit's optimizer with every core allowed (<c>MaxDegreeOfParallelism</c>).</summary>
    [GlobalSetup(Target = nameof(RmsProp_NumKitParallel))]
    public void SetupRmsPropNumKitParallel()
    {
        CreateInputs();
        _rmsPropParallel = new Optimizer<RmsProp>(s_rmsProp, N) { MaxDegreeOfParallelism = Environment.ProcessorCount };
        AllocationCheck.RequireNone($"Optimizer<RmsProp>.Step on {Environment.ProcessorCount} threads, N={N}", RmsProp_NumKitParallel);
    }

    /// <summary>NumKit, the step split across every core (as libtorch does).</summary>
    [Benchmark]
    [BenchmarkCategory("RmsProp")]
    [BytesPerParameter(20)]
    public void RmsProp_NumKitParallel() => _rmsPropParallel.Step(W, G);

    /// <summary>Checks the composition against the generated kernel.</summary>
    [GlobalSetup(Target = nameof(RmsProp_TensorPrimitives))]
    public void SetupRmsPropTensorPrimitives()
    {
        CreateInputs();
        _tensorPrimitives = new TensorPrimitivesOptimizers(N);
        RequireNoWeightDecay(s_rmsProp.WeightDecay, "RmsProp");
        Verify(
            "TensorPrimitives RMSProp",
            (w, g, s1, s2, t) => RmsProp.Update(in s_rmsProp, t, w, g, s1),
            (w, g, s1, s2, t) => _tensorPrimitives.RmsProp(s_rmsProp.LearningRate, s_rmsProp.Beta, s_rmsProp.Epsilon, w, g, s1));
        BenchmarkData.LogAlignment($"TensorPrimitives RmsProp w, g, state 1, N={N}", W, G, State1);
        AllocationCheck.RequireNone($"TensorPrimitives RmsProp, N={N}", RmsProp_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: six passes.</summary>
    [Benchmark]
    [BenchmarkCategory("RmsProp")]
    [BytesPerParameter(20)]
    public void RmsProp_TensorPrimitives() => _tensorPrimitives.RmsProp(s_rmsProp.LearningRate, s_rmsProp.Beta, s_rmsProp.Epsilon, W, G, State1);

    /// <summary>Creates torch.optim.RMSprop and checks its first step.</summary>
    [GlobalSetup(Target = nameof(RmsProp_TorchSharp))]
    public void SetupRmsPropTorchSharp()
    {
        CreateInputs();
        _torch = TorchSharpOptimizer.RmsProp(W.ToArray(), G.ToArray(), s_rmsProp.LearningRate, s_rmsProp.Beta, s_rmsProp.Epsilon, s_rmsProp.WeightDecay);
        VerifyTorch((w, g) => RmsProp.Update(in s_rmsProp, 1, w, g, new float[w.Length]));
        AllocationCheck.Report($"TorchSharp RmsProp, N={N}", RmsProp_TorchSharp);
    }

    /// <summary>TorchSharp.</summary>
    [Benchmark]
    [BenchmarkCategory("RmsProp")]
    [UsesTorchSharp]
    [BytesPerParameter(20)]
    public void RmsProp_TorchSharp() => _torch!.Step();
#endif

    // ---- Adam: reads w, g, m, v; writes w, m, v (28 bytes) ----

    /// <summary>Creates NumKit's optimizer.</summary>
    [GlobalSetup(Target = nameof(Adam_NumKit))]
    public void SetupAdamNumKit()
    {
        CreateInputs();
        _adam = new Optimizer<Adam>(s_adam, N);
        BenchmarkData.LogAlignment($"Optimizer<Adam> w, g, state 0, N={N}", W, G, _adam.State(0));
        AllocationCheck.RequireNone($"Optimizer<Adam>.Step, N={N}", Adam_NumKit);
    }

    /// <summary>NumKit.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Adam")]
    [BytesPerParameter(28)]
    public void Adam_NumKit() => _adam.Step(W, G);

    /// <summary>Creates NumKit's optimizer with every core allowed (<c>MaxDegreeOfParallelism</c>).</summary>
    [GlobalSetup(Target = nameof(Adam_NumKitParallel))]
    public void SetupAdamNumKitParallel()
    {
        CreateInputs();
        _adamParallel = new Optimizer<Adam>(s_adam, N) { MaxDegreeOfParallelism = Environment.ProcessorCount };
        AllocationCheck.RequireNone($"Optimizer<Adam>.Step on {Environment.ProcessorCount} threads, N={N}", Adam_NumKitParallel);
    }

    /// <summary>NumKit, the step split across every core (as libtorch does).</summary>
    [Benchmark]
    [BenchmarkCategory("Adam")]
    [BytesPerParameter(28)]
    public void Adam_NumKitParallel() => _adamParallel.Step(W, G);

    /// <summary>Checks the composition against the generated kernel.</summary>
    [GlobalSetup(Target = nameof(Adam_TensorPrimitives))]
    public void SetupAdamTensorPrimitives()
    {
        CreateInputs();
        _tensorPrimitives = new TensorPrimitivesOptimizers(N);
        Verify(
            "TensorPrimitives Adam",
            (w, g, s1, s2, t) => Adam.Update(in s_adam, t, w, g, s1, s2),
            (w, g, s1, s2, t) => _tensorPrimitives.Adam(in s_adam, t, w, g, s1, s2));
        BenchmarkData.LogAlignment($"TensorPrimitives Adam w, g, state 1, N={N}", W, G, State1);
        AllocationCheck.RequireNone($"TensorPrimitives Adam, N={N}", Adam_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: seven passes.</summary>
    [Benchmark]
    [BenchmarkCategory("Adam")]
    [BytesPerParameter(28)]
    public void Adam_TensorPrimitives() => _tensorPrimitives.Adam(in s_adam, NextStep(), W, G, State1, State2);

    /// <summary>Creates torch.optim.Adam and checks its first step.</summary>
    [GlobalSetup(Target = nameof(Adam_TorchSharp))]
    public void SetupAdamTorchSharp()
    {
        CreateInputs();
        _torch = TorchSharpOptimizer.Adam(W.ToArray(), G.ToArray(), s_adam.LearningRate, s_adam.Beta1, s_adam.Beta2, s_adam.Epsilon, s_adam.WeightDecay);
        VerifyTorch((w, g) => Adam.Update(in s_adam, 1, w, g, new float[w.Length], new float[w.Length]));
        AllocationCheck.Report($"TorchSharp Adam, N={N}", Adam_TorchSharp);
    }

    /// <summary>TorchSharp.</summary>
    [Benchmark]
    [BenchmarkCategory("Adam")]
    [UsesTorchSharp]
    [BytesPerParameter(28)]
    public void Adam_TorchSharp() => _torch!.Step();

#if NUMKIT_BENCH_RMSPROP_ADAMW
    // ---- AdamW: reads w, g, m, v; writes w, m, v (28 bytes) ----

    /// <summary>Creates NumKit's optimizer.</summary>
    [GlobalSetup(Target = nameof(AdamW_NumKit))]
    public void SetupAdamWNumKit()
    {
        CreateInputs();
        _adamW = new Optimizer<AdamW>(s_adamW, N);
        BenchmarkData.LogAlignment($"Optimizer<AdamW> w, g, state 0, N={N}", W, G, _adamW.State(0));
        AllocationCheck.RequireNone($"Optimizer<AdamW>.Step, N={N}", AdamW_NumKit);
    }

    /// <summary>NumKit.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("AdamW")]
    [BytesPerParameter(28)]
    public void AdamW_NumKit() => _adamW.Step(W, G);

    /// <summary>Creates NumKit's optimizer with every core allowed (<c>MaxDegreeOfParallelism</c>).</summary>
    [GlobalSetup(Target = nameof(AdamW_NumKitParallel))]
    public void SetupAdamWNumKitParallel()
    {
        CreateInputs();
        _adamWParallel = new Optimizer<AdamW>(s_adamW, N) { MaxDegreeOfParallelism = Environment.ProcessorCount };
        AllocationCheck.RequireNone($"Optimizer<AdamW>.Step on {Environment.ProcessorCount} threads, N={N}", AdamW_NumKitParallel);
    }

    /// <summary>NumKit, the step split across every core (as libtorch does).</summary>
    [Benchmark]
    [BenchmarkCategory("AdamW")]
    [BytesPerParameter(28)]
    public void AdamW_NumKitParallel() => _adamWParallel.Step(W, G);

    /// <summary>Checks the composition against the generated kernel.</summary>
    [GlobalSetup(Target = nameof(AdamW_TensorPrimitives))]
    public void SetupAdamWTensorPrimitives()
    {
        CreateInputs();
        _tensorPrimitives = new TensorPrimitivesOptimizers(N);
        Verify(
            "TensorPrimitives AdamW",
            (w, g, s1, s2, t) => AdamW.Update(in s_adamW, t, w, g, s1, s2),
            (w, g, s1, s2, t) => AdamWComposed(w, g, s1, s2, t));
        BenchmarkData.LogAlignment($"TensorPrimitives AdamW w, g, state 1, N={N}", W, G, State1);
        AllocationCheck.RequireNone($"TensorPrimitives AdamW, N={N}", AdamW_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: eight passes.</summary>
    [Benchmark]
    [BenchmarkCategory("AdamW")]
    [BytesPerParameter(28)]
    public void AdamW_TensorPrimitives() => AdamWComposed(W, G, State1, State2, NextStep());

    /// <summary>Creates torch.optim.AdamW and checks its first step.</summary>
    [GlobalSetup(Target = nameof(AdamW_TorchSharp))]
    public void SetupAdamWTorchSharp()
    {
        CreateInputs();
        _torch = TorchSharpOptimizer.AdamW(W.ToArray(), G.ToArray(), s_adamW.LearningRate, s_adamW.Beta1, s_adamW.Beta2, s_adamW.Epsilon, s_adamW.WeightDecay);
        VerifyTorch((w, g) => AdamW.Update(in s_adamW, 1, w, g, new float[w.Length], new float[w.Length]));
        AllocationCheck.Report($"TorchSharp AdamW, N={N}", AdamW_TorchSharp);
    }

    /// <summary>TorchSharp.</summary>
    [Benchmark]
    [BenchmarkCategory("AdamW")]
    [UsesTorchSharp]
    [BytesPerParameter(28)]
    public void AdamW_TorchSharp() => _torch!.Step();

    private void AdamWComposed(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, int t)
        => _tensorPrimitives.AdamW(s_adamW.LearningRate, s_adamW.Beta1, s_adamW.Beta2, s_adamW.Epsilon, s_adamW.WeightDecay, t, w, g, m, v);

    private static void RequireNoWeightDecay(float weightDecay, string rule)
    {
        // The RMSProp composition has no weight-decay pass; the benchmark uses PyTorch's default of none.
        if (weightDecay != 0)
        {
            throw new InvalidOperationException($"{rule}'s default WeightDecay is {weightDecay}; the TensorPrimitives composition assumes 0.");
        }
    }
#endif

    /// <summary>Releases the aligned buffers and TorchSharp's tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _torch?.Dispose();
        _torch = null;
        _w?.Dispose();
        _g?.Dispose();
        _state1?.Dispose();
        _state2?.Dispose();
    }

    // Fresh inputs for every case: parameters in [-1, 1), gradients in ±[0.001, 1), zero state, t = 0.
    // The benchmark's own arrays are 64-byte aligned, so every competitor (and the triad) reads and
    // writes the same alignment; only Optimizer<T>'s own state buffers are where the GC puts them
    // (logged per case).
    private void CreateInputs()
    {
        _w = new AlignedBuffer(N);
        _g = new AlignedBuffer(N);
        _state1 = new AlignedBuffer(N);
        _state2 = new AlignedBuffer(N);
        _t = 0;
        BenchmarkData.Fill(W, seed: 1, -1f, 1f);
        BenchmarkData.FillGradients(G, seed: 2);
    }

    private Span<float> W => _w!.Span;

    private Span<float> G => _g!.Span;

    private Span<float> State1 => _state1!.Span;

    private Span<float> State2 => _state2!.Span;

    private int NextStep() => ++_t;

    // Runs the generated kernel and a composition for two steps (t = 1, 2) from the same inputs, on the
    // first 64 Ki elements, and stops the benchmark if they disagree beyond float rounding.
    private void Verify(string what, Update kernel, Update composed)
    {
        int n = Math.Min(N, 64 * 1024);
        float[][] expected = Run(kernel);
        float[][] actual = Run(composed);
        for (int k = 0; k < expected.Length; k++)
        {
            BenchmarkData.RequireClose(expected[k], actual[k], 1e-5, what + (k == 0 ? ", parameters" : $", state {k}"));
        }

        float[][] Run(Update update)
        {
            float[] w = W[..n].ToArray();
            float[] s1 = new float[n];
            float[] s2 = new float[n];
            for (int t = 1; t <= 2; t++)
            {
                update(w, G[..n], s1, s2, t);
            }

            return [w, s1, s2];
        }
    }

    // Compares TorchSharp's first step with the generated kernel's (t = 1, zero state); the optimizer
    // then goes on from there in the benchmark.
    private void VerifyTorch(FirstStep kernel)
    {
        float[] expected = W.ToArray();
        kernel(expected, G);
        _torch!.Step();
        BenchmarkData.RequireClose(expected, _torch.Parameters(), 1e-5, "TorchSharp's first step");
    }

    private delegate void Update(Span<float> w, ReadOnlySpan<float> g, Span<float> state1, Span<float> state2, int t);

    private delegate void FirstStep(Span<float> w, ReadOnlySpan<float> g);
}
