using NumKit.Optimizers;

namespace NumKit.Tests.Optimizers;

/// <summary>
/// The switch between ScheduleFreeAdamW's training weights y and evaluation weights x (schedulefree's eval()/train()):
/// x as the source computes it, per group's β1; idempotent both ways; y restored bit for bit; steps refused while the
/// parameters hold x; bad calls refused with nothing changed.
/// </summary>
public class ScheduleFreeWeightsTests
{
    private static ParameterLayout Layout() => new ParameterLayout().Add("W", 3, 7).Add("b", 7).Add("c", 40);

    private static (Optimizer<ScheduleFreeAdamW> Optimizer, ParameterSet Set) Trained(int steps, float beta1OfB = 0.9f)
    {
        var set = new ParameterSet(Layout());
        var random = new Random(3);
        for (int i = 0; i < set.Values.Length; i++)
        {
            set.Values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var optimizer = new Optimizer<ScheduleFreeAdamW>(new ScheduleFreeAdamW { LearningRate = 0.05f }, set.Layout);
        if (beta1OfB != 0.9f)
        {
            optimizer.AddGroup(new ScheduleFreeAdamW { LearningRate = 0.05f, Beta1 = beta1OfB }, "b");
        }

        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < set.Gradients.Length; i++)
            {
                set.Gradients[i] = (float)(random.NextDouble() * 2 - 1);
            }

            optimizer.Step(set);
        }

        return (optimizer, set);
    }

    [Fact]
    public void Evaluation_weights_are_y_moved_toward_z_by_1_minus_1_over_beta1_with_each_groups_beta1()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(5, beta1OfB: 0.7f);
        float[] y = set.Values.ToArray();
        optimizer.ToEvaluationWeights(set);

        Assert.True(optimizer.HoldsEvaluationWeights());
        foreach (ParameterTensor tensor in set.Layout)
        {
            double beta1 = tensor.Name == "b" ? 0.7f : 0.9f;
            float[] z = optimizer.State("z", tensor.Name).ToArray();
            for (int i = 0; i < tensor.Length; i++)
            {
                double yi = y[tensor.Offset + i];
                Assert.Equal((float)(yi + (1 - 1 / beta1) * (z[i] - yi)), set.Values[tensor.Offset + i]);
            }
        }

        Assert.NotEqual(y, set.Values.ToArray());
    }

    [Fact]
    public void Switching_is_idempotent_both_ways_and_puts_y_back_bit_for_bit()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(4);
        float[] y = set.Values.ToArray();

        optimizer.ToTrainingWeights(set); // already training: nothing
        Assert.Equal(y, set.Values.ToArray());

        optimizer.ToEvaluationWeights(set);
        float[] x = set.Values.ToArray();
        optimizer.ToEvaluationWeights(set); // already evaluating: x stays x, not x moved again
        Assert.Equal(x, set.Values.ToArray());

        optimizer.ToTrainingWeights(set);
        Assert.False(optimizer.HoldsEvaluationWeights());
        Assert.Equal(y.Select(BitConverter.SingleToInt32Bits), set.Values.ToArray().Select(BitConverter.SingleToInt32Bits));
        optimizer.ToTrainingWeights(set);
        Assert.Equal(y, set.Values.ToArray());
    }

    [Fact]
    public void Evaluating_between_steps_leaves_training_bit_for_bit_the_same()
    {
        (Optimizer<ScheduleFreeAdamW> straight, ParameterSet straightSet) = Trained(3);
        (Optimizer<ScheduleFreeAdamW> evaluated, ParameterSet evaluatedSet) = Trained(3);
        evaluated.ToEvaluationWeights(evaluatedSet);
        evaluated.ToTrainingWeights(evaluatedSet);

        straightSet.Gradients.Fill(0.25f);
        evaluatedSet.Gradients.Fill(0.25f);
        straight.Step(straightSet);
        evaluated.Step(evaluatedSet);

        Assert.Equal(straightSet.Values.ToArray(), evaluatedSet.Values.ToArray());
        Assert.Equal(straight.State("z").ToArray(), evaluated.State("z").ToArray());
    }

    [Fact]
    public void A_step_while_the_parameters_hold_x_is_refused_and_changes_nothing()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(2);
        optimizer.ToEvaluationWeights(set);
        float[] x = set.Values.ToArray();
        float[] z = optimizer.State("z").ToArray();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => optimizer.Step(set));

        Assert.Contains("ToTrainingWeights", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, optimizer.StepCount);
        Assert.Equal(x, set.Values.ToArray());
        Assert.Equal(z, optimizer.State("z").ToArray());
        optimizer.ToTrainingWeights(set);
        optimizer.Step(set);
        Assert.Equal(3, optimizer.StepCount);
    }

    [Fact]
    public void Before_the_first_step_x_is_y()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(0);
        float[] y = set.Values.ToArray();
        optimizer.ToEvaluationWeights(set);
        Assert.True(optimizer.HoldsEvaluationWeights());
        Assert.Equal(y, set.Values.ToArray());
        optimizer.ToTrainingWeights(set);
        Assert.Equal(y, set.Values.ToArray());
    }

    [Fact]
    public void Reset_and_loading_a_checkpoint_take_the_parameters_as_they_are()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(2);
        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);

        optimizer.ToEvaluationWeights(set);
        stream.Position = 0;
        optimizer.LoadCheckpoint(stream);
        Assert.False(optimizer.HoldsEvaluationWeights());

        optimizer.ToEvaluationWeights(set);
        optimizer.Reset();
        Assert.False(optimizer.HoldsEvaluationWeights());
        optimizer.Step(set);
        Assert.Equal(1, optimizer.StepCount);
    }

    [Fact]
    public void Parameters_of_another_size_or_layout_are_refused_and_nothing_changes()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(2);
        float[] y = set.Values.ToArray();

        Assert.Throws<ArgumentException>(() => optimizer.ToEvaluationWeights(new float[set.Values.Length - 1]));
        Assert.Throws<ArgumentException>(() => optimizer.ToEvaluationWeights(new ParameterSet(new ParameterLayout().Add("other", set.Values.Length))));
        Assert.False(optimizer.HoldsEvaluationWeights());
        Assert.Equal(y, set.Values.ToArray());

        optimizer.ToEvaluationWeights(set);
        Assert.Throws<ArgumentException>(() => optimizer.ToTrainingWeights(new float[3]));
        Assert.True(optimizer.HoldsEvaluationWeights());
    }

    [Fact]
    public void After_the_first_switch_switching_allocates_nothing()
    {
        (Optimizer<ScheduleFreeAdamW> optimizer, ParameterSet set) = Trained(2);
        optimizer.ToEvaluationWeights(set); // allocates the buffer y waits in, once
        optimizer.ToTrainingWeights(set);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            optimizer.ToEvaluationWeights(set);
            optimizer.ToTrainingWeights(set);
            optimizer.Step(set);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
