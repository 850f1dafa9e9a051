using NumKit.Tests.Kernels;
using NumKit.Kernels;
using NumKit.Numerics;
using NumKit.Optimizers;

namespace NumKit.Tests.Training;

/// <summary>State stored as bfloat16 (nearest or stochastic) or 8-bit blockwise while the kernel computes in float.</summary>
public class CompactStateTests
{
    private const int PerThread = Optimizer<Adam>.MinimumParametersPerThread;

    public static TheoryData<StateStorage> Storages => new() { StateStorage.Float32, StateStorage.BFloat16, StateStorage.BFloat16Stochastic, StateStorage.Blockwise8Bit, StateStorage.Blockwise8BitStochastic };

    public static TheoryData<StateStorage> CompactStorages => new() { StateStorage.BFloat16, StateStorage.BFloat16Stochastic, StateStorage.Blockwise8Bit, StateStorage.Blockwise8BitStochastic };

    // A big tensor (8-bit, split across threads), a ragged one past a tile and a small one (float32 under 8-bit).
    private static readonly ParameterLayout s_layout = new ParameterLayout().Add("W1", 3 * PerThread + 37).Add("W2", 5000).Add("b", 37);

    private static float[] Random(int n, int seed, double scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static Optimizer<Adam> Create(StateStorage storage, int threads = 1)
    {
        var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 0.01f, WeightDecay = 0.01f }, s_layout) { MaxDegreeOfParallelism = threads, StochasticRoundingSeed = 5 };
        optimizer.SetStateStorage(storage);
        return optimizer;
    }

    private static (float[] W, float[] State) Run(StateStorage storage, int threads, int path, int steps = 4)
    {
        using var limit = VectorPaths.Limit(path);
        Optimizer<Adam> optimizer = Create(storage, threads);
        float[] w = Random(s_layout.ParameterCount, 1);
        for (int step = 0; step < steps; step++)
        {
            optimizer.Step(w, Random(s_layout.ParameterCount, 10 + step));
        }

        return (w, AllState(optimizer));
    }

    private static float[] AllState(Optimizer<Adam> optimizer)
    {
        var state = new List<float>();
        foreach (string name in optimizer.StateNames)
        {
            foreach (ParameterTensor tensor in optimizer.Layout)
            {
                var values = new float[tensor.Length];
                optimizer.CopyState(name, tensor.Name, values);
                state.AddRange(values);
            }
        }

        return state.ToArray();
    }

    [PathTheory]
    [MemberData(nameof(Storages))]
    public void Every_storage_gives_the_same_bits_on_every_vector_path_and_at_1_2_and_3_threads(StateStorage storage)
    {
        (float[] w, float[] state) = Run(storage, 1, 512);
        foreach ((int threads, int path) in new[] { (2, 512), (3, 512), (1, 256), (2, 256), (1, 128), (3, 128), (1, 0), (2, 0) })
        {
            if (!EveryPath.CanRun(path))
            {
                continue; // the test is reported as skipped, with the reason
            }

            (float[] w2, float[] state2) = Run(storage, threads, path);
            Assert.True(w.AsSpan().SequenceEqual(w2), $"{storage}: parameters differ at {threads} thread(s), {path}-bit path");
            Assert.True(state.AsSpan().SequenceEqual(state2), $"{storage}: state differs at {threads} thread(s), {path}-bit path");
        }
    }

    [Fact]
    public void Float32_storage_through_tiles_is_the_plain_optimizer_bit_for_bit()
    {
        // m in bfloat16 forces the tiled path; v stays float32 and must match where m's rounding has not reached
        // it yet: on the first step v depends only on g and w.
        var plain = new Optimizer<Adam>(new Adam { LearningRate = 0.01f }, s_layout);
        var tiled = new Optimizer<Adam>(new Adam { LearningRate = 0.01f }, s_layout);
        tiled.SetStateStorage("m", StateStorage.BFloat16);
        float[] w1 = Random(s_layout.ParameterCount, 1);
        float[] w2 = (float[])w1.Clone();
        float[] g = Random(s_layout.ParameterCount, 2);
        plain.Step(w1, g);
        tiled.Step(w2, g);
        Assert.True(plain.State("v", "W2").SequenceEqual(tiled.State("v", "W2")));
        Assert.Equal(StateStorage.BFloat16, tiled.GetStateStorage("m"));
        Assert.Equal(StateStorage.Float32, tiled.GetStateStorage("v"));
        Assert.Contains("stored as bfloat16, not as floats", Assert.Throws<InvalidOperationException>(() => tiled.State("m", "W2").ToArray()).Message);
    }

    // Adam written out by hand in float, the state rounded to its storage after every step: the independent reference.
    private static void ReferenceAdam(float[] w, float[] g, float[] m, float[] v, int t, Func<float[], int, float[]> store)
    {
        // The hyperparameters are floats, widened to double for the per-step values, as the rule holds them.
        double lr = 0.01f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        float k1 = (float)(1 - beta1), k2 = (float)(1 - beta2), k3 = (float)(lr / (1 - Math.Pow(beta1, t))), k4 = (float)Math.Sqrt(1 - Math.Pow(beta2, t));
        for (int i = 0; i < w.Length; i++)
        {
            float d = g[i] + ((float)wd * w[i]);
            m[i] = ((float)beta1 * m[i]) + (k1 * d);
            v[i] = ((float)beta2 * v[i]) + (k2 * d * d);
            w[i] = w[i] - (k3 * m[i] / ((MathF.Sqrt(v[i]) / k4) + (float)eps));
        }

        float[] mStored = store(m, 0);
        float[] vStored = store(v, 1);
        mStored.CopyTo(m, 0);
        vStored.CopyTo(v, 0);
    }

    [Theory]
    [MemberData(nameof(CompactStorages))]
    public void Each_storage_rounds_the_state_as_its_definition_says(StateStorage storage)
    {
        // One tensor of 5000 (8-bit: 19 full blocks and a partial one), three steps, against the hand-written reference.
        var layout = new ParameterLayout().Add("W", 5000);
        var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 0.01f, WeightDecay = 0.01f }, layout) { StochasticRoundingSeed = 9 };
        optimizer.SetStateStorage(storage);
        float[] w = Random(5000, 1);
        float[] wRef = (float[])w.Clone();
        float[] m = new float[5000], v = new float[5000];
        for (int t = 1; t <= 3; t++)
        {
            float[] g = Random(5000, 20 + t);
            optimizer.Step(w, g);
            ReferenceAdam(wRef, g, m, v, t, (values, k) => Store(storage, values, CounterRandom.Key(9, t, k)));
        }

        Assert.True(wRef.AsSpan().SequenceEqual(w), $"{storage}: parameters differ from the reference");
        var mState = new float[5000];
        optimizer.CopyState("m", "W", mState);
        Assert.True(m.AsSpan().SequenceEqual(mState), $"{storage}: m differs from the reference");
    }

    // The storage's rounding, one element at a time from its definition (bfloat16 casts, the counter generator, the 8-bit maps).
    private static float[] Store(StateStorage storage, float[] values, uint key)
    {
        switch (storage)
        {
            case StateStorage.BFloat16:
                return values.Select(x => (float)(BFloat16)x).ToArray();
            case StateStorage.BFloat16Stochastic:
                return values.Select((x, i) => (float)BFloat16.FromBits(StorageConversion.RoundStochastic(BitConverter.SingleToUInt32Bits(x), CounterRandom.Bits(key, i)))).ToArray();
            default:
                var result = new float[values.Length];
                for (int start = 0; start < values.Length; start += 256)
                {
                    float[] block = values.Skip(start).Take(256).ToArray();
                    float max = block.Max(Math.Abs);
                    DynamicQuantizationMap map = block.Min() < 0 ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;
                    for (int i = 0; i < block.Length; i++)
                    {
                        int code = storage == StateStorage.Blockwise8Bit
                            ? NearestCode(map, block[i] / max)
                            : StochasticCode(map, block[i] / max, CounterRandom.Bits(key, start + i));
                        result[start + i] = max == 0 ? 0 : map.Codes[code] * max;
                    }
                }

                return result;
        }
    }

    // The lower of the two codes around x by a scan over the codes, then the upper with probability (x - lower) / gap:
    // up when x - lower > u × gap, u the top 24 random bits over 2^24.
    private static int StochasticCode(DynamicQuantizationMap map, float x, uint random)
    {
        int floor = 0;
        for (int c = 1; c < 256; c++)
        {
            if (map.Codes[c] <= x)
            {
                floor = c;
            }
        }

        if (floor == 255)
        {
            return 255;
        }

        float u = (random >> 8) / 16777216f;
        return x - map.Codes[floor] > u * (map.Codes[floor + 1] - map.Codes[floor]) ? floor + 1 : floor;
    }

    private static int NearestCode(DynamicQuantizationMap map, float x)
    {
        int nearest = 0;
        for (int c = 1; c < 256; c++)
        {
            if (Math.Abs((double)map.Codes[c] - x) < Math.Abs((double)map.Codes[nearest] - x))
            {
                nearest = c;
            }
        }

        return nearest;
    }

    [Theory]
    [MemberData(nameof(Storages))]
    public void A_step_allocates_nothing_on_one_thread_or_split(StateStorage storage)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            Optimizer<Adam> optimizer = Create(storage, threads);
            float[] w = Random(s_layout.ParameterCount, 1);
            float[] g = Random(s_layout.ParameterCount, 2);
            for (int warm = 0; warm < 3; warm++)
            {
                optimizer.Step(w, g); // the first split step starts the worker threads (if another test holds them, a later one)
            }
            long allocated = SteadyStateAllocation.Of(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    optimizer.Step(w, g);
                }
            });

            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void State_bytes_per_parameter_are_8_4_and_about_2_03()
    {
        var layout = new ParameterLayout().Add("W", 1 << 16);
        long Bytes(StateStorage storage)
        {
            var optimizer = new Optimizer<Adam>(new Adam(), layout);
            optimizer.SetStateStorage(storage);
            return optimizer.StateBytes;
        }

        Assert.Equal(8L << 16, Bytes(StateStorage.Float32));
        Assert.Equal(4L << 16, Bytes(StateStorage.BFloat16));
        Assert.Equal(2L * ((1 << 16) + (4 << 8)), Bytes(StateStorage.Blockwise8Bit)); // 2.03125 per parameter
        Assert.Equal(2L * ((1 << 16) + (4 << 8)), Bytes(StateStorage.Blockwise8BitStochastic));
    }

    [Theory]
    [MemberData(nameof(CompactStorages))]
    public void A_checkpoint_round_trips_every_storage_bit_for_bit(StateStorage storage)
    {
        Optimizer<Adam> saved = Create(storage);
        float[] w = Random(s_layout.ParameterCount, 1);
        for (int step = 0; step < 3; step++)
        {
            saved.Step(w, Random(s_layout.ParameterCount, 30 + step));
        }

        using var stream = new MemoryStream();
        saved.SaveCheckpoint(stream);
        Optimizer<Adam> restored = Create(storage);
        restored.LoadCheckpoint(new MemoryStream(stream.ToArray()));
        Assert.Equal(AllState(saved), AllState(restored));
        using var again = new MemoryStream();
        restored.SaveCheckpoint(again);
        Assert.Equal(stream.ToArray(), again.ToArray());

        float[] w2 = (float[])w.Clone();
        float[] g = Random(s_layout.ParameterCount, 99);
        saved.Step(w, g);
        restored.Step(w2, g);
        Assert.True(w.AsSpan().SequenceEqual(w2));
    }

    [Theory]
    [MemberData(nameof(CompactStorages))]
    public void A_checkpoint_of_another_storage_is_refused_naming_both_and_changes_nothing(StateStorage storage)
    {
        Optimizer<Adam> saved = Create(storage);
        saved.Step(Random(s_layout.ParameterCount, 1), Random(s_layout.ParameterCount, 2));
        using var stream = new MemoryStream();
        saved.SaveCheckpoint(stream);

        Optimizer<Adam> plain = Create(StateStorage.Float32);
        float[] before = AllState(plain);
        var error = Assert.Throws<ArgumentException>(() => plain.LoadCheckpoint(new MemoryStream(stream.ToArray())));
        string name = storage switch
        {
            StateStorage.BFloat16 => "bfloat16",
            StateStorage.BFloat16Stochastic => "bfloat16 (stochastic rounding)",
            StateStorage.Blockwise8BitStochastic => "blockwise8bit, stochastic rounding (float32 below 4096)",
            _ => "blockwise8bit (float32 below 4096)",
        };
        Assert.Contains($"its state 'm' is stored as {name}, and this optimizer stores it as float32", error.Message);
        Assert.Equal(before, AllState(plain));
        Assert.Equal(0, plain.StepCount);
    }

    [Fact]
    public void A_checkpoint_of_8_bit_state_rounded_to_nearest_is_refused_by_one_that_rounds_stochastically()
    {
        Optimizer<Adam> saved = Create(StateStorage.Blockwise8Bit);
        saved.Step(Random(s_layout.ParameterCount, 1), Random(s_layout.ParameterCount, 2));
        using var stream = new MemoryStream();
        saved.SaveCheckpoint(stream);

        Optimizer<Adam> stochastic = Create(StateStorage.Blockwise8BitStochastic);
        var error = Assert.Throws<ArgumentException>(() => stochastic.LoadCheckpoint(new MemoryStream(stream.ToArray())));
        Assert.Contains("its state 'm' is stored as blockwise8bit (float32 below 4096), and this optimizer stores it as blockwise8bit, stochastic rounding (float32 below 4096)", error.Message);
        Assert.Equal(0, stochastic.StepCount);
    }

    [Fact]
    public void Stochastic_8_bit_storage_can_be_asked_for_one_group_only()
    {
        var layout = new ParameterLayout().Add("W1", 5000).Add("W2", 5000);
        var optimizer = new Optimizer<Adam>(new Adam(), layout) { StochasticRoundingSeed = 3 };
        optimizer.AddGroup(new Adam(), "W2");
        optimizer.SetStateStorage(1, "v", StateStorage.Blockwise8BitStochastic);
        Assert.Equal(StateStorage.Blockwise8BitStochastic, optimizer.GetStateStorage("v", 1));
        Assert.Equal(StateStorage.Float32, optimizer.GetStateStorage("v", 0));
        optimizer.Step(Random(layout.ParameterCount, 1), Random(layout.ParameterCount, 2));
        Assert.Equal(5000, optimizer.State("v", "W1").Length); // group 0 keeps float32 and can be read as floats
        Assert.Throws<InvalidOperationException>(() => optimizer.State("v", "W2").ToArray());
    }

    [Fact]
    public void Groups_keep_their_own_storage_and_the_per_step_scalar_state_advances_once()
    {
        var layout = new ParameterLayout().Add("W1", 3000).Add("b1", 30).Add("W2", 3000);
        var plain = new Optimizer<NAdam>(new NAdam(), layout);
        var mixed = new Optimizer<NAdam>(new NAdam(), layout);
        plain.AddGroup(new NAdam { WeightDecay = 0.1f }, "b1");
        mixed.AddGroup(new NAdam { WeightDecay = 0.1f }, "b1");
        mixed.SetStateStorage(1, "m", StateStorage.BFloat16);
        Assert.Equal(StateStorage.BFloat16, mixed.GetStateStorage("m", 1));
        Assert.Equal(StateStorage.Float32, mixed.GetStateStorage("m", 0));
        float[] w1 = Random(layout.ParameterCount, 3), w2 = (float[])w1.Clone();
        for (int step = 0; step < 3; step++)
        {
            float[] g = Random(layout.ParameterCount, 40 + step);
            plain.Step(w1, g);
            mixed.Step(w2, g);
        }

        // Group 0 (float32) is the plain optimizer's bit for bit; group 1 (b1) differs by bfloat16's rounding only.
        Assert.True(w1.AsSpan(0, 3000).SequenceEqual(w2.AsSpan(0, 3000)));
        Assert.True(w1.AsSpan(3030).SequenceEqual(w2.AsSpan(3030)));
        foreach (string name in plain.ScalarStateNames)
        {
            Assert.Equal(plain.ScalarState(name, 0), mixed.ScalarState(name, 0));
            Assert.Equal(plain.ScalarState(name, 1), mixed.ScalarState(name, 1));
        }
    }

    [Fact]
    public void Storage_is_set_before_the_first_step_and_only_for_float_parameters()
    {
        var optimizer = new Optimizer<Adam>(new Adam(), 10);
        optimizer.Step(new float[10], new float[10]);
        Assert.Throws<InvalidOperationException>(() => optimizer.SetStateStorage(StateStorage.BFloat16));
        var doubles = new Optimizer<Adam, double>(new Adam(), 10);
        Assert.Throws<NotSupportedException>(() => doubles.SetStateStorage(StateStorage.BFloat16));
        Assert.Throws<ArgumentException>(() => new Optimizer<Adam>(new Adam(), 10).SetStateStorage("q", StateStorage.BFloat16));
    }
}
