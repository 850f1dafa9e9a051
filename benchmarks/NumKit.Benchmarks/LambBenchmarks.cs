using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NumKit.Benchmarks.Baselines;
using NumKit.Benchmarks.Infrastructure;
using NumKit.Optimizers;

namespace NumKit.Benchmarks;

/// <summary>
/// Issue 9: a LAMB step over 1 Mi and 16 Mi parameters, held as one tensor or as 64 tensors of equal size,
/// against NumKit's Adam step on the same parameters (the baseline, so Ratio is "times Adam's time") and the
/// same LAMB update composed from TensorPrimitives (<see cref="TensorPrimitivesLamb"/>, validated against
/// an independent double reference in tests/NumKit.Tests). Targets: NumKit's LAMB within 1.6x of Adam (its
/// extra pass reads w and u, 12 of Adam's 28 bytes per parameter) and ≥ 2x faster than the composition.
/// </summary>
/// <remarks>
/// NumKit's own LAMB case joins this class with the generated <c>Lamb</c> rule (category "Lamb", stepped
/// through <c>new Optimizer&lt;Lamb&gt;(rule, Layout)</c> and <c>Step(Set)</c> on the same set). Every case
/// steps the same <see cref="ParameterSet"/>: the parameters drift over the run, which changes nothing
/// about the work a step does.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class LambBenchmarks
{
    // optax.lamb's defaults, with the learning rate small enough that a long run stays finite.
    private const float LearningRate = 1e-3f;
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-6f;
    private const float WeightDecay = 0.01f;

    private ParameterSet _set = null!;
    private int[] _tensorLengths = [];
    private float[] _m = [];
    private float[] _v = [];
    private int _t;
    private Optimizer<Adam> _adam = null!;
    private Optimizer<Lamb> _lamb = null!;
    private TensorPrimitivesLamb _tensorPrimitives = null!;

    /// <summary>Parameters per step: 1 Mi (in L3 on most machines) and 16 Mi (in DRAM).</summary>
    [Params(1024 * 1024, 16 * 1024 * 1024)]
    public int N { get; set; }

    /// <summary>How many tensors of equal size hold the N parameters: LAMB takes two norms per tensor.</summary>
    [Params(1, 64)]
    public int Tensors { get; set; }

    /// <summary>The tensors, named t0, t1, ..., each N / Tensors long.</summary>
    public ParameterLayout Layout { get; private set; } = new();

    /// <summary>The parameters and gradients every case steps.</summary>
    public ParameterSet Set => _set;

    /// <summary>Creates NumKit's Adam on the same layout.</summary>
    [GlobalSetup(Target = nameof(Adam_NumKit))]
    public void SetupAdamNumKit()
    {
        CreateInputs();
        _adam = new Optimizer<Adam>(new Adam { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = 1e-8f }, Layout);
        AllocationCheck.RequireNone($"Optimizer<Adam>.Step, N={N}, {Tensors} tensors", Adam_NumKit);
    }

    /// <summary>NumKit's Adam: one pass, 28 bytes per parameter.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Lamb")]
    [BytesPerParameter(28)]
    public void Adam_NumKit() => _adam.Step(_set);

    /// <summary>Creates NumKit's generated Lamb on the same layout.</summary>
    [GlobalSetup(Target = nameof(Lamb_NumKit))]
    public void SetupLambNumKit()
    {
        CreateInputs();
        _lamb = new Optimizer<Lamb>(new Lamb { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay }, Layout);
        AllocationCheck.RequireNone($"Optimizer<Lamb>.Step, N={N}, {Tensors} tensors", Lamb_NumKit);
    }

    /// <summary>
    /// NumKit's Lamb (the equation language, two passes per tensor): pass 1 reads w, g, m, v and writes m, v;
    /// pass 2 recomputes u from w, m, v and writes w — 40 bytes per parameter.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory("Lamb")]
    [BytesPerParameter(40)]
    public void Lamb_NumKit() => _lamb.Step(_set);

    /// <summary>Creates the composition's moments and scratch buffer.</summary>
    [GlobalSetup(Target = nameof(Lamb_TensorPrimitives))]
    public void SetupLambTensorPrimitives()
    {
        CreateInputs();
        _m = new float[N];
        _v = new float[N];
        _tensorPrimitives = new TensorPrimitivesLamb(N / Tensors);
        AllocationCheck.RequireNone($"TensorPrimitives LAMB, N={N}, {Tensors} tensors", Lamb_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: nine passes per tensor, ten with weight decay (on here).</summary>
    [Benchmark]
    [BenchmarkCategory("Lamb")]
    [BytesPerParameter(40)]
    public void Lamb_TensorPrimitives()
        => _tensorPrimitives.Step(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, ++_t, _set.Values, _set.Gradients, _m, _v, _tensorLengths);

    private void CreateInputs()
    {
        if (N % Tensors != 0)
        {
            throw new InvalidOperationException($"N = {N} does not split into {Tensors} equal tensors.");
        }

        var layout = new ParameterLayout();
        for (int k = 0; k < Tensors; k++)
        {
            layout = layout.Add($"t{k}", N / Tensors);
        }

        Layout = layout;
        _tensorLengths = Enumerable.Repeat(N / Tensors, Tensors).ToArray();
        _set = new ParameterSet(layout);
        BenchmarkData.Fill(_set.Values, seed: 1, low: -1, high: 1);
        BenchmarkData.FillGradients(_set.Gradients, seed: 2);
        _t = 0;
    }
}
