using NumKit.Batching;

namespace NumKit.Tests.Batching;

/// <summary>A batch gathered by several threads (<see cref="MiniBatchOptions.MaxDegreeOfParallelism"/>) is the batch one thread gathers.</summary>
public class ParallelGatherTests
{
    private static (float[] X, float[] Y) Data(int m, int featureCount, int labelCount)
    {
        var random = new Random(5);
        return (
            Enumerable.Range(0, m * featureCount).Select(_ => (float)random.NextDouble()).ToArray(),
            Enumerable.Range(0, m * labelCount).Select(_ => (float)random.NextDouble()).ToArray());
    }

    private static List<(float[] Features, float[] Labels, int[] Examples)> Epochs(MiniBatchIterator<float> iterator, int epochs, ReadOnlySpan<int> explicitPermutation = default)
    {
        var batches = new List<(float[], float[], int[])>();
        for (int e = 0; e < epochs; e++)
        {
            MiniBatchIterator<float>.Epoch epoch = explicitPermutation.IsEmpty ? iterator.NextEpoch() : iterator.NextEpoch(explicitPermutation);
            foreach (MiniBatch<float> batch in epoch)
            {
                batches.Add((batch.Features.ToArray(), batch.Labels.ToArray(), batch.Examples.ToArray()));
            }
        }

        return batches;
    }

    // Batches of 200 × (40 + 3) floats = 34,400 bytes: two threads. 1000 = 5 × 200 - 0 plus a short last batch of 37 (one thread).
    [Theory]
    [InlineData(ExampleLayout.Rows, 1037, 40, 3, 200, 2)]
    [InlineData(ExampleLayout.Columns, 1037, 40, 3, 200, 2)]
    [InlineData(ExampleLayout.Rows, 2000, 64, 1, 1000, 64)]
    [InlineData(ExampleLayout.Columns, 2000, 64, 1, 1000, 3)]
    [InlineData(ExampleLayout.Rows, 3000, 300, 0, 300, 2)]
    public void Split_gathers_give_the_batches_of_one_thread(ExampleLayout layout, int m, int featureCount, int labelCount, int batchSize, int degree)
    {
        (float[] x, float[] y) = Data(m, featureCount, labelCount);
        var one = new MiniBatchIterator<float>(x, y, featureCount, labelCount, layout, batchSize, new MiniBatchOptions { Seed = 3 });
        var many = new MiniBatchIterator<float>(x, y, featureCount, labelCount, layout, batchSize, new MiniBatchOptions { Seed = 3, MaxDegreeOfParallelism = degree });
        var expected = Epochs(one, 2);
        var actual = Epochs(many, 2);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Examples, actual[i].Examples);
            Assert.True(expected[i].Features.AsSpan().SequenceEqual(actual[i].Features), $"batch {i}: features differ");
            Assert.True(expected[i].Labels.AsSpan().SequenceEqual(actual[i].Labels), $"batch {i}: labels differ");
        }

        // And an explicit permutation, reversed, is honoured the same way.
        int[] reversed = Enumerable.Range(0, m).Reverse().ToArray();
        var expectedReplay = Epochs(one, 1, reversed);
        var actualReplay = Epochs(many, 1, reversed);
        for (int i = 0; i < expectedReplay.Count; i++)
        {
            Assert.True(expectedReplay[i].Features.AsSpan().SequenceEqual(actualReplay[i].Features), $"replayed batch {i}: features differ");
        }
    }

    [Fact]
    public void A_split_epoch_allocates_nothing()
    {
        (float[] x, float[] y) = Data(4096, 64, 1);
        var iterator = new MiniBatchIterator<float>(x, y, 64, 1, ExampleLayout.Rows, 256, new MiniBatchOptions { MaxDegreeOfParallelism = 2 });
        float sum = 0;
        foreach (MiniBatch<float> batch in iterator.NextEpoch())
        {
            sum += batch.Features[0];
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < 3; e++)
        {
            foreach (MiniBatch<float> batch in iterator.NextEpoch())
            {
                sum += batch.Features[0];
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(float.IsFinite(sum));
    }

    [Fact]
    public void A_negative_degree_is_refused_at_construction()
    {
        (float[] x, float[] y) = Data(10, 2, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new MiniBatchIterator<float>(x, y, 2, 1, ExampleLayout.Rows, 5, new MiniBatchOptions { MaxDegreeOfParallelism = -1 }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("not -1", error.Message);
    }
}
