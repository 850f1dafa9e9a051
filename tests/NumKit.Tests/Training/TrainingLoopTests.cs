using NumKit.Optimizers;

namespace NumKit.Tests.Training;

/// <summary>The README's training section as one run: a two-layer network fitted with every feature on.</summary>
public class TrainingLoopTests
{
    private const int Hidden = 8;

    // y = sin(x) on [-2, 2]: W1 [8, 1], b1 [8], W2 [1, 8], b2 [1], tanh hidden layer, squared error.
    private static float LossAndGradients(ParameterSet model, float[] xs, float[] ys)
    {
        model.ZeroGradients();
        ReadOnlySpan<float> W1 = model["W1"], b1 = model["b1"], W2 = model["W2"];
        float b2 = model["b2"][0];
        Span<float> dW1 = model.Gradient("W1"), db1 = model.Gradient("b1"), dW2 = model.Gradient("W2"), db2 = model.Gradient("b2");
        Span<float> h = stackalloc float[Hidden];
        float loss = 0;
        for (int n = 0; n < xs.Length; n++)
        {
            float y = b2;
            for (int j = 0; j < Hidden; j++)
            {
                h[j] = MathF.Tanh(W1[j] * xs[n] + b1[j]);
                y += W2[j] * h[j];
            }

            float error = y - ys[n];
            loss += error * error / xs.Length;
            float dy = 2 * error / xs.Length;
            db2[0] += dy;
            for (int j = 0; j < Hidden; j++)
            {
                dW2[j] += dy * h[j];
                float dz = dy * W2[j] * (1 - h[j] * h[j]);
                dW1[j] += dz * xs[n];
                db1[j] += dz;
            }
        }

        return loss;
    }

    [Fact]
    public void A_network_trains_with_groups_clipping_the_guard_and_a_checkpoint_midway_and_resumes_exactly()
    {
        ParameterLayout layout = new ParameterLayout().Add("W1", Hidden, 1).Add("b1", Hidden).Add("W2", 1, Hidden).Add("b2", 1);
        float[] xs = Enumerable.Range(0, 32).Select(i => -2 + 4 * i / 31f).ToArray();
        float[] ys = xs.Select(MathF.Sin).ToArray();

        (ParameterSet Model, Optimizer<AdamW> Optimizer) Create()
        {
            var model = new ParameterSet(layout);
            var random = new Random(1);
            for (int i = 0; i < model.Values.Length; i++)
            {
                model.Values[i] = (float)(random.NextDouble() - 0.5);
            }

            var optimizer = new Optimizer<AdamW>(new AdamW { LearningRate = 0.05f, WeightDecay = 0.01f }, layout)
            {
                NonFiniteGradients = NonFiniteGradientPolicy.SkipStep,
            };
            optimizer.AddGroup(optimizer.Rule with { WeightDecay = 0 }, "b1", "b2");
            return (model, optimizer);
        }

        void Train((ParameterSet Model, Optimizer<AdamW> Optimizer) run, int from, int to)
        {
            for (int step = from; step < to; step++)
            {
                LossAndGradients(run.Model, xs, ys);
                if (step == 30)
                {
                    run.Model.Gradient("W2")[3] = float.NaN; // one bad batch
                }

                GradientClipping.ClipByGlobalNorm(run.Model.Gradients, 1f);
                run.Optimizer.Step(run.Model);
            }
        }

        var straight = Create();
        float initial = LossAndGradients(straight.Model, xs, ys);
        Train(straight, 0, 300);
        float final = LossAndGradients(straight.Model, xs, ys);
        Assert.True(final < initial / 20, $"the loss went from {initial} to {final}");
        Assert.Equal(299, straight.Optimizer.StepCount);
        Assert.Equal(1, straight.Optimizer.SkippedStepCount);

        // Stop at 150, save weights and optimizer to one stream, restore into fresh objects, finish.
        var first = Create();
        Train(first, 0, 150);
        using var file = new MemoryStream();
        first.Model.SaveValues(file);
        first.Optimizer.SaveCheckpoint(file);
        file.Position = 0;
        var resumed = Create();
        resumed.Model.LoadValues(file);
        resumed.Optimizer.LoadCheckpoint(file);
        Train(resumed, 150, 300);
        Assert.Equal(straight.Model.Values.ToArray(), resumed.Model.Values.ToArray());
        Assert.Equal(1, resumed.Optimizer.SkippedStepCount);
    }
}
