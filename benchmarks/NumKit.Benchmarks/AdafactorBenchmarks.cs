using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NumKit.Benchmarks.Baselines;
using NumKit.Benchmarks.Infrastructure;
using NumKit.Optimizers;

namespace NumKit.Benchmarks;

/// <summary>
/// Issue 9: an Adafactor step on one 2048 × 2048 matrix (4 Mi parameters, factored: 2048 + 2048 floats of
/// second-moment state), composed from TensorPrimitives (<see cref="TensorPrimitivesAdafactor"/>, validated
/// against an independent double reference in tests/NumKit.Tests). Target: NumKit's Adafactor ≥ 2x faster than
/// the composition, so Ratio ≤ 0.5 against this baseline.
/// </summary>
/// <remarks>
/// NumKit's case steps the catalog's <c>Adafactor</c> (declared in the equation language) through
/// <c>new Optimizer&lt;Adafactor&gt;(rule, Layout)</c> and <c>Step(Set)</c> on the same set, with the same settings.
/// BytesPerParameter counts the fewest passes the data dependencies allow: g and w read for the factors and
/// RMS(w), g read again for RMS(U), then g and w read and w written — 24 bytes per parameter.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class AdafactorBenchmarks
{
    private const int Rows = 2048;
    private const int Columns = 2048;

    // torch.optim.Adafactor's defaults, with weight decay on so its pass is measured too.
    private static readonly TensorPrimitivesAdafactor.Settings s_settings = new() { LearningRate = 1e-2f, WeightDecay = 1e-2f };

    private ParameterSet _set = null!;
    private float[] _rowFactor = [];
    private float[] _columnFactor = [];
    private int _t;
    private TensorPrimitivesAdafactor _tensorPrimitives = null!;
    private Optimizer<Adafactor> _adafactor = null!;

    /// <summary>Parameters per step (the matrix's elements), for the GB/s column.</summary>
    [Params(Rows * Columns)]
    public int N { get; set; }

    /// <summary>One tensor "W" of shape [2048, 2048].</summary>
    public ParameterLayout Layout { get; } = new ParameterLayout().Add("W", Rows, Columns);

    /// <summary>The parameters and gradients every case steps.</summary>
    public ParameterSet Set => _set;

    /// <summary>Creates the composition's factors and buffers.</summary>
    [GlobalSetup(Target = nameof(Adafactor_TensorPrimitives))]
    public void SetupAdafactorTensorPrimitives()
    {
        CreateInputs();
        _rowFactor = new float[Rows];
        _columnFactor = new float[Columns];
        _tensorPrimitives = new TensorPrimitivesAdafactor(Rows * Columns, Columns);
        AllocationCheck.RequireNone($"TensorPrimitives Adafactor, {Rows} × {Columns}", Adafactor_TensorPrimitives);
    }

    /// <summary>TensorPrimitives: seven passes with weight decay, the factored second moment rebuilt row by row.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Adafactor")]
    [BytesPerParameter(24)]
    public void Adafactor_TensorPrimitives()
        => _tensorPrimitives.StepFactored(in s_settings, ++_t, _set.Values, _set.Gradients, 1, Rows, Columns, _rowFactor, _columnFactor);

    /// <summary>Creates NumKit's optimizer (its 2048 + 2048 floats of factors) over the same set.</summary>
    [GlobalSetup(Target = nameof(Adafactor_NumKit))]
    public void SetupAdafactorNumKit()
    {
        CreateInputs();
        _adafactor = new Optimizer<Adafactor>(
            new Adafactor
            {
                LearningRate = s_settings.LearningRate, Beta2Decay = s_settings.Beta2Decay, Epsilon1 = s_settings.Epsilon1,
                Epsilon2 = s_settings.Epsilon2, ClipThreshold = s_settings.ClipThreshold, WeightDecay = s_settings.WeightDecay,
            },
            Layout);
        if (_adafactor.StateBytes != (Rows + Columns) * sizeof(float))
        {
            throw new InvalidOperationException($"Adafactor keeps {_adafactor.StateBytes} bytes of state over {Rows} × {Columns}, not {(Rows + Columns) * sizeof(float)}.");
        }

        AllocationCheck.RequireNone($"Optimizer<Adafactor>.Step, {Rows} × {Columns}", Adafactor_NumKit);
    }

    /// <summary>NumKit: three passes (RMS(w) and the row and column means of g²; U and RMS(U); the update), the factors between them.</summary>
    [Benchmark]
    [BenchmarkCategory("Adafactor")]
    [BytesPerParameter(24)]
    public void Adafactor_NumKit() => _adafactor.Step(_set);

    private void CreateInputs()
    {
        if (N != Rows * Columns)
        {
            throw new InvalidOperationException($"N must be {Rows} × {Columns}.");
        }

        _set = new ParameterSet(Layout);
        BenchmarkData.Fill(_set.Values, seed: 1, low: -1, high: 1);
        BenchmarkData.FillGradients(_set.Gradients, seed: 2);
        _t = 0;
    }
}
