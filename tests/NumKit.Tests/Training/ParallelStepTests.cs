using NumKit.Kernels;
using NumKit.Optimizers;

namespace NumKit.Tests.Training;

/// <summary>
/// A step split across threads (<see cref="Optimizer{TRule, T}.MaxDegreeOfParallelism"/> above 1) must give the
/// bits of the same step on one thread: parameters, every state buffer and the per-step scalar state.
/// </summary>
public class ParallelStepTests
{
    private const int PerThread = Optimizer<Adam>.MinimumParametersPerThread;

    // Below the split threshold, at it, ragged (not a multiple of any vector or slice), and large enough for many slices.
    public static TheoryData<int, int> Sizes => new()
    {
        { 2 * PerThread - 1, 2 },
        { 2 * PerThread, 2 },
        { 3 * PerThread + 37, 2 },
        { 3 * PerThread + 37, 3 },
        { 8 * PerThread + 5, 64 },
    };

    private static T[] Random<T>(int n, int seed, double scale = 1)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => T.CreateTruncating((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    /// <summary>Runs three steps with the given degree of parallelism; returns the parameters, state and scalar state after them.</summary>
    private static (T[] W, T[][] State, double[] Scalars) Run<TRule, T>(TRule rule, int n, int degree)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var optimizer = new Optimizer<TRule, T>(rule, n) { MaxDegreeOfParallelism = degree };
        T[] w = Random<T>(n, 1);
        for (int step = 0; step < 3; step++)
        {
            optimizer.Step(w, Random<T>(n, 10 + step));
        }

        T[][] state = optimizer.StateNames.Select(name => optimizer.State(name).ToArray()).ToArray();
        double[] scalars = optimizer.ScalarStateNames.Select(name => optimizer.ScalarState(name)).ToArray();
        Assert.Equal(3, optimizer.StepCount);
        return (w, state, scalars);
    }

    private static void AssertSameAsOneThread<TRule, T>(TRule rule, int n, int degree)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var one = Run<TRule, T>(rule, n, 1);
        var many = Run<TRule, T>(rule, n, degree);
        Assert.True(one.W.AsSpan().SequenceEqual(many.W), $"{typeof(TRule).Name}<{typeof(T).Name}>: parameters differ at n = {n}, {degree} threads.");
        for (int k = 0; k < one.State.Length; k++)
        {
            Assert.True(one.State[k].AsSpan().SequenceEqual(many.State[k]), $"{typeof(TRule).Name}: state {k} differs at n = {n}.");
        }

        Assert.Equal(one.Scalars, many.Scalars);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Adam_split_across_threads_gives_the_bits_of_one_thread(int n, int degree)
    {
        AssertSameAsOneThread<Adam, float>(new Adam { WeightDecay = 0.01f }, n, degree);
        AssertSameAsOneThread<Adam, double>(new Adam(), n, degree);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Per_step_scalar_state_advances_once_however_the_step_is_split(int n, int degree)
    {
        // NAdam's mu_product is advanced by every kernel call; a split step must advance it once.
        AssertSameAsOneThread<NAdam, float>(new NAdam(), n, degree);
        AssertSameAsOneThread<NAdam, double>(new NAdam(), n, degree);
    }

    [Fact]
    public void Rules_without_state_and_with_initial_state_split_too()
    {
        AssertSameAsOneThread<Sgd, float>(new Sgd { LearningRate = 0.1f }, 5 * PerThread + 3, 4);
        AssertSameAsOneThread<Adagrad, float>(new Adagrad { InitialAccumulator = 0.5f }, 5 * PerThread + 3, 4);
        AssertSameAsOneThread<Momentum, double>(new Momentum(), 5 * PerThread + 3, 4);
    }

    [Fact]
    public void Groups_split_each_large_range_and_keep_their_hyperparameters()
    {
        var layout = new ParameterLayout().Add("W1", 3 * PerThread + 11).Add("b1", 100).Add("W2", 2 * PerThread + 1).Add("b2", 7);
        (float[] W, double Scalar) Grouped(int degree)
        {
            var optimizer = new Optimizer<NAdam>(new NAdam { WeightDecay = 0.1f }, layout) { MaxDegreeOfParallelism = degree };
            optimizer.AddGroup(new NAdam { WeightDecay = 0 }, "b1", "b2");
            float[] w = Random<float>(layout.ParameterCount, 2);
            for (int step = 0; step < 3; step++)
            {
                optimizer.Step(w, Random<float>(layout.ParameterCount, 20 + step));
            }

            return (w, optimizer.ScalarState("mu_product"));
        }

        var one = Grouped(1);
        var two = Grouped(2);
        Assert.True(one.W.AsSpan().SequenceEqual(two.W));
        Assert.Equal(one.Scalar, two.Scalar);
    }

    [Fact]
    public void Two_optimizers_stepping_at_once_from_two_threads_both_get_the_one_thread_result()
    {
        // The worker team runs one job at a time; a step that finds it busy runs on its own thread instead.
        int n = 4 * PerThread + 9;
        var expected = Run<Adam, float>(new Adam(), n, 1);
        var results = new (float[] W, float[][] State, double[] Scalars)[4];
        Parallel.For(0, results.Length, i => results[i] = Run<Adam, float>(new Adam(), n, 2));
        foreach (var result in results)
        {
            Assert.True(expected.W.AsSpan().SequenceEqual(result.W));
            Assert.True(expected.State[1].AsSpan().SequenceEqual(result.State[1]));
        }
    }

    [Fact]
    public void A_split_step_allocates_nothing()
    {
        int n = 4 * PerThread;
        var optimizer = new Optimizer<Adam>(new Adam(), n) { MaxDegreeOfParallelism = 2 };
        float[] w = Random<float>(n, 1);
        float[] g = Random<float>(n, 2);
        optimizer.Step(w, g); // starts the workers

        // The smallest of up to three windows of 50 steps (see SteadyStateAllocation): one window caught 88 B once
        // under a load average of 30; a step that allocates would show in every window.
        long allocated = SteadyStateAllocation.Of(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                optimizer.Step(w, g);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(optimizer.StepCount is 1 + (2 * 50) or 1 + (3 * 50) or 1 + (4 * 50), $"StepCount {optimizer.StepCount}");
    }

    [Fact]
    public void A_degree_below_one_is_refused()
    {
        var optimizer = new Optimizer<Adam>(new Adam(), 10);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.MaxDegreeOfParallelism = 0);
        Assert.Equal("value", error.ParamName);
        Assert.Equal(1, optimizer.MaxDegreeOfParallelism);
    }

    [Fact]
    public void A_refused_split_step_changes_nothing()
    {
        int n = 4 * PerThread;
        var optimizer = new Optimizer<Adam>(new Adam(), n) { MaxDegreeOfParallelism = 2, NonFiniteGradients = NonFiniteGradientPolicy.Throw };
        float[] w = Random<float>(n, 1);
        float[] before = (float[])w.Clone();
        float[] g = Random<float>(n, 2);
        g[3 * PerThread] = float.NaN;
        Assert.Throws<ArgumentException>(() => optimizer.Step(w, g));
        Assert.Throws<ArgumentException>(() => optimizer.Step(w, g.AsSpan(1)));
        Assert.Equal(before, w);
        Assert.Equal(0, optimizer.StepCount);
        Assert.All(optimizer.State("m").ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public unsafe void The_worker_team_runs_every_part_once_and_passes_a_part_failure_to_the_caller()
    {
        WorkerTeam team = WorkerTeam.Shared;
        int parts = team.ThreadCount;
        int* counts = stackalloc int[parts];
        for (int round = 0; round < 100; round++)
        {
            team.Run(&CountPart, counts, parts);
        }

        for (int part = 0; part < parts; part++)
        {
            Assert.Equal(100, counts[part]);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => team.Run(&CountPart, counts, parts, team.ThreadCount + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => team.Run(&CountPart, counts, parts, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => team.Run(&CountPart, counts, 0));
        int* failing = stackalloc int[1];
        *failing = parts - 1;
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(&FailLastPart, failing, parts));
        Assert.Contains($"part {parts - 1}", error.Message);

        // The team still works after a failure.
        team.Run(&CountPart, counts, parts);
        Assert.Equal(101, counts[0]);
    }

    [Fact]
    public unsafe void Workers_take_on_the_callers_vector_path_limit()
    {
        WorkerTeam team = WorkerTeam.Shared;
        int parts = team.ThreadCount;
        int* seen = stackalloc int[parts];
        foreach (int bits in new[] { 128, 0, 256 })
        {
            using (VectorPaths.Limit(bits))
            {
                team.Run(&RecordLimit, seen, parts);
                int expected = VectorPaths.MaxBits;
                for (int part = 0; part < parts; part++)
                {
                    Assert.Equal(expected, seen[part]);
                }
            }
        }

        // Without a limit, the workers run without one again (MaxBits 512, the widest any kernel has).
        team.Run(&RecordLimit, seen, parts);
        for (int part = 0; part < parts; part++)
        {
            Assert.Equal(512, seen[part]);
        }
    }

    private static unsafe void RecordLimit(void* context, int part) => ((int*)context)[part] = VectorPaths.MaxBits;

    private static unsafe void CountPart(void* context, int part) => System.Threading.Interlocked.Increment(ref ((int*)context)[part]);

    private static unsafe void FailLastPart(void* context, int part)
    {
        if (part == *(int*)context)
        {
            throw new InvalidOperationException($"part {part} failed");
        }
    }
}
