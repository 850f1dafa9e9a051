using System.Numerics;
using NumKit.Batching;

namespace NumKit.Tests.Batching;

public class MiniBatchIteratorTests
{
    // Feature f of example j holds j·100 + f and label l holds −(j·100 + l) − 1, so every value says which
    // example (and which feature or label) it came from: exact in float for j < 100,000.
    private static T FeatureValue<T>(int example, int feature) where T : INumber<T> => T.CreateChecked(example * 100 + feature);

    private static T LabelValue<T>(int example, int label) where T : INumber<T> => T.CreateChecked(-(example * 100 + label) - 1);

    private static (T[] Features, T[] Labels) Data<T>(int m, int featureCount, int labelCount, ExampleLayout layout)
        where T : INumber<T>
    {
        var features = new T[m * featureCount];
        var labels = new T[m * labelCount];
        for (int j = 0; j < m; j++)
        {
            for (int f = 0; f < featureCount; f++)
            {
                features[layout == ExampleLayout.Columns ? f * m + j : j * featureCount + f] = FeatureValue<T>(j, f);
            }

            for (int l = 0; l < labelCount; l++)
            {
                labels[layout == ExampleLayout.Columns ? l * m + j : j * labelCount + l] = LabelValue<T>(j, l);
            }
        }

        return (features, labels);
    }

    private static MiniBatchIterator<T> Iterator<T>(int m, int featureCount, int labelCount, ExampleLayout layout, int batchSize, MiniBatchOptions options = default)
        where T : unmanaged, INumber<T>
    {
        (T[] features, T[] labels) = Data<T>(m, featureCount, labelCount, layout);
        return new MiniBatchIterator<T>(features, labels, featureCount, labelCount, layout, batchSize, options);
    }

    // Checks that every value of the batch is the one its example holds in the source, in the source's
    // layout, and returns the batch's examples.
    private static int[] CheckBatch<T>(MiniBatch<T> batch, int featureCount, int labelCount, ExampleLayout layout)
        where T : unmanaged, INumber<T>
    {
        Assert.Equal(layout, batch.Layout);
        Assert.Equal(featureCount, batch.FeatureCount);
        Assert.Equal(labelCount, batch.LabelCount);
        Assert.Equal(batch.Count * featureCount, batch.Features.Length);
        Assert.Equal(batch.Count * labelCount, batch.Labels.Length);
        for (int i = 0; i < batch.Count; i++)
        {
            int j = batch.Examples[i];
            for (int f = 0; f < featureCount; f++)
            {
                T value = batch.Features[layout == ExampleLayout.Columns ? f * batch.Count + i : i * featureCount + f];
                Assert.True(value == FeatureValue<T>(j, f), $"batch {batch.Index}, example {i} (source {j}), feature {f}: {value}");
            }

            for (int l = 0; l < labelCount; l++)
            {
                T value = batch.Labels[layout == ExampleLayout.Columns ? l * batch.Count + i : i * labelCount + l];
                Assert.True(value == LabelValue<T>(j, l), $"batch {batch.Index}, example {i} (source {j}), label {l}: {value}");
            }
        }

        return batch.Examples.ToArray();
    }

    // Runs an epoch, checking every batch's contents and indices; returns the batches' examples.
    private static List<int[]> Run<T>(MiniBatchIterator<T>.Epoch epoch, MiniBatchIterator<T> iterator)
        where T : unmanaged, INumber<T>
    {
        var batches = new List<int[]>();
        foreach (MiniBatch<T> batch in epoch)
        {
            Assert.Equal(batches.Count, batch.Index);
            batches.Add(CheckBatch(batch, iterator.FeatureCount, iterator.LabelCount, iterator.Layout));
        }

        Assert.Equal(iterator.BatchesPerEpoch, batches.Count);
        Assert.Equal(epoch.BatchCount, batches.Count);
        return batches;
    }

    public static TheoryData<ExampleLayout, bool, int, int, int, int, int[]> Shapes()
    {
        var data = new TheoryData<ExampleLayout, bool, int, int, int, int, int[]>();
        foreach (ExampleLayout layout in new[] { ExampleLayout.Columns, ExampleLayout.Rows })
        {
            foreach (bool isDouble in new[] { false, true })
            {
                data.Add(layout, isDouble, 10, 3, 2, 4, [4, 4, 2]);             // the last batch is m − b·⌊m/b⌋ = 2
                data.Add(layout, isDouble, 37, 11, 1, 8, [8, 8, 8, 8, 5]);      // rows of 11 take the block-copy path
                data.Add(layout, isDouble, 12, 2, 3, 4, [4, 4, 4]);             // b divides m: no short batch
                data.Add(layout, isDouble, 7, 5, 1, 7, [7]);                    // b = m: batch gradient descent
                data.Add(layout, isDouble, 6, 9, 2, 1, [1, 1, 1, 1, 1, 1]);     // b = 1: stochastic gradient descent
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_example_appears_once_per_epoch_with_its_own_features_and_labels(
        ExampleLayout layout, bool isDouble, int m, int featureCount, int labelCount, int batchSize, int[] sizes)
    {
        if (isDouble)
        {
            Check<double>();
        }
        else
        {
            Check<float>();
        }

        void Check<T>() where T : unmanaged, INumber<T>
        {
            MiniBatchIterator<T> iterator = Iterator<T>(m, featureCount, labelCount, layout, batchSize, new MiniBatchOptions { Seed = 3 });
            Assert.Equal(m, iterator.ExampleCount);
            Assert.Equal(sizes.Length, iterator.BatchesPerEpoch);
            for (int e = 0; e < 3; e++)
            {
                List<int[]> batches = Run(iterator.NextEpoch(), iterator);
                Assert.Equal(sizes, batches.Select(b => b.Length));
                Assert.Equal(Enumerable.Range(0, m), batches.SelectMany(b => b).Order());
                // Batch k is the slice perm[k·b … k·b + b − 1] of the epoch's permutation.
                Assert.Equal(iterator.Permutation.ToArray(), batches.SelectMany(b => b));
            }

            Assert.Equal(3, iterator.EpochCount);
        }
    }

    [Theory]
    [InlineData(ExampleLayout.Columns)]
    [InlineData(ExampleLayout.Rows)]
    public void DropLast_skips_the_short_batch(ExampleLayout layout)
    {
        MiniBatchIterator<float> iterator = Iterator<float>(10, 3, 1, layout, 4, new MiniBatchOptions { DropLast = true });
        Assert.Equal(2, iterator.BatchesPerEpoch);
        List<int[]> batches = Run(iterator.NextEpoch(), iterator);
        Assert.Equal([4, 4], batches.Select(b => b.Length));
        Assert.Equal(8, batches.SelectMany(b => b).Distinct().Count());

        // When b divides m nothing is dropped.
        Assert.Equal(3, Iterator<float>(12, 3, 1, layout, 4, new MiniBatchOptions { DropLast = true }).BatchesPerEpoch);
    }

    [Fact]
    public void Epochs_differ_and_the_same_seed_reproduces_them()
    {
        MiniBatchIterator<float> first = Iterator<float>(100, 2, 1, ExampleLayout.Rows, 10, new MiniBatchOptions { Seed = 7 });
        MiniBatchIterator<float> second = Iterator<float>(100, 2, 1, ExampleLayout.Columns, 32, new MiniBatchOptions { Seed = 7 });
        MiniBatchIterator<float> other = Iterator<float>(100, 2, 1, ExampleLayout.Rows, 10, new MiniBatchOptions { Seed = 8 });
        var seen = new List<int[]>();
        for (int e = 0; e < 4; e++)
        {
            int[] permutation = Run(first.NextEpoch(), first).SelectMany(b => b).ToArray();
            Run(second.NextEpoch(), second);
            Run(other.NextEpoch(), other);
            Assert.Equal(permutation, second.Permutation.ToArray());
            Assert.NotEqual(permutation, other.Permutation.ToArray());
            Assert.NotEqual(Enumerable.Range(0, 100), permutation);
            Assert.All(seen, earlier => Assert.NotEqual(earlier, permutation));
            seen.Add(permutation);
        }
    }

    [Fact]
    public void Permutations_match_the_independent_reference_implementation()
    {
        // Printed by reference_shuffle.py (a transcription of the published C code, in Python).
        MiniBatchIterator<float> iterator = Iterator<float>(16, 1, 1, ExampleLayout.Rows, 4, new MiniBatchOptions { Seed = 42 });
        iterator.NextEpoch();
        Assert.Equal([2, 14, 0, 3, 15, 10, 4, 6, 13, 7, 8, 11, 12, 9, 5, 1], iterator.Permutation.ToArray());
        iterator.NextEpoch();
        Assert.Equal([3, 2, 8, 6, 12, 0, 14, 10, 13, 1, 5, 4, 11, 9, 7, 15], iterator.Permutation.ToArray());

        int[] permutation = new int[16];
        MiniBatchIterator<float>.ShuffledPermutation(42, 5, permutation);
        Assert.Equal([11, 7, 13, 4, 10, 8, 9, 5, 2, 3, 1, 15, 0, 6, 14, 12], permutation);

        permutation = new int[10];
        MiniBatchIterator<double>.ShuffledPermutation(0, 0, permutation);
        Assert.Equal([7, 8, 3, 1, 5, 4, 2, 0, 9, 6], permutation);

        permutation = new int[20];
        MiniBatchIterator<double>.ShuffledPermutation(12345678901234567890, 3, permutation);
        Assert.Equal([0, 19, 6, 14, 11, 7, 16, 8, 18, 2, 3, 17, 4, 15, 1, 10, 12, 13, 9, 5], permutation);
    }

    [Theory]
    [InlineData(ExampleLayout.Columns)]
    [InlineData(ExampleLayout.Rows)]
    public void Without_shuffling_batches_take_the_examples_in_order(ExampleLayout layout)
    {
        MiniBatchIterator<double> iterator = Iterator<double>(10, 9, 2, layout, 4, new MiniBatchOptions { Shuffle = false });
        for (int e = 0; e < 2; e++)
        {
            List<int[]> batches = Run(iterator.NextEpoch(), iterator);
            Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], batches);
        }
    }

    [Theory]
    [InlineData(ExampleLayout.Columns)]
    [InlineData(ExampleLayout.Rows)]
    public void An_explicit_permutation_is_honoured_and_takes_its_epoch_index(ExampleLayout layout)
    {
        MiniBatchIterator<float> iterator = Iterator<float>(10, 9, 2, layout, 4, new MiniBatchOptions { Seed = 21 });
        iterator.NextEpoch();

        // Batches 0 and 1 are runs of consecutive examples (the block-copy path), batch 2 is not.
        int[] replay = [4, 5, 6, 7, 0, 1, 2, 3, 9, 8];
        MiniBatchIterator<float>.Epoch epoch = iterator.NextEpoch(replay);
        Assert.Equal(1, epoch.Index);
        Assert.Equal(replay, epoch.Permutation.ToArray());
        Assert.Equal([[4, 5, 6, 7], [0, 1, 2, 3], [9, 8]], Run(epoch, iterator));

        int[] reversed = Enumerable.Range(0, 10).Reverse().ToArray();
        Assert.Equal([[9, 8, 7, 6], [5, 4, 3, 2], [1, 0]], Run(iterator.NextEpoch(reversed), iterator));

        // The epochs given explicitly still count, so epoch 3 is the seed's epoch 3 whatever came before.
        iterator.NextEpoch();
        int[] expected = new int[10];
        MiniBatchIterator<float>.ShuffledPermutation(21, 3, expected);
        Assert.Equal(expected, iterator.Permutation.ToArray());
        Assert.Equal(4, iterator.EpochCount);
    }

    [Fact]
    public void A_bad_permutation_is_refused_with_the_numbers_and_changes_nothing()
    {
        MiniBatchIterator<float> iterator = Iterator<float>(5, 2, 1, ExampleLayout.Rows, 2, new MiniBatchOptions { Seed = 1 });
        MiniBatchIterator<float>.Epoch current = iterator.NextEpoch();
        int[] before = iterator.Permutation.ToArray();

        AssertRefused([0, 1, 2, 3], "4 entries", "m = 5");
        AssertRefused([0, 1, 2, 3, 4, 5], "6 entries", "m = 5");
        AssertRefused([0, 1, -1, 3, 4], "permutation[2] = -1", "0 to 4");
        AssertRefused([0, 1, 2, 5, 4], "permutation[3] = 5", "0 to 4");
        AssertRefused([0, 3, 2, 3, 4], "permutation[3] = 3", "repeats permutation[1]");

        Assert.Equal(1, iterator.EpochCount);
        Assert.Equal(before, iterator.Permutation.ToArray());
        // The epoch that was running is still the current one and still runs.
        Assert.Equal(before, Run(current, iterator).SelectMany(b => b));

        void AssertRefused(int[] permutation, string first, string second)
        {
            var error = Assert.Throws<ArgumentException>(() => iterator.NextEpoch(permutation));
            Assert.Equal("permutation", error.ParamName);
            Assert.Contains(first, error.Message, StringComparison.Ordinal);
            Assert.Contains(second, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_superseded_epoch_cannot_be_enumerated()
    {
        MiniBatchIterator<float> iterator = Iterator<float>(8, 2, 1, ExampleLayout.Columns, 4);
        MiniBatchIterator<float>.Epoch first = iterator.NextEpoch();
        MiniBatchIterator<float>.Enumerator enumerator = first.GetEnumerator();
        Assert.True(enumerator.MoveNext());
        iterator.NextEpoch();

        InvalidOperationException? error = null;
        try
        {
            enumerator.MoveNext();
        }
        catch (InvalidOperationException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Contains("Epoch 0 has ended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Epochs_allocate_nothing_in_either_layout_shuffled_or_replayed()
    {
        Measure<float>(ExampleLayout.Rows, 3);
        Measure<float>(ExampleLayout.Rows, 16);
        Measure<float>(ExampleLayout.Columns, 16);
        Measure<double>(ExampleLayout.Rows, 16);
        Measure<double>(ExampleLayout.Columns, 3);

        static void Measure<T>(ExampleLayout layout, int featureCount) where T : unmanaged, INumber<T>
        {
            const int M = 1000;
            MiniBatchIterator<T> shuffled = Iterator<T>(M, featureCount, 2, layout, 64);
            MiniBatchIterator<T> ordered = Iterator<T>(M, featureCount, 2, layout, 64, new MiniBatchOptions { Shuffle = false, DropLast = true });
            int[] replay = Enumerable.Range(0, M).Reverse().ToArray();

            // Five epochs of each kind per window, after one window of warm-up so compiling the code is not counted.
            int batches = 0;
            long allocated = SteadyStateAllocation.Of(() => batches += Epochs(shuffled, ordered, replay, 5));

            Assert.Equal(0, allocated);
            Assert.Equal(0, batches % (5 * (16 + 15 + 16)));
        }

        static int Epochs<T>(MiniBatchIterator<T> shuffled, MiniBatchIterator<T> ordered, int[] replay, int epochs) where T : unmanaged
        {
            int batches = 0;
            for (int e = 0; e < epochs; e++)
            {
                foreach (MiniBatch<T> batch in shuffled.NextEpoch())
                {
                    batches += batch.Count > 0 ? 1 : 0;
                }

                foreach (MiniBatch<T> batch in ordered.NextEpoch())
                {
                    batches += batch.Count > 0 ? 1 : 0;
                }

                foreach (MiniBatch<T> batch in shuffled.NextEpoch(replay))
                {
                    batches += batch.Count > 0 ? 1 : 0;
                }
            }

            return batches;
        }
    }

    [Fact]
    public void Bad_shapes_are_refused_at_construction_with_the_numbers()
    {
        float[] x = new float[12], y = new float[6];
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, 0, 1, ExampleLayout.Rows, 2), "featureCount", "not 0");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, -2, 1, ExampleLayout.Rows, 2), "featureCount", "not -2");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, 2, -1, ExampleLayout.Rows, 2), "labelCount", "not -1");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, 2, 1, (ExampleLayout)7, 2), "layout", "not 7");
        Refused<ArgumentException>(() => new MiniBatchIterator<float>(x, y, 5, 1, ExampleLayout.Columns, 2), "features", "12 elements", "featureCount = 5", "(featureCount, m)");
        Refused<ArgumentException>(() => new MiniBatchIterator<float>(x, y, 2, 2, ExampleLayout.Rows, 2), "labels", "6 elements", "labelCount 2 × m 6 = 12", "(m, labelCount)");
        Refused<ArgumentException>(() => new MiniBatchIterator<float>(x, new float[5], 2, 1, ExampleLayout.Columns, 2), "labels", "5 elements", "= 6");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, 2, 1, ExampleLayout.Rows, 0), "batchSize", "not 0");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, 2, 1, ExampleLayout.Rows, -3), "batchSize", "not -3");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(x, y, 2, 1, ExampleLayout.Rows, 7), "batchSize", "7", "m = 6");
        Refused<ArgumentOutOfRangeException>(() => new MiniBatchIterator<float>(Array.Empty<float>(), Array.Empty<float>(), 2, 1, ExampleLayout.Rows, 1), "batchSize", "m = 0");

        static void Refused<TException>(Func<object> create, string parameter, params string[] fragments) where TException : ArgumentException
        {
            TException error = Assert.Throws<TException>(create);
            Assert.Equal(parameter, error.ParamName);
            foreach (string fragment in fragments)
            {
                Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Default_options_shuffle_like_new_options()
    {
        Assert.True(default(MiniBatchOptions).Shuffle);
        Assert.True(new MiniBatchOptions().Shuffle);
        Assert.Equal(default, new MiniBatchOptions());
        Assert.False(new MiniBatchOptions { Shuffle = false }.Shuffle);
        Assert.NotEqual(default, new MiniBatchOptions { Shuffle = false });

        // The optional argument is default(MiniBatchOptions): it shuffles with seed 0.
        MiniBatchIterator<float> iterator = Iterator<float>(10, 1, 1, ExampleLayout.Rows, 5);
        iterator.NextEpoch();
        int[] expected = new int[10];
        MiniBatchIterator<float>.ShuffledPermutation(0, 0, expected);
        Assert.Equal(expected, iterator.Permutation.ToArray());
    }

    [Fact]
    public void Examples_without_labels_and_other_element_types_work()
    {
        byte[] pixels = Enumerable.Range(0, 6 * 4).Select(i => (byte)i).ToArray();
        var iterator = new MiniBatchIterator<byte>(pixels, ReadOnlyMemory<byte>.Empty, 4, 0, ExampleLayout.Rows, 4, new MiniBatchOptions { Seed = 9 });
        int seen = 0;
        foreach (MiniBatch<byte> batch in iterator.NextEpoch())
        {
            Assert.True(batch.Labels.IsEmpty);
            for (int i = 0; i < batch.Count; i++)
            {
                for (int f = 0; f < 4; f++)
                {
                    Assert.Equal(batch.Examples[i] * 4 + f, batch.Features[i * 4 + f]);
                }
            }

            seen += batch.Count;
        }

        Assert.Equal(6, seen);
    }
}
