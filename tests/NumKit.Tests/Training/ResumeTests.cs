using NumKit.Batching;
using NumKit.Optimizers;
using NumKit.Schedules;

namespace NumKit.Tests.Training;

/// <summary>
/// Stopping and resuming a run: the mini-batch position and the schedule come back with the weights
/// and the optimizer state, and the resumed run ends with the bits of one that never stopped.
/// </summary>
public class ResumeTests
{
    private const int Epochs = 12;

    private static readonly ParameterLayout s_layout = new ParameterLayout().Add("weight", 3, 1).Add("bias", 3);

    // 50 examples (rows) of 1 feature and 3 labels: y_k = (k + 1)·x − k + noise.
    private static (float[] X, float[] Y) Data()
    {
        var random = new Random(3);
        float[] x = new float[50], y = new float[150];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
            for (int k = 0; k < 3; k++)
            {
                y[3 * i + k] = (k + 1) * x[i] - k + (float)(random.NextDouble() - 0.5) / 10;
            }
        }

        return (x, y);
    }

    private sealed class Run
    {
        public Run(float[] x, float[] y)
        {
            Model = new ParameterSet(s_layout);
            Model["weight"].Fill(0.5f);
            Optimizer = new Optimizer<AdamW>(new AdamW { LearningRate = 0.05f, WeightDecay = 0.01f }, s_layout);
            Optimizer.AddGroup(Optimizer.Rule with { WeightDecay = 0 }, "bias");
            Batches = new MiniBatchIterator<float>(x, y, featureCount: 1, labelCount: 3, ExampleLayout.Rows, batchSize: 16, new MiniBatchOptions { Seed = 9 });
        }

        public ParameterSet Model { get; }

        public Optimizer<AdamW> Optimizer { get; }

        public MiniBatchIterator<float> Batches { get; }

        public List<int> SeenExamples { get; } = [];

        // Trains the epochs from the iterator's position to `until` with an epoch schedule and an
        // iteration warmup multiplied together, as a run that mixes both would.
        public void TrainUntil(int until)
        {
            var perEpoch = new CosineDecay(1f, 0.01f, Epochs);
            var warmup = new LinearWarmup(0.05f, 0.1f, 20);
            for (int epoch = Batches.EpochCount; epoch < until; epoch++)
            {
                float factor = perEpoch.At(epoch);
                foreach (MiniBatch<float> batch in Batches.NextEpoch())
                {
                    Optimizer.LearningRate = Optimizer.ApplySchedule(warmup) * factor;
                    SeenExamples.AddRange(batch.Examples.ToArray());
                    Model.ZeroGradients();
                    Span<float> w = Model["weight"], b = Model["bias"], dw = Model.Gradient("weight"), db = Model.Gradient("bias");
                    for (int i = 0; i < batch.Count; i++)
                    {
                        for (int k = 0; k < 3; k++)
                        {
                            float error = w[k] * batch.Features[i] + b[k] - batch.Labels[3 * i + k];
                            dw[k] += 2 * error * batch.Features[i] / batch.Count;
                            db[k] += 2 * error / batch.Count;
                        }
                    }

                    GradientClipping.ClipByGlobalNorm(Model.Gradients, 1f);
                    Optimizer.Step(Model);
                }
            }
        }

        public byte[] Save()
        {
            using var stream = new MemoryStream();
            Model.SaveValues(stream);
            Optimizer.SaveCheckpoint(stream);
            Batches.SaveCheckpoint(stream);
            return stream.ToArray();
        }

        public void Load(byte[] checkpoint)
        {
            using var stream = new MemoryStream(checkpoint);
            Model.LoadValues(stream);
            Optimizer.LoadCheckpoint(stream);
            Batches.LoadCheckpoint(stream);
            Assert.Equal(stream.Length, stream.Position);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(11)]
    public void The_documented_recipe_resumes_bit_for_bit(int stopAfter)
    {
        (float[] x, float[] y) = Data();
        var straight = new Run(x, y);
        straight.TrainUntil(Epochs);

        var first = new Run(x, y);
        first.TrainUntil(stopAfter);
        byte[] checkpoint = first.Save();

        var resumed = new Run(x, y);
        resumed.Load(checkpoint);
        Assert.Equal(stopAfter, resumed.Batches.EpochCount);
        resumed.TrainUntil(Epochs);

        Assert.Equal(straight.Model.Values.ToArray(), resumed.Model.Values.ToArray());
        foreach (string state in straight.Optimizer.StateNames)
        {
            foreach (string tensor in new[] { "weight", "bias" })
            {
                Assert.Equal(straight.Optimizer.State(state, tensor).ToArray(), resumed.Optimizer.State(state, tensor).ToArray());
            }
        }

        Assert.Equal(straight.Optimizer.StepCount, resumed.Optimizer.StepCount);
        Assert.Equal(straight.Optimizer.LearningRate, resumed.Optimizer.LearningRate);
        Assert.Equal(straight.SeenExamples, first.SeenExamples.Concat(resumed.SeenExamples));
    }

    [Fact]
    public void ResumeAt_starts_any_epoch_of_the_seeded_sequence()
    {
        (float[] x, float[] y) = Data();
        var reference = new MiniBatchIterator<float>(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9 });
        var orders = new List<int[]>();
        for (int epoch = 0; epoch < 8; epoch++)
        {
            orders.Add(reference.NextEpoch().Permutation.ToArray());
        }

        foreach (int start in new[] { 7, 0, 3 })
        {
            var resumed = new MiniBatchIterator<float>(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9 });
            resumed.ResumeAt(start);
            Assert.Equal(start, resumed.EpochCount);
            MiniBatchIterator<float>.Epoch epoch = resumed.NextEpoch();
            Assert.Equal(start, epoch.Index);
            Assert.Equal(orders[start], epoch.Permutation.ToArray());
        }
    }

    [Fact]
    public void ResumeAt_ends_the_epoch_in_progress_and_refuses_a_negative_epoch()
    {
        (float[] x, float[] y) = Data();
        var batches = new MiniBatchIterator<float>(x, y, 1, 3, ExampleLayout.Rows, 16);
        batches.NextEpoch();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => batches.ResumeAt(-1));
        Assert.Contains("not -1", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, batches.EpochCount);

        MiniBatchIterator<float>.Epoch current = batches.NextEpoch();
        batches.ResumeAt(5);
        try
        {
            _ = current.Permutation;
            Assert.Fail("the epoch in progress should have ended");
        }
        catch (InvalidOperationException)
        {
        }
    }

    [Theory]
    [InlineData("seed", "shuffled with seed 9, the last short batch kept, and this one has m = 50, batch size 16, shuffled with seed 10")]
    [InlineData("batch", "batch size 16, shuffled with seed 9, the last short batch kept, and this one has m = 50, batch size 10")]
    [InlineData("shuffle", "and this one has m = 50, batch size 16, not shuffled")]
    [InlineData("drop", "and this one has m = 50, batch size 16, shuffled with seed 9, the last short batch dropped")]
    [InlineData("count", "it was saved by one with m = 50, batch size 16, shuffled with seed 9, the last short batch kept, and this one has m = 40")]
    public void A_mini_batch_checkpoint_of_other_batches_is_refused_and_changes_nothing(string what, string expected)
    {
        (float[] x, float[] y) = Data();
        var saved = new MiniBatchIterator<float>(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9 });
        saved.ResumeAt(4);
        using var stream = new MemoryStream();
        saved.SaveCheckpoint(stream);

        MiniBatchIterator<float> other = what switch
        {
            "seed" => new(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 10 }),
            "batch" => new(x, y, 1, 3, ExampleLayout.Rows, 10, new MiniBatchOptions { Seed = 9 }),
            "shuffle" => new(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9, Shuffle = false }),
            "drop" => new(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9, DropLast = true }),
            _ => new(x.AsMemory(0, 40), y.AsMemory(0, 120), 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9 }),
        };
        other.ResumeAt(2);
        stream.Position = 0;
        var error = Assert.Throws<ArgumentException>(() => other.LoadCheckpoint(stream));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, other.EpochCount);
    }

    [Fact]
    public void A_mini_batch_checkpoint_that_is_truncated_or_corrupt_is_refused_and_changes_nothing()
    {
        (float[] x, float[] y) = Data();
        var batches = new MiniBatchIterator<float>(x, y, 1, 3, ExampleLayout.Rows, 16, new MiniBatchOptions { Seed = 9 });
        batches.ResumeAt(4);
        using var stream = new MemoryStream();
        batches.SaveCheckpoint(stream);
        byte[] bytes = stream.ToArray();
        batches.ResumeAt(1);

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => batches.LoadCheckpoint(new MemoryStream(bytes, 0, length)));
            Assert.Equal(1, batches.EpochCount);
        }

        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<InvalidDataException>(() => batches.LoadCheckpoint(new MemoryStream(flipped)));
            Assert.Equal(1, batches.EpochCount);
        }

        batches.LoadCheckpoint(new MemoryStream(bytes));
        Assert.Equal(4, batches.EpochCount);
    }

    [Fact]
    public void Loading_the_parts_in_another_order_says_what_was_found_and_what_to_do()
    {
        (float[] x, float[] y) = Data();
        var run = new Run(x, y);
        run.TrainUntil(2);
        byte[] checkpoint = run.Save();
        var fresh = new Run(x, y);

        var error = Assert.Throws<InvalidDataException>(() => fresh.Optimizer.LoadCheckpoint(new MemoryStream(checkpoint)));
        Assert.Equal(
            "Expected a NumKit optimizer checkpoint here, but the stream holds parameter values (written by ParameterSet.SaveValues). " +
            "Several parts saved to one stream must be loaded in the order they were saved (for example model.LoadValues, then " +
            "optimizer.LoadCheckpoint, then batches.LoadCheckpoint); nothing was changed.",
            error.Message);
        Assert.Equal(0, fresh.Optimizer.StepCount);

        error = Assert.Throws<InvalidDataException>(() => fresh.Batches.LoadCheckpoint(new MemoryStream(checkpoint)));
        Assert.Contains("Expected a NumKit mini-batch checkpoint here, but the stream holds parameter values", error.Message, StringComparison.Ordinal);

        using var stream = new MemoryStream(checkpoint);
        fresh.Model.LoadValues(stream);
        error = Assert.Throws<InvalidDataException>(() => fresh.Model.LoadValues(stream));
        Assert.Contains("Expected a NumKit parameter file here, but the stream holds an optimizer checkpoint (written by Optimizer.SaveCheckpoint)", error.Message, StringComparison.Ordinal);

        // A stream that is no NumKit file at all keeps the plain message.
        error = Assert.Throws<InvalidDataException>(() => fresh.Optimizer.LoadCheckpoint(new MemoryStream(new byte[64])));
        Assert.Contains("does not start with the optimizer checkpoint header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schedule_in_steps_follows_the_step_count_and_so_resumes_with_the_optimizer()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd(), 4);
        var schedule = new StepDecay(1f, 0.5f, 2);
        float[] w = new float[4], g = new float[4];
        var seen = new List<float>();
        for (int step = 0; step < 5; step++)
        {
            seen.Add(optimizer.ApplySchedule(schedule));
            Assert.Equal(schedule.At(step), optimizer.LearningRate);
            optimizer.Step(w, g);
        }

        Assert.Equal(new[] { 1f, 1f, 0.5f, 0.5f, 0.25f }, seen);

        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);
        var resumed = new Optimizer<Sgd>(new Sgd(), 4);
        stream.Position = 0;
        resumed.LoadCheckpoint(stream);
        Assert.Equal(0.25f, resumed.ApplySchedule(schedule));
    }
}
