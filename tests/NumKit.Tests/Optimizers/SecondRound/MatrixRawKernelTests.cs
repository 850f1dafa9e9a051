using NumKit.Kernels;
using NumKit.Optimizers;
using NumKit.Tests.Kernels;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// The shape-taking raw kernel of a rule over rows and columns (<c>Adafactor.Update(in rule, t, shape, w, g, r, c, scratch)</c>):
/// one call per tensor gives Optimizer&lt;Adafactor&gt;'s bits, on every rank and vector path, allocates nothing, and refuses
/// bad arguments with a clear error before writing anything.
/// </summary>
public class MatrixRawKernelTests
{
    public static TheoryData<int> Paths => new() { 512, 256, 128, 0 };

    // Ranks 0 to 4; 65 and 130 rows cross a 64-row block, 21 and 33 columns leave a tail at every width.
    private static readonly int[][] s_shapes = { [], [1], [37], [5, 19], [65, 33], [130, 7], [3, 4, 21], [2, 2, 3, 17], [2, 0, 5] };

    private static readonly Adafactor s_rule = new() { LearningRate = 2e-2f, WeightDecay = 1e-2f, ClipThreshold = 1.5f };

    private const int Steps = 4;

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Update_gives_the_optimizers_bits_in_float_on_every_rank(int path)
    {
        if (!EveryPath.CanRun(path))
        {
            return; // reported as skipped, with the reason
        }

        using var limit = VectorPaths.Limit(path);
        foreach (int[] shape in s_shapes)
        {
            var layout = new ParameterLayout().Add("x", shape);
            var set = new ParameterSet(layout);
            var optimizer = new Optimizer<Adafactor>(s_rule, layout) { MaxDegreeOfParallelism = 2 };
            float[] w = Random(set.Values.Length, seed: 1, scale: 1f);
            w.CopyTo(set.Values);
            float[] r = new float[optimizer.RowState("r", "x").Length];
            float[] c = new float[optimizer.ColumnState("c", "x").Length];
            double[] scratch = new double[Adafactor.ScratchLength(shape)];
            for (int t = 1; t <= Steps; t++)
            {
                float[] g = Random(w.Length, seed: 10 + t, scale: t == 2 ? 0f : 1e-2f * t); // a zero gradient on step 2
                g.CopyTo(set.Gradients);
                optimizer.Step(set);
                Adafactor.Update(in s_rule, t, shape, w, g, r, c, scratch);
                AssertBits(set.Values, w, $"w of [{string.Join(", ", shape)}] at step {t}");
                AssertBits(optimizer.RowState("r", "x"), r, $"r of [{string.Join(", ", shape)}] at step {t}");
                AssertBits(optimizer.ColumnState("c", "x"), c, $"c of [{string.Join(", ", shape)}] at step {t}");
            }
        }
    }

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Update_gives_the_optimizers_bits_in_double_on_every_rank(int path)
    {
        if (!EveryPath.CanRun(path))
        {
            return; // reported as skipped, with the reason
        }

        using var limit = VectorPaths.Limit(path);
        foreach (int[] shape in s_shapes)
        {
            var layout = new ParameterLayout().Add("x", shape);
            var set = new ParameterSet<double>(layout);
            var optimizer = new Optimizer<Adafactor, double>(s_rule, layout) { MaxDegreeOfParallelism = 3 };
            double[] w = Random(set.Values.Length, seed: 2, scale: 1f).Select(x => (double)x).ToArray();
            w.CopyTo(set.Values);
            double[] r = new double[optimizer.RowState("r", "x").Length];
            double[] c = new double[optimizer.ColumnState("c", "x").Length];
            double[] scratch = new double[Adafactor.ScratchLength(shape)];
            for (int t = 1; t <= Steps; t++)
            {
                double[] g = Random(w.Length, seed: 20 + t, scale: 1e-2f * t).Select(x => (double)x).ToArray();
                g.CopyTo(set.Gradients);
                optimizer.Step(set);
                Adafactor.Update(in s_rule, t, shape, w, g, r, c, scratch);
                Assert.True(set.Values.SequenceEqual(w), $"w of [{string.Join(", ", shape)}] at step {t}");
                Assert.True(optimizer.RowState("r", "x").SequenceEqual(r), $"r of [{string.Join(", ", shape)}] at step {t}");
                Assert.True(optimizer.ColumnState("c", "x").SequenceEqual(c), $"c of [{string.Join(", ", shape)}] at step {t}");
            }
        }
    }

    [Fact]
    public void Update_allocates_nothing()
    {
        int[] shape = [3, 70, 40];
        float[] w = Random(3 * 70 * 40, seed: 3, scale: 1f), g = Random(w.Length, seed: 4, scale: 1e-2f);
        float[] r = new float[3 * 70], c = new float[3 * 40];
        double[] scratch = new double[Adafactor.ScratchLength(shape)];
        Adafactor.Update(in s_rule, 1, shape, w, g, r, c, scratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 2; t <= 5; t++)
        {
            Adafactor.Update(in s_rule, t, shape, w, g, r, c, scratch);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Scratch_length_is_the_values_partials_and_line_values_a_shape_needs()
    {
        // A matrix's partials take one double per row or per block and column, whichever is more; row and column values
        // one double each; plus the values between passes.
        int blocks = MatrixLanes.RowChunkCount(130);
        int stride = Math.Max(130, blocks * 7);
        int expected = TensorValueCount<Adafactor>() + (ReductionCount<Adafactor>() * stride)
            + (RowValueCount<Adafactor>() * 130) + (ColumnValueCount<Adafactor>() * 7) + (ColumnReductionCount<Adafactor>() * 7);
        Assert.Equal(expected, Adafactor.ScratchLength([130, 7]));
        Assert.True(Adafactor.ScratchLength([]) > 0);
        ArgumentException negative = Assert.Throws<ArgumentException>(() => Adafactor.ScratchLength([3, -1]));
        Assert.Contains("-1", negative.Message);
    }

    public static TheoryData<string> BadCalls => new()
    {
        "w is not the shape's", "g is shorter", "r is short", "c is long", "scratch is short", "r overlaps c", "w overlaps scratch", "step 0",
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void A_bad_call_says_what_is_wrong_and_writes_nothing(string mistake)
    {
        int[] shape = [4, 6];
        float[] w = Random(24, seed: 5, scale: 1f), g = Random(24, seed: 6, scale: 1e-2f);
        float[] r = Random(4, seed: 7, scale: 1f), c = Random(6, seed: 8, scale: 1f);
        float[] both = new float[10];
        double[] scratch = Enumerable.Repeat(42.0, Adafactor.ScratchLength(shape)).ToArray();
        float[] w0 = (float[])w.Clone(), r0 = (float[])r.Clone(), c0 = (float[])c.Clone();
        double[] scratch0 = (double[])scratch.Clone();

        Exception error = mistake switch
        {
            "w is not the shape's" => Assert.Throws<ArgumentException>(() => Adafactor.Update(in s_rule, 1, [5, 6], w, g, r, c, scratch)),
            "g is shorter" => Assert.Throws<ArgumentException>(() => Adafactor.Update(in s_rule, 1, shape, w, g.AsSpan(1), r, c, scratch)),
            "r is short" => Assert.Throws<ArgumentException>(() => Adafactor.Update(in s_rule, 1, shape, w, g, r.AsSpan(1), c, scratch)),
            "c is long" => Assert.Throws<ArgumentException>(() => Adafactor.Update(in s_rule, 1, shape, w, g, r, new float[7], scratch)),
            "scratch is short" => Assert.Throws<ArgumentException>(() => Adafactor.Update(in s_rule, 1, shape, w, g, r, c, scratch.AsSpan(1))),
            "r overlaps c" => Assert.Throws<ArgumentException>(() => Adafactor.Update(in s_rule, 1, shape, w, g, both.AsSpan(0, 4), both.AsSpan(3, 6), scratch)),
            "w overlaps scratch" => Assert.Throws<ArgumentException>(() => Adafactor.Update(
                in s_rule, 1, shape, System.Runtime.InteropServices.MemoryMarshal.Cast<double, float>(scratch.AsSpan()).Slice(0, 24), g, r, c, scratch)),
            _ => Assert.Throws<ArgumentOutOfRangeException>(() => Adafactor.Update(in s_rule, 0, shape, w, g, r, c, scratch)),
        };

        string expected = mistake switch
        {
            "w is not the shape's" => "5 row(s)",
            "g is shorter" => "'g'",
            "r is short" => "needs one per row of each matrix: 4",
            "c is long" => "needs one per column of each matrix: 6",
            "scratch is short" => "ScratchLength",
            "r overlaps c" => "overlap",
            "w overlaps scratch" => "overlap",
            _ => "0",
        };
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        if (mistake != "w overlaps scratch")
        {
            Assert.Equal(scratch0, scratch);
        }

        Assert.Equal(w0, w);
        Assert.Equal(r0, r);
        Assert.Equal(c0, c);
        Assert.All(both, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void A_rule_that_does_not_read_the_rank_refuses_a_vector_by_its_shape()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => NumKit.Tests.Specs.FactoredScale.ScratchLength([8]));
        Assert.Contains("rank 1", error.Message);
    }

    private static int TensorValueCount<TRule>() where TRule : struct, IOptimizerRule<TRule> => TRule.TensorValueCount;

    private static int ReductionCount<TRule>() where TRule : struct, IOptimizerRule<TRule> => TRule.ReductionCount;

    private static int RowValueCount<TRule>() where TRule : struct, IOptimizerRule<TRule> => TRule.RowValueCount;

    private static int ColumnValueCount<TRule>() where TRule : struct, IOptimizerRule<TRule> => TRule.ColumnValueCount;

    private static int ColumnReductionCount<TRule>() where TRule : struct, IOptimizerRule<TRule> => TRule.ColumnReductionCount;

    private static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}, element {i}: the optimizer has {expected[i]:R}, the raw kernel {actual[i]:R}.");
            }
        }
    }

    private static float[] Random(int length, int seed, float scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => scale * ((float)random.NextDouble() * 2f - 1f)).ToArray();
    }
}
