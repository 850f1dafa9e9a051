namespace NumKit.Batching;

/// <summary>How a <see cref="MiniBatchIterator{T}"/> orders and cuts each epoch.</summary>
/// <remarks>
/// <c>default(MiniBatchOptions)</c> and <c>new MiniBatchOptions()</c> are the same options: shuffled,
/// seed 0, the last (short) batch kept. Shuffle is stored inverted so that holds, which is why the
/// optional <c>options = default</c> argument of the iterator shuffles.
/// </remarks>
public readonly record struct MiniBatchOptions
{
    // Stored as "do not shuffle" so that the zeroed default value shuffles, like the initialized one.
    private readonly bool _noShuffle;

    /// <summary>Creates the default options: shuffled, seed 0, the last batch kept.</summary>
    public MiniBatchOptions()
    {
    }

    /// <summary>Whether each epoch visits the examples in a fresh seeded random order (true, the default) or in order 0 … m − 1.</summary>
    public bool Shuffle
    {
        get => !_noShuffle;
        init => _noShuffle = !value;
    }

    /// <summary>The seed of the permutations; the same seed gives the same epochs on every machine and .NET version.</summary>
    public ulong Seed { get; init; }

    /// <summary>Whether to skip the last batch of an epoch when it holds fewer than BatchSize examples (false: keep it).</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// How many threads may gather one shuffled batch: 0 or 1 (the default) gathers on the iterating thread;
    /// more splits a batch of at least 2 × <c>MiniBatchIterator&lt;T&gt;.MinimumBytesPerThread</c> bytes between
    /// it and NumKit's worker threads (the same ones a split optimizer step uses). The batches are the same
    /// either way. A shuffled gather waits on memory, and a second core keeps twice the misses in flight.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; }
}
