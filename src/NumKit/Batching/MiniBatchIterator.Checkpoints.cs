using System;
using System.IO;
using System.Text;
using NumKit.Checkpoints;

namespace NumKit.Batching;

public sealed partial class MiniBatchIterator<T>
{
    /// <summary>
    /// Makes the next <see cref="NextEpoch()"/> start the epoch with index <paramref name="epoch"/>, as if
    /// that many epochs had been started: epoch e's permutation depends only on the seed and e, so a
    /// resumed run sees the same batches, in the same order, as one that never stopped. Call it between
    /// epochs: an epoch in progress ends (unless <paramref name="epoch"/> is the one after it).
    /// </summary>
    /// <param name="epoch">The index of the next epoch, 0 or more: the number of epochs already trained.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative; the iterator is unchanged.</exception>
    public void ResumeAt(int epoch)
    {
        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"'epoch' is the number of epochs already trained, 0 or more, not {epoch}.");
        }

        EpochCount = epoch;
    }

    /// <summary>
    /// Writes the iterator's position (<see cref="EpochCount"/>) to <paramref name="stream"/>, with what
    /// fixes its sequence of epochs — m, the batch size, shuffling, the seed, whether the last batch is
    /// dropped — so <see cref="LoadCheckpoint"/> can refuse an iterator that would replay other batches.
    /// Versioned and checksummed like the optimizer's checkpoint; save between epochs.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
    public void SaveCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        var hashed = new ChecksumStream(stream, writing: true);
        using var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true);
        CheckpointFormat.WriteHeader(writer, CheckpointFormat.BatchesMagic, CheckpointFormat.BatchesVersion);
        writer.Write(ExampleCount);
        writer.Write(BatchSize);
        writer.Write(Options.Shuffle);
        writer.Write(Options.Seed);
        writer.Write(Options.DropLast);
        writer.Write(EpochCount);
        writer.Flush();
        CheckpointFormat.WriteChecksum(writer, hashed.Hash);
        writer.Flush();
    }

    /// <summary>
    /// Restores the position written by <see cref="SaveCheckpoint"/>: the next <see cref="NextEpoch()"/>
    /// starts the epoch after the last one started before saving. Everything is read and checked first:
    /// a refused stream changes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The checkpoint was saved by an iterator with another m, batch size, shuffle, seed or drop-last
    /// setting, whose epochs differ from this one's.
    /// </exception>
    /// <exception cref="InvalidDataException">The stream is not a mini-batch checkpoint, is of an unknown version, is truncated or is corrupt.</exception>
    public void LoadCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        var hashed = new ChecksumStream(stream, writing: false);
        using var reader = new BinaryReader(hashed, Encoding.UTF8, leaveOpen: true);
        int epochCount;
        try
        {
            CheckpointFormat.ReadHeader(reader, CheckpointFormat.BatchesMagic, "mini-batch checkpoint", CheckpointFormat.BatchesVersion);
            int exampleCount = reader.ReadInt32();
            int batchSize = reader.ReadInt32();
            bool shuffle = reader.ReadBoolean();
            ulong seed = reader.ReadUInt64();
            bool dropLast = reader.ReadBoolean();
            epochCount = reader.ReadInt32();
            ulong computed = hashed.Hash;
            ulong stored = CheckpointFormat.ReadChecksum(reader);
            if (computed != stored)
            {
                throw CheckpointFormat.Corrupt($"its checksum is {stored:x16} but its contents hash to {computed:x16}");
            }

            if (epochCount < 0)
            {
                throw CheckpointFormat.Corrupt($"the epoch count is {epochCount}");
            }

            string saved = Describe(exampleCount, batchSize, shuffle, seed, dropLast);
            string ours = Describe(ExampleCount, BatchSize, Options.Shuffle, Options.Seed, Options.DropLast);
            if (saved != ours)
            {
                throw new ArgumentException(
                    $"The mini-batch checkpoint does not fit this iterator: it was saved by one with {saved}, and this one has {ours}, " +
                    "so its epochs would hold other batches. Create the iterator with the data and options of the run being resumed. Nothing was changed.",
                    nameof(stream));
            }
        }
        catch (EndOfStreamException e)
        {
            throw CheckpointFormat.Truncated(e);
        }

        ResumeAt(epochCount);
    }

    private static string Describe(int exampleCount, int batchSize, bool shuffle, ulong seed, bool dropLast)
        => $"m = {exampleCount}, batch size {batchSize}, {(shuffle ? $"shuffled with seed {seed}" : "not shuffled")}, " +
           $"{(dropLast ? "the last short batch dropped" : "the last short batch kept")}";
}
