using NumKit.Tests.Kernels;
using NumKit.Kernels;
using NumKit.Numerics;
using NumKit.Optimizers;

namespace NumKit.Tests.Training;

/// <summary>
/// The generated stored kernel (one loop whose loads widen and whose stores round) against the other way the runtime
/// steps 16-bit values: the raw kernels over BFloat16 spans (RuleKernels), which widen tiles into float copies, run
/// the float kernel and round back. Same rule, same roundings, different code: the bits must agree.
/// </summary>
public class StoredKernelTests
{
    private const int PerThread = Optimizer<Adam>.MinimumParametersPerThread;

    // Empty, lengths around the vector widths, one past a tile, and one big enough to split across three threads.
    private static readonly int[] s_lengths = { 0, 1, 7, 8, 15, 16, 17, 31, 33, 2049, 3 * PerThread + 37 };

    private static ParameterLayout Layout()
    {
        var layout = new ParameterLayout();
        for (int j = 0; j < s_lengths.Length; j++)
        {
            layout = layout.Add("T" + j, s_lengths[j]);
        }

        return layout;
    }

    private static BFloat16[] Random(int n, int seed, double scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (BFloat16)(float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static ushort[] Bits(IEnumerable<BFloat16> values) => values.Select(b => b.Bits).ToArray();

    private static uint[] Bits(IEnumerable<float> values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();

    [PathFact]
    public void All_bfloat16_adam_gives_the_raw_kernels_bits_on_every_path_and_at_1_2_and_3_threads()
    {
        ParameterLayout layout = Layout();
        int n = layout.ParameterCount;
        var rule = new Adam { LearningRate = 0.01f, WeightDecay = 0.01f };

        // The reference: RuleKernels over BFloat16 spans, one tensor at a time, state packed per tensor.
        BFloat16[] wRef = Random(n, 1, 1);
        var mv = new BFloat16[2 * n];
        for (int t = 1; t <= 3; t++)
        {
            BFloat16[] g = Random(n, 10 + t, 0.1);
            foreach (ParameterTensor tensor in layout)
            {
                BFloat16[] state = new BFloat16[2 * tensor.Length];
                mv.AsSpan(tensor.Offset, tensor.Length).CopyTo(state);
                mv.AsSpan(n + tensor.Offset, tensor.Length).CopyTo(state.AsSpan(tensor.Length));
                RuleKernels.Step(in rule, t, wRef.AsSpan(tensor.Offset, tensor.Length), g.AsSpan(tensor.Offset, tensor.Length), state.AsSpan(), tensor.Length, Span<double>.Empty);
                state.AsSpan(0, tensor.Length).CopyTo(mv.AsSpan(tensor.Offset));
                state.AsSpan(tensor.Length).CopyTo(mv.AsSpan(n + tensor.Offset));
            }
        }

        EveryPath.Run(path =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var optimizer = new Optimizer<Adam, BFloat16>(rule, layout) { MaxDegreeOfParallelism = threads, LowPrecisionUpdate = LowPrecisionUpdate.RoundToNearest };
                optimizer.SetStateStorage(StateStorage.BFloat16);
                BFloat16[] w = Random(n, 1, 1);
                for (int t = 1; t <= 3; t++)
                {
                    optimizer.Step(w, Random(n, 10 + t, 0.1));
                }

                Assert.Equal(s_lengths.Sum(), n);
                Assert.True(Bits(w).AsSpan().SequenceEqual(Bits(wRef)), $"parameters differ at {threads} thread(s), {path}-bit path");
                foreach ((string name, int k) in new[] { ("m", 0), ("v", 1) })
                {
                    foreach (ParameterTensor tensor in layout)
                    {
                        var values = new float[tensor.Length];
                        optimizer.CopyState(name, tensor.Name, values);
                        float[] expected = mv.AsSpan((k * n) + tensor.Offset, tensor.Length).ToArray().Select(b => (float)b).ToArray();
                        Assert.True(Bits(values).AsSpan().SequenceEqual(Bits(expected)), $"{name} of {tensor.Name} differs at {threads} thread(s), {path}-bit path");
                    }
                }
            }
        });
    }

    [Fact]
    public void Catalog_rules_have_a_stored_kernel_and_hand_written_ones_step_through_tiles()
    {
        Assert.True(NumKit.Stepping.CompactStep<Adam, float>.RunsStored);
        Assert.True(NumKit.Stepping.CompactStep<Adam, BFloat16>.RunsStored);
        Assert.False(NumKit.Stepping.CompactStep<Adam, Half>.RunsStored); // Half parameters: widened tiles
        Assert.False(NumKit.Stepping.CompactStep<Lookahead<Adam>, float>.RunsStored); // written by hand: no stored kernel
    }

    [Fact]
    public void Lookahead_over_adam_with_bfloat16_state_matches_its_steps_through_tiles()
    {
        // Lookahead (hand-written, tiles) and its inner Adam (stored kernel) share nothing but the state roundings:
        // the inner part of Lookahead's state must equal Adam's, step for step, until the first synchronisation.
        var layout = new ParameterLayout().Add("W", 3000).Add("b", 5);
        var adam = new Optimizer<Adam>(new Adam { LearningRate = 0.01f }, layout);
        var lookahead = new Optimizer<Lookahead<Adam>>(Lookahead.Over(new Adam { LearningRate = 0.01f }, syncPeriod: 100), layout);
        adam.SetStateStorage(StateStorage.BFloat16);
        lookahead.SetStateStorage(StateStorage.BFloat16);
        float[] w1 = Enumerable.Range(0, layout.ParameterCount).Select(i => MathF.Sin(i)).ToArray();
        float[] w2 = (float[])w1.Clone();
        for (int t = 1; t <= 3; t++)
        {
            float[] g = Enumerable.Range(0, layout.ParameterCount).Select(i => 0.1f * MathF.Cos((i * t) + 1)).ToArray();
            adam.Step(w1, g);
            lookahead.Step(w2, g);
        }

        Assert.True(Bits(w1).AsSpan().SequenceEqual(Bits(w2)));
        var a = new float[3000];
        var b = new float[3000];
        adam.CopyState("v", "W", a);
        lookahead.CopyState("v", "W", b);
        Assert.True(Bits(a).AsSpan().SequenceEqual(Bits(b)));
    }
}
