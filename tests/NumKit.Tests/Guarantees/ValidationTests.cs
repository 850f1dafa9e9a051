using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// Issue 11, observations 1 and 3: NaN, negative or out-of-range hyperparameters were accepted and turned weights
/// into NaN; checkpoints with NaN hyperparameters, a negative second moment or StepCount = int.MaxValue loaded;
/// overlapping spans gave results that depended on the split.
/// </summary>
public class ValidationTests
{
    private static (Optimizer<Adam> Optimizer, float[] W, float[] G) Stepped()
    {
        var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 0.01f }, 8) { NonFiniteGradients = NonFiniteGradientPolicy.Throw };
        float[] w = [1, 2, 3, 4, 5, 6, 7, 8];
        float[] g = [1, -1, 1, -1, 1, -1, 1, -1];
        optimizer.Step(w, g);
        return (optimizer, w, g);
    }

    private static void AssertUnchanged(Optimizer<Adam> optimizer, float[] w, float[] before, float[] m, float[] v)
    {
        Assert.Equal(before, w);
        Assert.Equal(1, optimizer.StepCount);
        Assert.Equal(m, optimizer.State("m").ToArray());
        Assert.Equal(v, optimizer.State("v").ToArray());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    [InlineData(float.PositiveInfinity)]
    public void A_bad_learning_rate_is_refused_when_set_naming_it_and_the_value(float value)
    {
        (Optimizer<Adam> optimizer, _, _) = Stepped();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = value);
        Assert.Contains("Adam.LearningRate", error.Message);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Equal(0.01f, optimizer.LearningRate);
    }

    [Theory]
    [InlineData("LearningRate", float.NaN)]
    [InlineData("Beta2", 1f)]
    [InlineData("Beta1", -0.5f)]
    [InlineData("Epsilon", -1e-8f)]
    [InlineData("WeightDecay", float.NegativeInfinity)]
    public void A_hyperparameter_set_through_Rule_is_refused_at_the_next_step_and_nothing_changes(string name, float value)
    {
        (Optimizer<Adam> optimizer, float[] w, float[] g) = Stepped();
        float[] before = (float[])w.Clone(), m = optimizer.State("m").ToArray(), v = optimizer.State("v").ToArray();
        int index = TRuleIndex<Adam>(name);
        Set(ref optimizer.Rule, index, value);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(w, g));

        Assert.Contains($"Adam.{name}", error.Message);
        AssertUnchanged(optimizer, w, before, m, v);
    }

    [Fact]
    public void A_rule_out_of_range_is_refused_by_the_constructor_and_by_AddGroup()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Optimizer<Adam>(new Adam { Beta2 = 1.5f }, 4));
        var optimizer = new Optimizer<Adam>(new Adam(), new ParameterLayout().Add("a", 2).Add("b", 2));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.AddGroup(new Adam { LearningRate = -1 }, "b"));
        Assert.Contains("LearningRate", error.Message);
        Assert.Equal(1, optimizer.GroupCount);
    }

    [Fact]
    public void A_checkpoint_with_a_NaN_hyperparameter_is_refused()
    {
        (Optimizer<Adam> source, _, _) = Stepped();
        byte[] bytes = WithHyperparameter(source, "Beta1", float.NaN);
        (Optimizer<Adam> target, float[] w, _) = Stepped();
        float[] before = (float[])w.Clone(), m = target.State("m").ToArray(), v = target.State("v").ToArray();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => target.LoadCheckpoint(new MemoryStream(bytes)));

        Assert.Contains("Beta1", error.Message);
        AssertUnchanged(target, w, before, m, v);
    }

    [Fact]
    public void A_checkpoint_with_a_negative_second_moment_is_refused()
    {
        (Optimizer<Adam> source, _, _) = Stepped();
        source.State("v")[3] = -1f;
        var saved = new MemoryStream();
        source.SaveCheckpoint(saved);
        (Optimizer<Adam> target, float[] w, _) = Stepped();
        float[] before = (float[])w.Clone(), m = target.State("m").ToArray(), v = target.State("v").ToArray();

        var error = Assert.Throws<ArgumentException>(() => target.LoadCheckpoint(new MemoryStream(saved.ToArray())));

        Assert.Contains("'v' holds -1 at element 3", error.Message);
        AssertUnchanged(target, w, before, m, v);
    }

    [Fact]
    public void A_checkpoint_at_the_largest_step_count_is_refused_and_a_step_there_is_a_clear_error()
    {
        (Optimizer<Adam> source, _, _) = Stepped();
        byte[] bytes = WithStepCount(source, int.MaxValue);
        (Optimizer<Adam> target, _, _) = Stepped();
        var error = Assert.Throws<ArgumentException>(() => target.LoadCheckpoint(new MemoryStream(bytes)));
        Assert.Contains("no further step", error.Message);
        Assert.Equal(1, target.StepCount);
    }

    [Fact]
    public void Gradients_overlapping_the_parameters_at_an_offset_are_refused_before_anything_is_written()
    {
        // The case: w = buf[0..100), g = buf[20..120), with parameter groups.
        float[] buffer = Enumerable.Range(0, 120).Select(i => (float)i / 100).ToArray();
        float[] original = (float[])buffer.Clone();
        var optimizer = new Optimizer<Adam>(new Adam(), new ParameterLayout().Add("a", 10).Add("b", 90));
        optimizer.AddGroup(new Adam { LearningRate = 0.1f }, "b");

        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(buffer.AsSpan(0, 100), buffer.AsSpan(20, 100)));

        Assert.Equal("gradients", error.ParamName);
        Assert.Equal(original, buffer);
        Assert.Equal(0, optimizer.StepCount);
        Assert.All(optimizer.State("m", "a").ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void A_split_step_with_gradients_overlapping_by_half_is_refused()
    {
        const int N = 65_536;
        float[] buffer = Enumerable.Range(0, N + N / 2).Select(i => MathF.Sin(i)).ToArray();
        float[] original = (float[])buffer.Clone();
        var optimizer = new Optimizer<Adam>(new Adam(), N) { MaxDegreeOfParallelism = 2 };
        Assert.Throws<ArgumentException>(() => optimizer.Step(buffer.AsSpan(0, N), buffer.AsSpan(N / 2, N)));
        Assert.Equal(original, buffer);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Fact]
    public void The_same_memory_as_parameters_and_gradients_is_refused_too()
    {
        float[] w = [1, 2, 3];
        var optimizer = new Optimizer<Sgd>(new Sgd { LearningRate = 0.5f }, 3);
        Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => optimizer.Step(w, w)).ParamName);
        Assert.Equal([1f, 2f, 3f], w);
    }

    // The rule's members are explicit interface implementations: reach them through the constraint.
    private static void Set<TRule>(ref TRule rule, int index, float value)
        where TRule : struct, IOptimizerRule<TRule>
        => rule.SetHyperparameter(index, value);

    private static int TRuleIndex<TRule>(string name)
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.HyperparameterNames.ToList().IndexOf(name);

    // A checkpoint whose hyperparameter is changed and whose checksum is valid: saved from a copy of the optimizer.
    private static byte[] WithHyperparameter(Optimizer<Adam> source, string name, float value)
    {
        var saved = new MemoryStream();
        source.SaveCheckpoint(saved);
        var copy = new Optimizer<Adam>(new Adam(), source.ParameterCount);
        copy.LoadCheckpoint(new MemoryStream(saved.ToArray()));
        Set(ref copy.Rule, TRuleIndex<Adam>(name), value); // bypasses the setter; the save does not check
        var bad = new MemoryStream();
        copy.SaveCheckpoint(bad);
        return bad.ToArray();
    }

    // The step count sits after the header, the rule name and the element size; the checksum is recomputed.
    private static byte[] WithStepCount(Optimizer<Adam> source, int stepCount)
    {
        var saved = new MemoryStream();
        source.SaveCheckpoint(saved);
        byte[] bytes = saved.ToArray();
        int at = FindInt32(bytes, source.StepCount);
        BitConverter.GetBytes(stepCount).CopyTo(bytes, at);
        Rehash(bytes);
        return bytes;
    }

    private static int FindInt32(byte[] bytes, int value)
    {
        // After the 8 magic bytes, the version and the length-prefixed rule name and the element size byte.
        int nameLength = BitConverter.ToInt32(bytes, 12);
        int at = 16 + nameLength + 1;
        Assert.Equal(value, BitConverter.ToInt32(bytes, at));
        return at;
    }

    // FNV-1a 64 over every byte before the trailing hash, as CheckpointFormat writes it.
    private static void Rehash(byte[] bytes)
    {
        ulong hash = 14695981039346656037UL;
        for (int i = 0; i < bytes.Length - 8; i++)
        {
            hash = (hash ^ bytes[i]) * 1099511628211UL;
        }

        BitConverter.GetBytes(hash).CopyTo(bytes, bytes.Length - 8);
    }
}
