using System.Collections.Concurrent;
using System.Numerics;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// Issue 11, observation 1's last case: "an exception in one part of a split step leaves the other half of the
/// weights and state updated, StepCount 0". A rule's own code (a getter with a body) now runs on the calling
/// thread only, so it cannot fail in one part; a fault inside a kernel part, which validation cannot prevent,
/// is named exactly (what may be half-applied) and the optimizer refuses to step or save from that state until
/// it is restored from a checkpoint or reset.
/// </summary>
public class SplitStepFailureTests
{
    private const int N = 65_536;

    [Fact]
    public void A_fault_in_one_part_of_a_split_step_is_named_and_steps_and_saves_are_refused_until_a_checkpoint_is_loaded()
    {
        var optimizer = new Optimizer<FaultingSgd>(new FaultingSgd { LearningRate = 0.5f }, N) { MaxDegreeOfParallelism = 2 };
        float[] w = Enumerable.Range(0, N).Select(i => (float)i).ToArray();
        float[] g = Enumerable.Repeat(1f, N).ToArray();
        var saved = new MemoryStream();
        optimizer.SaveCheckpoint(saved);
        float[] before = (float[])w.Clone();

        // The third part claimed (of 2 threads × 4 parts) throws; every other part runs to its end.
        var error = FaultingSgd.FailingCall(3, () => optimizer.Step(w, g));

        Assert.IsType<InjectedFault>(error.InnerException);
        Assert.Contains("Step 1 failed part-way", error.Message);
        Assert.Contains("StepCount stays 0", error.Message);
        Assert.Equal(0, optimizer.StepCount);
        Assert.True(optimizer.HasFailedStep);
        // Exactly what the message says: every part but the failing one was applied (8 parts of N / 8).
        int unchanged = w.Where((x, i) => x == before[i]).Count();
        Assert.Equal(N / 8, unchanged);
        Assert.Equal(N - N / 8, optimizer.State("sum").ToArray().Count(x => x == 1f));

        // From here, continuing or persisting would build on the half-applied step: both are refused.
        float[] half = (float[])w.Clone();
        var refused = Assert.Throws<InvalidOperationException>(() => optimizer.Step(w, g));
        Assert.Contains("step 1 failed part-way", refused.Message);
        Assert.Equal(half, w);
        Assert.Throws<InvalidOperationException>(() => optimizer.SaveCheckpoint(new MemoryStream()));

        // Restoring the checkpoint (and the parameters from the same point) puts everything back.
        optimizer.LoadCheckpoint(new MemoryStream(saved.ToArray()));
        Assert.False(optimizer.HasFailedStep);
        before.CopyTo(w, 0);
        optimizer.Step(w, g);
        Assert.Equal(1, optimizer.StepCount);
        Assert.All(w.Select((x, i) => (x, i)), p => Assert.Equal(p.i - 0.5f, p.x));
    }

    [Fact]
    public void A_fault_in_a_later_group_is_named_the_earlier_group_is_done_and_Reset_clears_the_refusal()
    {
        var layout = new ParameterLayout().Add("a", 100).Add("b", 100);
        var optimizer = new Optimizer<FaultingSgd>(new FaultingSgd { LearningRate = 1f }, layout);
        optimizer.AddGroup(new FaultingSgd { LearningRate = 2f }, "b");
        float[] w = new float[200];
        float[] g = Enumerable.Repeat(1f, 200).ToArray();

        var error = FaultingSgd.FailingCall(2, () => optimizer.Step(w, g));

        Assert.Contains("groups before the failing one are done", error.Message);
        Assert.All(w.Take(100), x => Assert.Equal(-1f, x));
        Assert.All(w.Skip(100), x => Assert.Equal(0f, x));
        Assert.True(optimizer.HasFailedStep);

        optimizer.Reset();
        Assert.False(optimizer.HasFailedStep);
        Array.Clear(w);
        optimizer.Step(w, g);
        Assert.Equal(-1f, w[0]);
        Assert.Equal(-2f, w[199]);
    }

    [Fact]
    public void A_rule_whose_getters_run_code_is_read_on_the_calling_thread_only_and_gives_the_same_bits()
    {
        float[] g = Enumerable.Range(0, N).Select(i => MathF.Sin(i)).ToArray();
        float[] split = new float[N], single = new float[N];
        var one = new Optimizer<WatchedScale>(new WatchedScale(), N);
        var many = new Optimizer<WatchedScale>(new WatchedScale(), N) { MaxDegreeOfParallelism = 2 };
        WatchedScale.Readers.Clear();
        for (int step = 0; step < 20; step++)
        {
            one.Step(single, g);
            many.Step(split, g);
        }

        Assert.Equal([Environment.CurrentManagedThreadId], WatchedScale.Readers.Keys.Order());
        Assert.Equal(single, split);
    }

    [Fact]
    public void Generated_rules_with_auto_properties_still_split()
    {
        Assert.False(IOptimizerRuleFacts<NumKit.Optimizers.Adam>.HasComputedHyperparameters);
        Assert.True(IOptimizerRuleFacts<WatchedScale>.HasComputedHyperparameters);
    }

    private static class IOptimizerRuleFacts<TRule>
        where TRule : struct, IOptimizerRule<TRule>
    {
        public static bool HasComputedHyperparameters => TRule.HasComputedHyperparameters;
    }
}

/// <summary>Thrown by <see cref="FaultingSgd"/> where a test asks: a fault inside a kernel part.</summary>
public sealed class InjectedFault(string message) : Exception(message);

/// <summary>
/// SGD with a running sum of gradients as its state, written by hand (not generated) so a test can make one kernel
/// call throw: the n-th call after <see cref="FailingCall"/> arms it.
/// </summary>
public struct FaultingSgd : IOptimizerRule<FaultingSgd>
{
    private static int s_callsUntilFault;

    public FaultingSgd()
    {
    }

    public float LearningRate { get; set; } = 0.1f;

    public static string Equations => "sum = sum + g\nw = w - LearningRate * g";

    public static IReadOnlyList<string> StateNames { get; } = ["sum"];

    public static IReadOnlyList<string> ScalarStateNames { get; } = [];

    public static IReadOnlyList<string> HyperparameterNames { get; } = ["LearningRate"];

    /// <summary>Runs <paramref name="call"/> with the <paramref name="n"/>-th kernel call in it throwing; returns what the optimizer threw.</summary>
    public static InvalidOperationException FailingCall(int n, Action call)
    {
        Volatile.Write(ref s_callsUntilFault, n);
        try
        {
            return Assert.Throws<InvalidOperationException>(call);
        }
        finally
        {
            Volatile.Write(ref s_callsUntilFault, 0);
        }
    }

    public float GetHyperparameter(int index) => LearningRate;

    public void SetHyperparameter(int index, float value) => LearningRate = value;

    public double InitialState(int index) => 0;

    public double InitialScalarState(int index) => 0;

    public static void Step(in FaultingSgd rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, Span<double> scalarState)
        => Update(rule.LearningRate, w, g, state.Slice(0, w.Length));

    public static void Step(in FaultingSgd rule, int t, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, Span<double> scalarState)
        => Update(rule.LearningRate, w, g, state.Slice(0, w.Length));

    private static void Update<T>(float learningRate, Span<T> w, ReadOnlySpan<T> g, Span<T> sum)
        where T : IFloatingPointIeee754<T>
    {
        if (Volatile.Read(ref s_callsUntilFault) > 0 && Interlocked.Decrement(ref s_callsUntilFault) == 0)
        {
            throw new InjectedFault("a kernel part failed");
        }

        for (int i = 0; i < w.Length; i++)
        {
            sum[i] += g[i];
            w[i] -= T.CreateChecked(learningRate) * g[i];
        }
    }
}

/// <summary>A generated rule whose Scale getter runs code: it records the thread that reads it.</summary>
[Optimizer("w = w - LearningRate * Scale * g")]
public partial struct WatchedScale
{
    private float _scale = 0.5f;

    public static ConcurrentDictionary<int, int> Readers { get; } = new();

    public float LearningRate { get; set; } = 0.01f;

    public float Scale
    {
        get
        {
            Readers.TryAdd(Environment.CurrentManagedThreadId, 0);
            return _scale;
        }

        set => _scale = value;
    }
}
