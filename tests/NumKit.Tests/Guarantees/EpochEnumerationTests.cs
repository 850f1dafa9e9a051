using NumKit.Batching;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// Issue 11, observation 5: a nested or concurrent enumeration of one epoch overwrote the shared buffers, so
/// the outer batch's Features were no longer its Examples' features.
/// </summary>
public class EpochEnumerationTests
{
    // Rows layout, one feature per example whose value is the example's index: Features[i] must equal Examples[i].
    private static MiniBatchIterator<float> Iterator(int m = 40, int batchSize = 8)
    {
        float[] x = Enumerable.Range(0, m).Select(i => (float)i).ToArray();
        return new MiniBatchIterator<float>(x, Array.Empty<float>(), 1, 0, ExampleLayout.Rows, batchSize, new MiniBatchOptions { Shuffle = true, Seed = 3 });
    }

    private static void AssertConsistent(MiniBatch<float> batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            Assert.Equal(batch.Examples[i], (int)batch.Features[i]);
        }
    }

    [Fact]
    public void A_nested_enumeration_of_the_same_epoch_is_refused_and_the_outer_batch_keeps_its_features()
    {
        MiniBatchIterator<float> iterator = Iterator();
        MiniBatchIterator<float>.Epoch epoch = iterator.NextEpoch();
        int outerBatches = 0;
        foreach (MiniBatch<float> outer in epoch)
        {
            // (Epoch is a ref struct, which a lambda cannot capture: catch by hand.)
            InvalidOperationException? error = null;
            try
            {
                foreach (MiniBatch<float> inner in epoch)
                {
                }
            }
            catch (InvalidOperationException refused)
            {
                error = refused;
            }

            Assert.NotNull(error);
            Assert.Contains("already being enumerated", error.Message);
            AssertConsistent(outer);
            outerBatches++;
        }

        Assert.Equal(iterator.BatchesPerEpoch, outerBatches);

        // Finished: the epoch can be enumerated again.
        foreach (MiniBatch<float> again in epoch)
        {
            AssertConsistent(again);
        }
    }

    [Fact]
    public void Leaving_a_foreach_with_break_lets_the_next_enumeration_start()
    {
        MiniBatchIterator<float> iterator = Iterator();
        MiniBatchIterator<float>.Epoch epoch = iterator.NextEpoch();
        foreach (MiniBatch<float> first in epoch)
        {
            break;
        }

        int count = 0;
        foreach (MiniBatch<float> batch in epoch)
        {
            AssertConsistent(batch);
            count++;
        }

        Assert.Equal(iterator.BatchesPerEpoch, count);
    }

    [Fact]
    public void Two_interleaved_enumerators_of_one_epoch_are_refused_before_the_second_gathers()
    {
        // An Epoch is a ref struct, so it cannot reach another thread; interleaving two enumerators is how a
        // second enumeration of the same epoch happens concurrently with the first.
        MiniBatchIterator<float> iterator = Iterator();
        MiniBatchIterator<float>.Epoch epoch = iterator.NextEpoch();
        MiniBatchIterator<float>.Enumerator first = epoch.GetEnumerator();
        MiniBatchIterator<float>.Enumerator second = epoch.GetEnumerator();
        Assert.True(first.MoveNext());
        bool refused = false;
        try
        {
            second.MoveNext();
        }
        catch (InvalidOperationException)
        {
            refused = true;
        }

        Assert.True(refused);
        AssertConsistent(first.Current);
        Assert.True(first.MoveNext());
        AssertConsistent(first.Current);

        // Starting the next epoch ends both; a fresh enumeration of it runs.
        MiniBatchIterator<float>.Epoch next = iterator.NextEpoch();
        foreach (MiniBatch<float> batch in next)
        {
            AssertConsistent(batch);
        }
    }
}
