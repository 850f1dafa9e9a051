using System;

namespace NumKit.Batching;

/// <summary>
/// One mini-batch of an epoch: its examples' features and labels gathered into the iterator's
/// buffers, in the same layout as the source, valid until the enumerator moves on.
/// </summary>
/// <remarks>
/// With <see cref="ExampleLayout.Columns"/>, <see cref="Features"/> is (featureCount, Count)
/// row-major and <see cref="Labels"/> (labelCount, Count); with <see cref="ExampleLayout.Rows"/>,
/// (Count, featureCount) and (Count, labelCount). Example i of the batch is source example
/// <see cref="Examples"/>[i].
/// </remarks>
/// <typeparam name="T">The element type of the features and labels.</typeparam>
public readonly ref struct MiniBatch<T>
    where T : unmanaged
{
    internal MiniBatch(int index, ReadOnlySpan<T> features, ReadOnlySpan<T> labels, ReadOnlySpan<int> examples, int featureCount, int labelCount, ExampleLayout layout)
    {
        Index = index;
        Features = features;
        Labels = labels;
        Examples = examples;
        FeatureCount = featureCount;
        LabelCount = labelCount;
        Layout = layout;
    }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Index { get; }

    /// <summary>How many examples the batch holds: BatchSize, or fewer for the last batch of an epoch.</summary>
    public int Count => Examples.Length;

    /// <summary>The batch's features, FeatureCount × Count values in <see cref="Layout"/>.</summary>
    public ReadOnlySpan<T> Features { get; }

    /// <summary>The batch's labels, LabelCount × Count values in <see cref="Layout"/>, in the same example order as <see cref="Features"/>.</summary>
    public ReadOnlySpan<T> Labels { get; }

    /// <summary>The source index of each example in the batch, in batch order: a slice of the epoch's permutation.</summary>
    public ReadOnlySpan<int> Examples { get; }

    /// <summary>How many features each example has.</summary>
    public int FeatureCount { get; }

    /// <summary>How many labels each example has.</summary>
    public int LabelCount { get; }

    /// <summary>The layout of <see cref="Features"/> and <see cref="Labels"/>: the source's.</summary>
    public ExampleLayout Layout { get; }
}
