using NumKit.Optimizers;

namespace NumKit.Tests.Training;

public class NonFiniteGuardTests
{
    private const int N = 37; // a vector tail on every path

    private static float[] Finite(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, N).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    // Everything a step could change: parameters, every state buffer, the per-step state, the counts.
    private static (float[] W, float[] M, float[] V, double MuProduct, int Steps) Snapshot(Optimizer<NAdam> optimizer, float[] w)
        => ((float[])w.Clone(), optimizer.State("m").ToArray(), optimizer.State("v").ToArray(), optimizer.ScalarState("mu_product"), optimizer.StepCount);

    public static IEnumerable<object[]> BadGradients()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            foreach (int at in new[] { 0, 17, N - 1 })
            {
                yield return new object[] { bad, at };
            }
        }
    }

    [Theory]
    [MemberData(nameof(BadGradients))]
    public void Skip_leaves_parameters_state_and_step_count_untouched_and_counts_the_skip(float bad, int at)
    {
        var optimizer = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, N) { NonFiniteGradients = NonFiniteGradientPolicy.SkipStep };
        var twin = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, N);
        float[] w = Finite(1), twinW = Finite(1);
        optimizer.Step(w, Finite(2));
        twin.Step(twinW, Finite(2));

        var before = Snapshot(optimizer, w);
        float[] g = Finite(3);
        g[at] = bad;
        optimizer.Step(w, g);
        var after = Snapshot(optimizer, w);
        Assert.Equal(before.W, after.W);
        Assert.Equal(before.M, after.M);
        Assert.Equal(before.V, after.V);
        Assert.Equal(before.MuProduct, after.MuProduct);
        Assert.Equal(1, after.Steps);
        Assert.Equal(1, optimizer.SkippedStepCount);

        // The run goes on as if the bad step never came.
        optimizer.Step(w, Finite(4));
        twin.Step(twinW, Finite(4));
        Assert.Equal(twinW, w);
        Assert.Equal(2, optimizer.StepCount);
        Assert.Equal(1, optimizer.SkippedStepCount);
    }

    [Theory]
    [MemberData(nameof(BadGradients))]
    public void Throw_names_the_tensor_index_and_value_and_changes_nothing(float bad, int at)
    {
        var layout = new ParameterLayout().Add("W1", 5, 4).Add("b1", 17);
        var optimizer = new Optimizer<NAdam>(new NAdam(), layout) { NonFiniteGradients = NonFiniteGradientPolicy.Throw };
        float[] w = Finite(1);
        optimizer.Step(w, Finite(2));
        var before = Snapshot(optimizer, w);
        float[] g = Finite(3);
        g[at] = bad;

        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(w, g));
        Assert.Equal("gradients", error.ParamName);
        string tensor = at < 20 ? "W1" : "b1";
        int index = at < 20 ? at : at - 20;
        Assert.Contains($"gradient of '{tensor}' at index {index} (element {at} of {N}) is {bad}", error.Message);
        var after = Snapshot(optimizer, w);
        Assert.Equal(before.W, after.W);
        Assert.Equal(before.M, after.M);
        Assert.Equal(before.MuProduct, after.MuProduct);
        Assert.Equal(1, after.Steps);
        Assert.Equal(0, optimizer.SkippedStepCount);
    }

    [Fact]
    public void Unchecked_lets_a_nan_through_as_pytorch_does()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd(), N);
        Assert.Equal(NonFiniteGradientPolicy.Unchecked, optimizer.NonFiniteGradients);
        float[] w = Finite(1), g = Finite(2);
        g[5] = float.NaN;
        optimizer.Step(w, g);
        Assert.True(float.IsNaN(w[5]));
        Assert.False(float.IsNaN(w[4]));
        Assert.Equal(1, optimizer.StepCount);
    }

    [Fact]
    public void Reset_clears_the_skip_count()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd(), 1) { NonFiniteGradients = NonFiniteGradientPolicy.SkipStep };
        optimizer.Step(new float[1], new[] { float.NaN });
        Assert.Equal(1, optimizer.SkippedStepCount);
        optimizer.Reset();
        Assert.Equal(0, optimizer.SkippedStepCount);
    }

    [Fact]
    public void A_guarded_step_allocates_nothing_whether_it_steps_or_skips()
    {
        var optimizer = new Optimizer<Adam, double>(new Adam(), 1000) { NonFiniteGradients = NonFiniteGradientPolicy.SkipStep };
        double[] w = new double[1000], good = Enumerable.Repeat(0.5, 1000).ToArray(), bad = (double[])good.Clone();
        bad[999] = double.PositiveInfinity;
        optimizer.Step(w, good);
        optimizer.Step(w, bad);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            optimizer.Step(w, good);
            optimizer.Step(w, bad);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(51, optimizer.StepCount);
        Assert.Equal(51, optimizer.SkippedStepCount);
    }
}
