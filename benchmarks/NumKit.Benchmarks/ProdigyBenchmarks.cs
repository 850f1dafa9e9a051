using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NumKit.Benchmarks.Infrastructure;
using NumKit.Optimizers;

namespace NumKit.Benchmarks;

/// <summary>
/// Issue 9: a Prodigy step (prodigyopt's defaults) over 1 Mi and 16 Mi parameters, held as one tensor or as 64
/// tensors of equal size in one parameter group, against NumKit's Adam step on the same parameters (the baseline,
/// so Ratio is "times Adam's time"). Prodigy's sums run over the whole group: pass 1 over every tensor reads w, g,
/// m, v, s and x0 and writes m, v, s and x0 (x0 is written back every step: the language stores a state that starts
/// from w in the pass that sets it); pass 2 over every tensor reads w, m, v and writes w — 56 bytes per parameter,
/// twice Adam's 28. No target in the issue; this case is here so the ratio is on record.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ProdigyBenchmarks
{
    private ParameterSet _set = null!;
    private Optimizer<Adam> _adam = null!;
    private Optimizer<Prodigy> _prodigy = null!;

    /// <summary>Parameters per step: 1 Mi (in L3 on most machines) and 16 Mi (in DRAM).</summary>
    [Params(1024 * 1024, 16 * 1024 * 1024)]
    public int N { get; set; }

    /// <summary>How many tensors of equal size hold the N parameters (one group).</summary>
    [Params(1, 64)]
    public int Tensors { get; set; }

    /// <summary>Creates NumKit's Adam on the same layout.</summary>
    [GlobalSetup(Target = nameof(Adam_NumKit))]
    public void SetupAdam()
    {
        ParameterLayout layout = CreateInputs();
        _adam = new Optimizer<Adam>(new Adam { LearningRate = 1e-3f }, layout);
        AllocationCheck.RequireNone($"Optimizer<Adam>.Step, N={N}, {Tensors} tensors", Adam_NumKit);
    }

    /// <summary>NumKit's Adam: one pass, 28 bytes per parameter.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Prodigy")]
    [BytesPerParameter(28)]
    public void Adam_NumKit() => _adam.Step(_set);

    /// <summary>Creates NumKit's Prodigy on the same layout.</summary>
    [GlobalSetup(Target = nameof(Prodigy_NumKit))]
    public void SetupProdigy()
    {
        ParameterLayout layout = CreateInputs();
        _prodigy = new Optimizer<Prodigy>(new Prodigy(), layout);
        AllocationCheck.RequireNone($"Optimizer<Prodigy>.Step, N={N}, {Tensors} tensors", Prodigy_NumKit);
    }

    /// <summary>NumKit's Prodigy (the equation language, two passes over the group): 56 bytes per parameter.</summary>
    [Benchmark]
    [BenchmarkCategory("Prodigy")]
    [BytesPerParameter(56)]
    public void Prodigy_NumKit() => _prodigy.Step(_set);

    private ParameterLayout CreateInputs()
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

        _set = new ParameterSet(layout);
        BenchmarkData.Fill(_set.Values, seed: 1, low: -1, high: 1);
        BenchmarkData.FillGradients(_set.Gradients, seed: 2);
        return layout;
    }
}
