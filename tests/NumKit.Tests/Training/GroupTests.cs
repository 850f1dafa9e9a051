using NumKit.Optimizers;

namespace NumKit.Tests.Training;

public class GroupTests
{
    // W1 and W2 decay, the biases do not: the classic split.
    private static readonly ParameterLayout s_layout = new ParameterLayout()
        .Add("W1", 8, 3)
        .Add("b1", 8)
        .Add("W2", 2, 8)
        .Add("b2", 2);

    private static float[][] Gradients(int steps, int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    /// <summary>Steps every tensor with its own optimizer and rule: what grouped stepping must equal, bit for bit.</summary>
    private static float[] PerTensor<TRule>(float[] w0, float[][] gradients, Func<string, TRule> ruleOf)
        where TRule : struct, IOptimizerRule<TRule>
    {
        float[] w = (float[])w0.Clone();
        foreach (ParameterTensor tensor in s_layout)
        {
            var optimizer = new Optimizer<TRule>(ruleOf(tensor.Name), tensor.Length);
            foreach (float[] g in gradients)
            {
                optimizer.Step(w.AsSpan(tensor.Offset, tensor.Length), g.AsSpan(tensor.Offset, tensor.Length));
            }
        }

        return w;
    }

    private static float[] Grouped<TRule>(Optimizer<TRule> optimizer, float[] w0, float[][] gradients)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var set = new ParameterSet(s_layout);
        w0.CopyTo(set.Values);
        foreach (float[] g in gradients)
        {
            g.CopyTo(set.Gradients);
            optimizer.Step(set);
        }

        return set.Values.ToArray();
    }

    [Fact]
    public void Biases_without_weight_decay_match_separate_optimizers_bit_for_bit()
    {
        float[] w0 = Gradients(1, s_layout.ParameterCount, 1)[0];
        float[][] gradients = Gradients(5, s_layout.ParameterCount, 2);
        var decay = new AdamW { LearningRate = 0.05f, WeightDecay = 0.1f };
        var optimizer = new Optimizer<AdamW>(decay, s_layout);
        int biases = optimizer.AddGroup(decay with { WeightDecay = 0 }, "b1", "b2");

        Assert.Equal(1, biases);
        Assert.Equal(2, optimizer.GroupCount);
        Assert.Equal(4, optimizer.RangeCount);
        Assert.Equal(new[] { "W1", "W2" }, optimizer.GroupTensors(0));
        Assert.Equal(new[] { "b1", "b2" }, optimizer.GroupTensors(1));
        Assert.Equal(1, optimizer.GroupOf("b2"));

        float[] expected = PerTensor(w0, gradients, name => name.StartsWith('b') ? decay with { WeightDecay = 0 } : decay);
        Assert.Equal(expected, Grouped(optimizer, w0, gradients));

        // And the biases' weight decay really was off: with decay everywhere, the biases come out differently.
        float[] decayedEverywhere = PerTensor(w0, gradients, _ => decay);
        ParameterTensor b1 = s_layout["b1"];
        Assert.False(expected.AsSpan(b1.Offset, b1.Length).SequenceEqual(decayedEverywhere.AsSpan(b1.Offset, b1.Length)));
    }

    [Fact]
    public void A_group_split_into_several_ranges_advances_its_per_step_state_once_per_step()
    {
        // NAdam's mu_product is per-step state: W1 and W2 are one group in two ranges, b1 and b2 the other.
        float[] w0 = Gradients(1, s_layout.ParameterCount, 3)[0];
        float[][] gradients = Gradients(6, s_layout.ParameterCount, 4);
        var weights = new NAdam { LearningRate = 0.01f, Beta1 = 0.8f };
        var biases = new NAdam { LearningRate = 0.02f, Beta1 = 0.95f };
        var optimizer = new Optimizer<NAdam>(weights, s_layout);
        optimizer.AddGroup(biases, "b1", "b2");

        float[] expected = PerTensor(w0, gradients, name => name.StartsWith('b') ? biases : weights);
        Assert.Equal(expected, Grouped(optimizer, w0, gradients));

        var alone = new Optimizer<NAdam>(weights, 1);
        var aloneBias = new Optimizer<NAdam>(biases, 1);
        for (int i = 0; i < gradients.Length; i++)
        {
            alone.Step(new float[1], new float[] { 1 });
            aloneBias.Step(new float[1], new float[] { 1 });
        }

        Assert.Equal(alone.ScalarState("mu_product"), optimizer.ScalarState("mu_product", 0));
        Assert.Equal(aloneBias.ScalarState("mu_product"), optimizer.ScalarState("mu_product", 1));
    }

    [Fact]
    public void Each_group_starts_its_state_from_its_own_initial_value()
    {
        var optimizer = new Optimizer<Adagrad>(new Adagrad { InitialAccumulator = 0.5f }, s_layout);
        optimizer.AddGroup(new Adagrad { InitialAccumulator = 2f }, "W2");
        Assert.All(optimizer.State("sum", "W1").ToArray(), x => Assert.Equal(0.5f, x));
        Assert.All(optimizer.State("sum", "W2").ToArray(), x => Assert.Equal(2f, x));
        Assert.All(optimizer.State("sum", "b2").ToArray(), x => Assert.Equal(0.5f, x));

        float[] w0 = Gradients(1, s_layout.ParameterCount, 5)[0];
        float[][] gradients = Gradients(3, s_layout.ParameterCount, 6);
        float[] expected = PerTensor(w0, gradients, name => new Adagrad { InitialAccumulator = name == "W2" ? 2f : 0.5f });
        Assert.Equal(expected, Grouped(optimizer, w0, gradients));
    }

    [Fact]
    public void State_is_reached_by_tensor_name_and_the_whole_buffer_only_without_groups()
    {
        var optimizer = new Optimizer<Adam>(new Adam(), s_layout);
        Assert.Equal(s_layout.ParameterCount, optimizer.State("m").Length);
        optimizer.AddGroup(new Adam(), "b1");
        var error = Assert.Throws<InvalidOperationException>(() => optimizer.State("m"));
        Assert.Contains("State(name, tensorName)", error.Message);
        Assert.Equal(8, optimizer.State("v", "b1").Length);
        Assert.Equal("tensorName", Assert.Throws<ArgumentException>(() => optimizer.State("v", "b3")).ParamName);
        Assert.Contains("no state buffer named 'u'; it has: m, v", Assert.Throws<ArgumentException>(() => optimizer.State("u", "b1")).Message);
    }

    [Fact]
    public void Setting_the_learning_rate_sets_every_groups_and_a_group_rule_is_reached_by_reference()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd { LearningRate = 0.1f }, s_layout);
        optimizer.AddGroup(new Sgd { LearningRate = 0.2f, WeightDecay = 0.5f }, "b1");
        Assert.Equal(0.1f, optimizer.LearningRate);
        optimizer.LearningRate = 0.03f;
        Assert.Equal(0.03f, optimizer.GroupRule(0).LearningRate);
        Assert.Equal(0.03f, optimizer.GroupRule(1).LearningRate);
        optimizer.GroupRule(1).WeightDecay = 0.25f;
        Assert.Equal(0.25f, optimizer.GroupRule(1).WeightDecay);
        Assert.Equal(0f, optimizer.Rule.WeightDecay);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.GroupRule(2));
    }

    [Fact]
    public void Bad_groups_are_refused_and_change_nothing()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd(), s_layout);
        optimizer.AddGroup(new Sgd(), "b1");

        Assert.Contains("no tensor named 'b3'", Assert.Throws<ArgumentException>(() => optimizer.AddGroup(new Sgd(), "b2", "b3")).Message);
        Assert.Contains("'b2' is named twice", Assert.Throws<ArgumentException>(() => optimizer.AddGroup(new Sgd(), "b2", "b2")).Message);
        Assert.Contains("'b1' is already in group 1", Assert.Throws<ArgumentException>(() => optimizer.AddGroup(new Sgd(), "b2", "b1")).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => optimizer.AddGroup(new Sgd())).Message);
        Assert.Equal(2, optimizer.GroupCount);
        Assert.Equal(0, optimizer.GroupOf("b2"));

        var set = new ParameterSet(s_layout);
        optimizer.Step(set);
        var late = Assert.Throws<InvalidOperationException>(() => optimizer.AddGroup(new Sgd(), "b2"));
        Assert.Contains("before the first step; 1 step(s)", late.Message);
        optimizer.Reset();
        Assert.Equal(2, optimizer.AddGroup(new Sgd(), "b2"));
    }

    [Fact]
    public void A_grouped_step_allocates_nothing()
    {
        var optimizer = new Optimizer<NAdam>(new NAdam(), s_layout);
        optimizer.AddGroup(new NAdam { WeightDecay = 0.1f }, "b1", "b2");
        var set = new ParameterSet(s_layout);
        set.Gradients.Fill(0.5f);
        optimizer.Step(set);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            optimizer.Step(set);
            optimizer.Step(set.Values, set.Gradients);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101, optimizer.StepCount);
    }
}
