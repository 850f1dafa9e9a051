using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using NumKit.Randomness;

namespace NumKit.Batching;

/// <summary>
/// Cuts m examples held in the caller's memory into mini-batches, epoch after epoch — the course's
/// <c>random_mini_batches</c>: a fresh permutation per epoch, then ⌊m / b⌋ full batches and, unless
/// dropped, one last batch of m − b·⌊m / b⌋ — gathering each batch into buffers allocated once, here.
/// </summary>
/// <remarks>
/// <para>
/// <c>foreach (MiniBatch&lt;float&gt; batch in iterator.NextEpoch()) { ... }</c> allocates nothing: the
/// epoch, its enumerator and the batch are ref structs, and <see cref="Enumerator.MoveNext"/>
/// gathers into the iterator's buffers. A batch's spans are overwritten by the next batch, and
/// starting a new epoch ends the previous one (its enumerator throws if used again).
/// </para>
/// <para>
/// The permutation of the epoch with index e (0 for the first <see cref="NextEpoch()"/>) depends only on
/// <see cref="MiniBatchOptions.Seed"/> and e: Fisher–Yates over 0 … m − 1 driven by xoshiro256**
/// seeded with SplitMix64 outputs 4e … 4e + 3 of the stream seeded with Seed (see
/// <see cref="Xoshiro256StarStar"/>), the same on every machine and .NET version. An epoch given
/// an explicit permutation uses its index too, so later shuffled epochs are unaffected by it.
/// </para>
/// <para>Not thread-safe: one thread iterates at a time.</para>
/// </remarks>
/// <typeparam name="T">The element type of the features and labels: float and double, or any unmanaged type.</typeparam>
public sealed partial class MiniBatchIterator<T>
    where T : unmanaged
{
    // Below this many elements per example, a plain loop moves an example faster than a call to memmove.
    private const int SmallExample = 8;

    // How many examples ahead the shuffled row gather prefetches. A shuffled row is a cache miss (and
    // usually a TLB miss) that the core alone starts only a few rows ahead, because each row's copy is a
    // call to memmove; asking this far ahead keeps tens of misses in flight. Measured on m = 1,000,000
    // rows of 64 floats: about 1.6x faster than without. (The column gather is a plain loop of
    // independent loads that the core already overlaps; prefetching there measured 5% slower.)
    private const int PrefetchDistance = 16;

    // Rows longer than this are not prefetched line by line: the hardware prefetcher follows a long row.
    private const int PrefetchMaxRowBytes = 1024;

    private readonly ReadOnlyMemory<T> _features;
    private readonly ReadOnlyMemory<T> _labels;
    private readonly T[] _featureBuffer;
    private readonly T[] _labelBuffer;
    private readonly int[] _permutation;
    // Scratch for validating an explicit permutation: one bit per example.
    private readonly ulong[] _seen;

    /// <summary>
    /// Creates the iterator over <paramref name="features"/> and <paramref name="labels"/> and allocates
    /// its buffers: one batch of features and labels, and the permutation.
    /// </summary>
    /// <param name="features">X: featureCount × m values, (featureCount, m) for Columns or (m, featureCount) for Rows, row-major.</param>
    /// <param name="labels">Y: labelCount × m values in the same layout (empty when labelCount is 0).</param>
    /// <param name="featureCount">The number of features per example, n_x ≥ 1.</param>
    /// <param name="labelCount">The number of labels per example, n_y ≥ 0.</param>
    /// <param name="layout">Whether examples are the columns (the course) or the rows of X and Y.</param>
    /// <param name="batchSize">The batch size b, 1 ≤ b ≤ m: b = m is batch gradient descent, b = 1 stochastic gradient descent.</param>
    /// <param name="options">Shuffling, seed and whether to drop the last short batch; the default shuffles with seed 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count, the batch size or the layout is out of range.</exception>
    /// <exception cref="ArgumentException">The lengths of X and Y do not fit the counts.</exception>
    public MiniBatchIterator(ReadOnlyMemory<T> features, ReadOnlyMemory<T> labels, int featureCount, int labelCount, ExampleLayout layout, int batchSize, MiniBatchOptions options = default)
    {
        if (featureCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, $"'featureCount' must be at least 1, not {featureCount}.");
        }

        if (labelCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(labelCount), labelCount, $"'labelCount' must be 0 or more, not {labelCount}.");
        }

        if (layout is not (ExampleLayout.Columns or ExampleLayout.Rows))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, $"'layout' must be {nameof(ExampleLayout.Columns)} or {nameof(ExampleLayout.Rows)}, not {(int)layout}.");
        }

        string shapeX = layout == ExampleLayout.Columns ? "(featureCount, m)" : "(m, featureCount)";
        if (features.Length % featureCount != 0)
        {
            throw new ArgumentException(
                $"'features' has {features.Length} elements, which is not a multiple of featureCount = {featureCount}: X must be {shapeX} " +
                $"({features.Length / featureCount} examples would leave {features.Length % featureCount} elements over).",
                nameof(features));
        }

        int exampleCount = features.Length / featureCount;
        if (labels.Length != (long)labelCount * exampleCount)
        {
            string shapeY = layout == ExampleLayout.Columns ? "(labelCount, m)" : "(m, labelCount)";
            throw new ArgumentException(
                $"'labels' has {labels.Length} elements but Y must be {shapeY} = labelCount {labelCount} × m {exampleCount} = {(long)labelCount * exampleCount} " +
                $"(m from 'features': {features.Length} elements / featureCount {featureCount}).",
                nameof(labels));
        }

        if (options.MaxDegreeOfParallelism < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegreeOfParallelism,
                $"'options.MaxDegreeOfParallelism' must be 0 or more (0 and 1 both gather on the iterating thread), not {options.MaxDegreeOfParallelism}.");
        }

        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"'batchSize' must be at least 1, not {batchSize}.");
        }

        if (batchSize > exampleCount)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"'batchSize' {batchSize} is larger than the number of examples, m = {exampleCount}; at most b = m = {exampleCount} (batch gradient descent).");
        }

        _features = features;
        _labels = labels;
        FeatureCount = featureCount;
        LabelCount = labelCount;
        Layout = layout;
        BatchSize = batchSize;
        ExampleCount = exampleCount;
        Options = options;
        BatchesPerEpoch = options.DropLast ? exampleCount / batchSize : (exampleCount + batchSize - 1) / batchSize;

        _featureBuffer = new T[featureCount * batchSize];
        _labelBuffer = new T[labelCount * batchSize];
        _permutation = new int[exampleCount];
        _seen = new ulong[(exampleCount + 63) / 64];
        FillIdentity(_permutation);
    }

    /// <summary>The number of examples, m.</summary>
    public int ExampleCount { get; }

    /// <summary>The number of features per example, n_x.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of labels per example, n_y.</summary>
    public int LabelCount { get; }

    /// <summary>The batch size b; the last batch of an epoch may hold fewer (see <see cref="MiniBatchOptions.DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>The number of batches in every epoch: ⌈m / b⌉, or ⌊m / b⌋ when the last short batch is dropped.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The layout of the source and of every batch.</summary>
    public ExampleLayout Layout { get; }

    /// <summary>The options the iterator was created with.</summary>
    public MiniBatchOptions Options { get; }

    /// <summary>How many epochs have been started; the next epoch's index.</summary>
    public int EpochCount { get; private set; }

    /// <summary>The current epoch's order of examples (the identity before the first epoch).</summary>
    public ReadOnlySpan<int> Permutation => _permutation;

    /// <summary>
    /// Starts the next epoch with a fresh permutation from the seeded generator (or the order
    /// 0 … m − 1 when not shuffling); the previous epoch ends.
    /// </summary>
    public Epoch NextEpoch()
    {
        int epoch = EpochCount;
        FillIdentity(_permutation);
        if (Options.Shuffle)
        {
            Generator(Options.Seed, epoch).Shuffle(_permutation.AsSpan());
        }

        EpochCount = checked(epoch + 1);
        EndEnumeration();
        return new Epoch(this, epoch);
    }

    /// <summary>
    /// Starts the next epoch with the caller's order of examples — for instance to replay another
    /// framework's shuffles; the permutation is validated, then copied, and the previous epoch ends.
    /// </summary>
    /// <param name="permutation">Each of 0 … m − 1 exactly once; batch k takes permutation[k·b … k·b + b − 1].</param>
    /// <exception cref="ArgumentException"><paramref name="permutation"/> is not a permutation of 0 … m − 1; the iterator is unchanged.</exception>
    public Epoch NextEpoch(ReadOnlySpan<int> permutation)
    {
        ValidatePermutation(permutation);
        int epoch = EpochCount;
        permutation.CopyTo(_permutation);
        EpochCount = checked(epoch + 1);
        EndEnumeration();
        return new Epoch(this, epoch);
    }

    /// <summary>
    /// Writes into <paramref name="destination"/> the permutation a shuffled iterator with
    /// <paramref name="seed"/> uses for the epoch with index <paramref name="epoch"/>, without an iterator.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public static void ShuffledPermutation(ulong seed, int epoch, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        FillIdentity(destination);
        Generator(seed, epoch).Shuffle(destination);
    }

    private static Xoshiro256StarStar Generator(ulong seed, int epoch)
    {
        // Epoch e takes SplitMix64 outputs 4e … 4e + 3 of the stream seeded with Seed as its state: no
        // two epochs share a generator state, and epoch e needs no work for the epochs before it.
        var splitMix = new SplitMix64(seed);
        splitMix.Skip(4 * (ulong)epoch);
        return new Xoshiro256StarStar(splitMix.Next(), splitMix.Next(), splitMix.Next(), splitMix.Next());
    }

    private static void FillIdentity(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = i;
        }
    }

    private void ValidatePermutation(ReadOnlySpan<int> permutation)
    {
        if (permutation.Length != ExampleCount)
        {
            throw new ArgumentException(
                $"'permutation' has {permutation.Length} entries but there are m = {ExampleCount} examples: it must hold each of 0 … {ExampleCount - 1} once.",
                nameof(permutation));
        }

        Array.Clear(_seen);
        for (int i = 0; i < permutation.Length; i++)
        {
            int example = permutation[i];
            if ((uint)example >= (uint)ExampleCount)
            {
                throw new ArgumentException(
                    $"permutation[{i}] = {example} is not an example index: with m = {ExampleCount} examples they run from 0 to {ExampleCount - 1}.",
                    nameof(permutation));
            }

            ref ulong word = ref _seen[example >> 6];
            ulong bit = 1UL << example;
            if ((word & bit) != 0)
            {
                int first = permutation[..i].IndexOf(example);
                throw new ArgumentException(
                    $"permutation[{i}] = {example} repeats permutation[{first}]: a permutation holds each of 0 … {ExampleCount - 1} exactly once.",
                    nameof(permutation));
            }

            word |= bit;
        }
    }

    // Gathers batch `index` of the current permutation into the buffers and returns it.
    private MiniBatch<T> Gather(int index)
    {
        int start = index * BatchSize;
        int count = Math.Min(BatchSize, ExampleCount - start);
        ReadOnlySpan<int> examples = _permutation.AsSpan(start, count);
        // This batch's examples and the next batch's first few, so the prefetch runs across the boundary.
        ReadOnlySpan<int> upcoming = _permutation.AsSpan(start, Math.Min(count + PrefetchDistance, ExampleCount - start));
        Span<T> features = _featureBuffer.AsSpan(0, FeatureCount * count);
        Span<T> labels = _labelBuffer.AsSpan(0, LabelCount * count);

        // A batch of consecutive examples (no shuffle, or such a caller's permutation) is a block copy.
        int run = IsRun(examples) ? examples[0] : -1;
        int threads = run >= 0 ? 1 : GatherThreads(count);
        if (threads > 1)
        {
            GatherSplit(upcoming, count, features, labels, threads);
        }
        else if (Layout == ExampleLayout.Rows)
        {
            GatherRows(_features.Span, FeatureCount, upcoming, 0, count, run, features);
            GatherRows(_labels.Span, LabelCount, upcoming, 0, count, run, labels);
        }
        else
        {
            GatherColumns(_features.Span, FeatureCount, ExampleCount, examples, 0, count, run, features);
            GatherColumns(_labels.Span, LabelCount, ExampleCount, examples, 0, count, run, labels);
        }

        return new MiniBatch<T>(index, features, labels, examples, FeatureCount, LabelCount, Layout);
    }

    private static bool IsRun(ReadOnlySpan<int> examples)
    {
        int first = examples[0];
        for (int i = 1; i < examples.Length; i++)
        {
            if (examples[i] != first + i)
            {
                return false;
            }
        }

        return true;
    }

    // Rows: example e is the contiguous row source[e·width … e·width + width − 1]; copy whole rows.
    // upcoming holds the batch's examples, then the next few to prefetch; this gathers the batch's
    // examples begin … end − 1 into their places in destination (the whole batch's buffer).
    private static unsafe void GatherRows(ReadOnlySpan<T> source, int width, ReadOnlySpan<int> upcoming, int begin, int end, int run, Span<T> destination)
    {
        if (width == 0)
        {
            return;
        }

        if (run >= 0)
        {
            source.Slice((run + begin) * width, (end - begin) * width).CopyTo(destination.Slice(begin * width));
            return;
        }

        // Every index was validated against m, and source holds m · width elements, so the rows are in
        // bounds: skip the per-element checks.
        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(destination);
        ref int index = ref MemoryMarshal.GetReference(upcoming);
        int rowBytes = width * Unsafe.SizeOf<T>();
        bool prefetch = Sse.IsSupported && rowBytes <= PrefetchMaxRowBytes;
        if (prefetch)
        {
            // The first rows of this range: the loop below prefetches PrefetchDistance rows ahead of itself,
            // so without this a range would start with that many misses in a row (a split gather's second
            // share; the first share's rows were usually asked for by the previous batch already).
            for (int i = begin; i < Math.Min(end, begin + PrefetchDistance); i++)
            {
                PrefetchRow(ref Unsafe.Add(ref from, (nint)Unsafe.Add(ref index, i) * width), rowBytes);
            }
        }

        for (int i = begin; i < end; i++)
        {
            if (prefetch && i + PrefetchDistance < upcoming.Length)
            {
                PrefetchRow(ref Unsafe.Add(ref from, (nint)Unsafe.Add(ref index, i + PrefetchDistance) * width), rowBytes);
            }

            ref T row = ref Unsafe.Add(ref from, (nint)Unsafe.Add(ref index, i) * width);
            ref T target = ref Unsafe.Add(ref to, (nint)i * width);
            if (width < SmallExample)
            {
                for (int f = 0; f < width; f++)
                {
                    Unsafe.Add(ref target, f) = Unsafe.Add(ref row, f);
                }
            }
            else
            {
                Unsafe.CopyBlockUnaligned(ref Unsafe.As<T, byte>(ref target), ref Unsafe.As<T, byte>(ref row), (uint)rowBytes);
            }
        }
    }

    // Asks for every cache line of a row. A hint only: if the GC moved the array since, it prefetches the
    // wrong line, never faults.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRow(ref T row, int rowBytes)
    {
        byte* start = (byte*)Unsafe.AsPointer(ref row);
        for (int line = 0; line < rowBytes; line += 64)
        {
            Sse.Prefetch0(start + line);
        }

        // A row that does not start on a cache line ends in one more line than the loop reached.
        Sse.Prefetch0(start + rowBytes - 1);
    }

    // Columns: source is (width, m); feature f of every example is row f. Gather row by row, so each
    // output row is written sequentially and reads stay within one source row at a time. This gathers
    // the batch's examples begin … end − 1 (of examples) into their columns of destination.
    private static void GatherColumns(ReadOnlySpan<T> source, int width, int exampleCount, ReadOnlySpan<int> examples, int begin, int end, int run, Span<T> destination)
    {
        int count = examples.Length;
        for (int f = 0; f < width; f++)
        {
            ReadOnlySpan<T> row = source.Slice(f * exampleCount, exampleCount);
            Span<T> target = destination.Slice(f * count, count);
            if (run >= 0)
            {
                row.Slice(run + begin, end - begin).CopyTo(target.Slice(begin));
                continue;
            }

            // Indices were validated against m = row.Length: skip the per-element checks.
            ref T from = ref MemoryMarshal.GetReference(row);
            ref T to = ref MemoryMarshal.GetReference(target);
            ref int index = ref MemoryMarshal.GetReference(examples);
            int i = begin;
            for (; i <= end - 4; i += 4)
            {
                Unsafe.Add(ref to, i) = Unsafe.Add(ref from, Unsafe.Add(ref index, i));
                Unsafe.Add(ref to, i + 1) = Unsafe.Add(ref from, Unsafe.Add(ref index, i + 1));
                Unsafe.Add(ref to, i + 2) = Unsafe.Add(ref from, Unsafe.Add(ref index, i + 2));
                Unsafe.Add(ref to, i + 3) = Unsafe.Add(ref from, Unsafe.Add(ref index, i + 3));
            }

            for (; i < end; i++)
            {
                Unsafe.Add(ref to, i) = Unsafe.Add(ref from, Unsafe.Add(ref index, i));
            }
        }
    }

    /// <summary>
    /// One epoch of an iterator: enumerate it with <c>foreach</c> to get its batches in order. It
    /// stays valid until the iterator starts another epoch.
    /// </summary>
    public readonly ref struct Epoch
    {
        private readonly MiniBatchIterator<T> _iterator;

        internal Epoch(MiniBatchIterator<T> iterator, int index)
        {
            _iterator = iterator;
            Index = index;
        }

        /// <summary>The epoch's index: 0 for the first epoch the iterator started.</summary>
        public int Index { get; }

        /// <summary>How many batches the epoch has.</summary>
        public int BatchCount => _iterator?.BatchesPerEpoch ?? 0;

        /// <summary>The epoch's order of examples.</summary>
        /// <exception cref="InvalidOperationException">The iterator has started a later epoch.</exception>
        public ReadOnlySpan<int> Permutation
        {
            get
            {
                EnsureCurrent(_iterator, Index);
                return _iterator._permutation;
            }
        }

        /// <summary>Returns the enumerator of the epoch's batches, for <c>foreach</c>.</summary>
        /// <remarks>
        /// One enumeration of an epoch at a time: its batches share the iterator's buffers, so a second
        /// enumeration (a nested <c>foreach</c> over the same epoch, or another thread's) would overwrite the
        /// batch the first is using. The second one's first <see cref="Enumerator.MoveNext"/> throws instead;
        /// the first may go on. An enumeration ends when it has returned its last batch, when it is disposed
        /// (as <c>foreach</c> does, also on <c>break</c>), or when the iterator starts another epoch.
        /// </remarks>
        public Enumerator GetEnumerator() => new(_iterator, Index);

        internal static void EnsureCurrent(MiniBatchIterator<T> iterator, int index)
        {
            if (iterator is null)
            {
                throw new InvalidOperationException("This epoch is default: start epochs with MiniBatchIterator<T>.NextEpoch().");
            }

            if (iterator.EpochCount != index + 1)
            {
                throw new InvalidOperationException(
                    $"Epoch {index} has ended: the iterator has since started epoch {iterator.EpochCount - 1}, and batches share its buffers and permutation.");
            }
        }
    }

    /// <summary>Moves through an epoch's batches, gathering each one in <see cref="MoveNext"/>.</summary>
    public ref struct Enumerator
    {
        private readonly MiniBatchIterator<T> _iterator;
        private readonly int _epoch;
        private readonly int _enumeration;
        private int _index;
        private MiniBatch<T> _current;

        internal Enumerator(MiniBatchIterator<T> iterator, int epoch)
        {
            _iterator = iterator;
            _epoch = epoch;
            _enumeration = iterator?.NewEnumeration() ?? 0;
            _index = -1;
        }

        /// <summary>The batch gathered by the last successful <see cref="MoveNext"/>.</summary>
        public readonly MiniBatch<T> Current => _current;

        /// <summary>Gathers the next batch into the iterator's buffers; false after the last batch.</summary>
        /// <exception cref="InvalidOperationException">
        /// The iterator has started a later epoch, or another enumeration of this epoch is in progress (nested, or
        /// on another thread); nothing was gathered.
        /// </exception>
        public bool MoveNext()
        {
            Epoch.EnsureCurrent(_iterator, _epoch);
            _iterator.Claim(_enumeration, _epoch);
            if (_index + 1 >= _iterator.BatchesPerEpoch)
            {
                _index = _iterator.BatchesPerEpoch;
                _current = default;
                _iterator.Release(_enumeration);
                return false;
            }

            _index++;
            _current = _iterator.Gather(_index);
            return true;
        }

        /// <summary>Ends this enumeration (<c>foreach</c> calls it), so another may start.</summary>
        public readonly void Dispose() => _iterator?.Release(_enumeration);
    }
}
