using NumKit.Tests.Kernels;
using NumKit.Kernels;
using NumKit.Numerics;
using NumKit.Optimizers;

namespace NumKit.Tests.Training;

/// <summary>Half and BFloat16 parameters and gradients, the rule computing in float, and the four ways an update gets back into 16 bits.</summary>
public class LowPrecisionParameterTests
{
    private const int PerThread = Optimizer<Adam>.MinimumParametersPerThread;

    public static TheoryData<LowPrecisionUpdate> Updates => new()
    {
        LowPrecisionUpdate.RoundToNearest, LowPrecisionUpdate.Float32MasterCopy, LowPrecisionUpdate.StochasticRounding, LowPrecisionUpdate.KahanSummation,
    };

    private static float[] Random(int n, int seed, double scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static T[] To<T>(float[] values) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
        => values.Select(x => typeof(T) == typeof(BFloat16) ? (T)(object)(BFloat16)x : (T)(object)(Half)x).ToArray();

    private static float F<T>(T value) => value is BFloat16 b ? (float)b : (float)(Half)(object)value!;

    private static T Round<T>(float x) => typeof(T) == typeof(BFloat16) ? (T)(object)(BFloat16)x : (T)(object)(Half)x;

    // Stochastic rounding from its definition: bfloat16 adds 16 random bits below the kept ones and truncates;
    // Half goes up with probability (x - below) / (above - below) against the low 16 bits.
    private static T RoundStochastic<T>(float x, uint random) => typeof(T) == typeof(BFloat16)
        ? (T)(object)BFloat16.FromBits(StorageConversion.RoundStochastic(BitConverter.SingleToUInt32Bits(x), random))
        : (T)(object)ParameterConversion.RoundStochastic(x, random);

    // Adam in float, element by element, as the generated kernel computes it.
    private static void ReferenceAdam(float[] w, float[] g, float[] m, float[] v, int t, float lr)
    {
        double beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        float k1 = (float)(1 - beta1), k2 = (float)(1 - beta2), k3 = (float)((double)lr / (1 - Math.Pow(beta1, t))), k4 = (float)Math.Sqrt(1 - Math.Pow(beta2, t));
        for (int i = 0; i < w.Length; i++)
        {
            float d = g[i] + ((float)wd * w[i]);
            m[i] = ((float)beta1 * m[i]) + (k1 * d);
            v[i] = ((float)beta2 * v[i]) + (k2 * d * d);
            w[i] = w[i] - (k3 * m[i] / ((MathF.Sqrt(v[i]) / k4) + (float)eps));
        }
    }

    private static void ParametersMatchTheReference<T>(LowPrecisionUpdate update)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        // Lengths 0, past two vector widths and past a tile; three steps at a learning rate small enough that
        // round-to-nearest loses some updates, so each way of rounding shows.
        var layout = new ParameterLayout().Add("W", 2100).Add("b", 37).Add("empty", 0);
        int n = layout.ParameterCount;
        const float lr = 1e-3f;
        var optimizer = new Optimizer<Adam, T>(new Adam { LearningRate = lr, WeightDecay = 0.01f }, layout) { StochasticRoundingSeed = 3, LowPrecisionUpdate = update };
        T[] w = To<T>(Random(n, 1));
        float[] wf = w.Select(F).ToArray();  // the reference's float parameters (master copy, or w + compensation)
        T[] wRef = (T[])w.Clone();
        float[] compensation = new float[n], m = new float[n], v = new float[n];
        for (int t = 1; t <= 3; t++)
        {
            T[] g = To<T>(Random(n, 10 + t, 0.1));
            optimizer.Step(w, g);

            float[] stepped = update switch
            {
                LowPrecisionUpdate.Float32MasterCopy => wf,
                LowPrecisionUpdate.KahanSummation => wRef.Select((x, i) => F(x) + compensation[i]).ToArray(),
                _ => wRef.Select(F).ToArray(),
            };
            ReferenceAdam(stepped, g.Select(F).ToArray(), m, v, t, lr);
            uint key = CounterRandom.Key(3, t, 2); // the parameters draw after Adam's two state buffers
            for (int i = 0; i < n; i++)
            {
                wRef[i] = update == LowPrecisionUpdate.StochasticRounding ? RoundStochastic<T>(stepped[i], CounterRandom.Bits(key, i)) : Round<T>(stepped[i]);
                compensation[i] = F(Round<T>(stepped[i] - F(wRef[i])));
            }
        }

        for (int i = 0; i < n; i++)
        {
            Assert.True(wRef[i].Equals(w[i]), $"{typeof(T).Name}, {update}: parameter {i} is {w[i]}, the reference {wRef[i]}");
        }

        if (update == LowPrecisionUpdate.Float32MasterCopy)
        {
            Assert.True(wf.AsSpan().SequenceEqual(optimizer.MasterCopy), "the master copy differs from the float reference");
        }
    }

    [Theory]
    [MemberData(nameof(Updates))]
    public void BFloat16_parameters_take_each_update_as_its_definition_says(LowPrecisionUpdate update) => ParametersMatchTheReference<BFloat16>(update);

    [Theory]
    [MemberData(nameof(Updates))]
    public void Half_parameters_take_each_update_as_its_definition_says(LowPrecisionUpdate update) => ParametersMatchTheReference<Half>(update);

    private static readonly ParameterLayout s_layout = new ParameterLayout().Add("W1", 3 * PerThread + 37).Add("W2", 5000).Add("b", 37);

    private static (float[] W, float[] State) Run<T>(LowPrecisionUpdate update, StateStorage storage, int threads, int path)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        using var limit = VectorPaths.Limit(path);
        var optimizer = new Optimizer<Adam, T>(new Adam { LearningRate = 1e-3f }, s_layout) { MaxDegreeOfParallelism = threads, StochasticRoundingSeed = 8, NonFiniteGradients = NonFiniteGradientPolicy.SkipStep };
        optimizer.AddGroup(new Adam { LearningRate = 3e-3f }, "W2");
        optimizer.SetStateStorage(storage);
        optimizer.LowPrecisionUpdate = update;
        T[] w = To<T>(Random(s_layout.ParameterCount, 1));
        for (int step = 0; step < 4; step++)
        {
            T[] g = To<T>(Random(s_layout.ParameterCount, 10 + step, 10));
            GradientClipping.ClipByGlobalNorm<T>(g, T.CreateTruncating(100f));
            if (step == 2)
            {
                g[5] = T.NaN; // skipped: nothing changes
            }

            optimizer.Step(w, g);
        }

        Assert.Equal(1, optimizer.SkippedStepCount);
        var state = new List<float>();
        foreach (ParameterTensor tensor in s_layout)
        {
            var values = new float[tensor.Length];
            optimizer.CopyState("v", tensor.Name, values);
            state.AddRange(values);
        }

        return (w.Select(F).ToArray(), state.ToArray());
    }

    // bfloat16 bit patterns where the loop's vector roundings could part from the scalar one: NaNs whose payload is
    // only in the dropped half (signalling, both signs), ±∞, the largest finite values, denormals and ties.
    private static readonly ushort[] s_specialBits =
    {
        0x7F80, 0xFF80, 0x7FC0, 0xFFC1, 0x7F81, 0xFF81, 0x7F7F, 0xFF7F, 0x0001, 0x8001, 0x007F, 0x0080, 0x3F81, 0xBF81, 0x0000, 0x8000,
    };

    private static (ushort[] W, uint[] State) RunSpecial(LowPrecisionUpdate update, StateStorage storage, int path)
    {
        // Special values among ordinary ones, in parameters and gradients, at a different lane of each vector width
        // and in the scalar tail (83 elements: 5 blocks of 16, then 3); unchecked, so they reach the loop.
        using var limit = VectorPaths.Limit(path);
        var layout = new ParameterLayout().Add("W", 83);
        var optimizer = new Optimizer<Adam, BFloat16>(new Adam { LearningRate = 0.5f, WeightDecay = 0.01f }, layout)
        {
            StochasticRoundingSeed = 11, NonFiniteGradients = NonFiniteGradientPolicy.Unchecked, LowPrecisionUpdate = update,
        };
        optimizer.SetStateStorage(storage);
        BFloat16[] w = To<BFloat16>(Random(83, 1));
        for (int i = 0; i < 83; i += 5)
        {
            w[i] = BFloat16.FromBits(s_specialBits[i / 5 % s_specialBits.Length]);
        }

        for (int step = 0; step < 3; step++)
        {
            BFloat16[] g = To<BFloat16>(Random(83, 20 + step, 1e3));
            for (int i = 2 + step; i < 83; i += 7)
            {
                g[i] = BFloat16.FromBits(s_specialBits[(i + step) % s_specialBits.Length]);
            }

            optimizer.Step(w, g);
        }

        var state = new List<uint>();
        foreach (string name in optimizer.StateNames)
        {
            var values = new float[83];
            optimizer.CopyState(name, "W", values);
            state.AddRange(values.Select(BitConverter.SingleToUInt32Bits));
        }

        return (w.Select(b => b.Bits).ToArray(), state.ToArray());
    }

    [PathTheory]
    [MemberData(nameof(Updates))]
    public void Special_values_get_the_scalar_paths_bits_on_every_vector_path(LowPrecisionUpdate update)
    {
        foreach (StateStorage storage in new[] { StateStorage.BFloat16, StateStorage.BFloat16Stochastic })
        {
            (ushort[] w, uint[] state) = RunSpecial(update, storage, 0);
            Assert.Contains(w, b => BFloat16.IsNaN(BFloat16.FromBits(b))); // the specials did reach the parameters
            foreach (int path in new[] { 512, 256, 128 })
            {
                if (!EveryPath.CanRun(path))
                {
                    continue; // the test is reported as skipped, with the reason
                }

                (ushort[] wPath, uint[] statePath) = RunSpecial(update, storage, path);
                Assert.True(w.AsSpan().SequenceEqual(wPath), $"{update} {storage}: parameters differ on the {path}-bit path");
                Assert.True(state.AsSpan().SequenceEqual(statePath), $"{update} {storage}: state differs on the {path}-bit path");
            }
        }
    }

    [PathTheory]
    [MemberData(nameof(Updates))]
    public void Every_update_gives_the_same_bits_on_every_vector_path_and_at_1_2_and_3_threads_with_groups_clipping_and_the_guard(LowPrecisionUpdate update)
    {
        _ = EveryPath.CanRun(512); // the base run: the widest path this process has; recorded when 512 is missing
        foreach (StateStorage storage in new[] { StateStorage.Float32, StateStorage.BFloat16Stochastic })
        {
            (float[] w, float[] state) = Run<BFloat16>(update, storage, 1, 512);
            (float[] wh, float[] stateh) = Run<Half>(update, storage, 1, 512);
            foreach (int path in new[] { 256, 128, 0 })
            {
                if (!EveryPath.CanRun(path))
                {
                    continue; // the test is reported as skipped, with the reason
                }

                Assert.True(w.AsSpan().SequenceEqual(Run<BFloat16>(update, storage, 1, path).W), $"BFloat16 {update} {storage}: path {path} differs");
                Assert.True(wh.AsSpan().SequenceEqual(Run<Half>(update, storage, 1, path).W), $"Half {update} {storage}: path {path} differs");
            }

            foreach (int threads in new[] { 2, 3 })
            {
                (float[] W, float[] State) split = Run<BFloat16>(update, storage, threads, 512);
                Assert.True(w.AsSpan().SequenceEqual(split.W) && state.AsSpan().SequenceEqual(split.State), $"BFloat16 {update} {storage}: {threads} threads differ");
                split = Run<Half>(update, storage, threads, 512);
                Assert.True(wh.AsSpan().SequenceEqual(split.W) && stateh.AsSpan().SequenceEqual(split.State), $"Half {update} {storage}: {threads} threads differ");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Updates))]
    public void A_step_allocates_nothing_on_one_thread_or_split(LowPrecisionUpdate update)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            var optimizer = new Optimizer<Adam, BFloat16>(new Adam(), s_layout) { MaxDegreeOfParallelism = threads, LowPrecisionUpdate = update };
            BFloat16[] w = To<BFloat16>(Random(s_layout.ParameterCount, 1));
            BFloat16[] g = To<BFloat16>(Random(s_layout.ParameterCount, 2));
            for (int warm = 0; warm < 3; warm++)
            {
                optimizer.Step(w, g);
            }

            // Up to three windows of five steps, the smallest must be 0: a one-time runtime transient (tiering, the
            // worker team starting while another test holds it) passes, an allocation per step fails every window.
            long smallest = long.MaxValue;
            for (int window = 0; window < 3 && smallest != 0; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 5; i++)
                {
                    optimizer.Step(w, g);
                }

                smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, smallest);
        }
    }

    [Theory]
    [MemberData(nameof(Updates))]
    public void A_checkpoint_round_trips_the_master_copy_or_compensation_bit_for_bit(LowPrecisionUpdate update)
    {
        var layout = new ParameterLayout().Add("W", 3000);
        Optimizer<Adam, Half> Create() => new(new Adam { LearningRate = 1e-3f }, layout) { LowPrecisionUpdate = update, StochasticRoundingSeed = 4 };
        Optimizer<Adam, Half> first = Create();
        Half[] w = To<Half>(Random(3000, 1));
        for (int t = 0; t < 3; t++)
        {
            first.Step(w, To<Half>(Random(3000, 20 + t, 0.01)));
        }

        var saved = new MemoryStream();
        first.SaveCheckpoint(saved);
        Optimizer<Adam, Half> second = Create();
        second.LoadCheckpoint(new MemoryStream(saved.ToArray()));
        var resaved = new MemoryStream();
        second.SaveCheckpoint(resaved);
        Assert.Equal(saved.ToArray(), resaved.ToArray());

        Half[] w2 = (Half[])w.Clone();
        Half[] g = To<Half>(Random(3000, 99, 0.01));
        first.Step(w, g);
        second.Step(w2, g);
        Assert.Equal(w, w2);
    }

    [Fact]
    public void A_checkpoint_of_another_parameter_type_or_update_is_refused_naming_both_and_changes_nothing()
    {
        var layout = new ParameterLayout().Add("W", 300);
        var kahan = new Optimizer<Adam, BFloat16>(new Adam(), layout);
        BFloat16[] w = To<BFloat16>(Random(300, 1));
        kahan.Step(w, To<BFloat16>(Random(300, 2)));
        var saved = new MemoryStream();
        kahan.SaveCheckpoint(saved);

        var master = new Optimizer<Adam, BFloat16>(new Adam(), layout) { LowPrecisionUpdate = LowPrecisionUpdate.Float32MasterCopy };
        string message = Assert.Throws<ArgumentException>(() => master.LoadCheckpoint(new MemoryStream(saved.ToArray()))).Message;
        Assert.Contains("Kahan summation (bfloat16 compensation)", message);
        Assert.Contains("float32 master copy", message);
        Assert.Equal(0, master.StepCount);

        var halves = new Optimizer<Adam, Half>(new Adam(), layout);
        message = Assert.Throws<ArgumentException>(() => halves.LoadCheckpoint(new MemoryStream(saved.ToArray()))).Message;
        Assert.Contains("saved for BFloat16 parameters, and this optimizer runs Half", message);

        var set = new ParameterSet<BFloat16>(layout);
        var file = new MemoryStream();
        set.SaveValues(file);
        var halfSet = new ParameterSet<Half>(layout);
        Assert.Contains("it holds BFloat16 values, and this set holds Half", Assert.Throws<ArgumentException>(() => halfSet.LoadValues(new MemoryStream(file.ToArray()))).Message);
    }

    [Fact]
    public void A_parameter_set_of_bfloat16_steps_and_the_update_is_set_before_the_first_step_for_16_bit_parameters_only()
    {
        var set = new ParameterSet<BFloat16>(new ParameterLayout().Add("W", 48)); // 48 floats: whole 64-byte lines, no padding
        To<BFloat16>(Random(48, 1)).CopyTo(set.Values);
        To<BFloat16>(Random(48, 2)).CopyTo(set.Gradients);
        BFloat16[] before = set.Values.ToArray();
        var optimizer = new Optimizer<Adam, BFloat16>(new Adam { LearningRate = 0.1f }, set.Layout);
        Assert.Equal(LowPrecisionUpdate.KahanSummation, optimizer.LowPrecisionUpdate);
        Assert.Equal(48 * (2 + 4 + 4), optimizer.StateBytes); // compensation, m and v
        optimizer.Step(set);
        Assert.NotEqual(before, set.Values.ToArray());
        Assert.Throws<InvalidOperationException>(() => optimizer.LowPrecisionUpdate = LowPrecisionUpdate.StochasticRounding);
        Assert.Throws<InvalidOperationException>(() => optimizer.MasterCopy.Length);

        var floats = new Optimizer<Adam>(new Adam(), 10);
        Assert.Equal(LowPrecisionUpdate.RoundToNearest, floats.LowPrecisionUpdate);
        Assert.Contains("Half or BFloat16", Assert.Throws<NotSupportedException>(() => floats.LowPrecisionUpdate = LowPrecisionUpdate.KahanSummation).Message);
    }

    [Fact]
    public void Clipping_16_bit_gradients_measures_in_float_past_halfs_range()
    {
        // A norm of about 3e5: its square (and the norm itself) overflows Half; in float it clips to the limit.
        Half[] g = Enumerable.Range(0, 1000).Select(i => (Half)(i % 2 == 0 ? 10000f : -10000f)).ToArray();
        float norm = (float)GradientClipping.ClipByGlobalNorm<Half>(g, (Half)1f);
        Assert.True(float.IsPositiveInfinity(norm) || Math.Abs(norm - 316227.77f) < 1f, $"norm {norm}");
        double clipped = Math.Sqrt(g.Sum(x => (double)(float)x * (float)x));
        Assert.InRange(clipped, 0.99, 1.01);
    }

    [Fact]
    public void Raw_kernels_run_16_bit_buffers_through_the_float_kernel_rounding_to_nearest()
    {
        int n = 2100;
        BFloat16[] w = To<BFloat16>(Random(n, 1));
        BFloat16[] g = To<BFloat16>(Random(n, 2));
        var state = new BFloat16[2 * n];
        float[] wf = w.Select(F).ToArray();
        float[] m = new float[n], v = new float[n];
        var rule = new Adam { LearningRate = 0.01f, WeightDecay = 0.01f };
        for (int t = 1; t <= 2; t++)
        {
            RuleKernels.Step<Adam, BFloat16>(in rule, t, w, g, state, n, Span<double>.Empty);
            ReferenceAdam(wf, g.Select(F).ToArray(), m, v, t, 0.01f);
            wf = wf.Select(x => (float)(BFloat16)x).ToArray();
            m = m.Select(x => (float)(BFloat16)x).ToArray();
            v = v.Select(x => (float)(BFloat16)x).ToArray();
        }

        Assert.Equal(wf, w.Select(F).ToArray());
        Assert.Equal(m, state.Take(n).Select(F).ToArray());
        Assert.Equal(v, state.Skip(n).Select(F).ToArray());
        Assert.Throws<ArgumentException>(() => RuleKernels.Step<Adam, BFloat16>(in rule, 1, w, g, state.AsSpan(0, n), n, Span<double>.Empty));
    }
}
