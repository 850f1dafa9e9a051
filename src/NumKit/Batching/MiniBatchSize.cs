using System;
using System.Globalization;
using System.Numerics;

namespace NumKit.Batching;

/// <summary>
/// Chooses a mini-batch size the way the course does: batch gradient descent (the whole set) when
/// the training set is small, otherwise the largest power of two, from 512 (or 1024) down, whose
/// batch fits in a memory budget (the CPU cache or the RAM you can spare).
/// </summary>
public static class MiniBatchSize
{
    /// <summary>Below this many examples the set counts as small: 5,000 (the lecture says about 2,000).</summary>
    public const int DefaultSmallSetThreshold = 5_000;

    /// <summary>The batch size tried first for larger sets: 512, the largest of the course's typical sizes (64, 128, 256, 512).</summary>
    public const int DefaultLargestBatchSize = 512;

    /// <summary>Recommends a batch size and says why.</summary>
    /// <param name="exampleCount">The number of training examples, m ≥ 1.</param>
    /// <param name="bytesPerExample">The memory one example occupies while a batch is processed (features, labels, activations, gradients), ≥ 1.</param>
    /// <param name="memoryBudgetBytes">The memory one batch may occupy, ≥ 1: a cache size for speed, or the RAM available.</param>
    /// <param name="smallSetThreshold">Sets with fewer examples use batch gradient descent, if they fit the budget; ≥ 0.</param>
    /// <param name="largestBatchSize">The first power of two tried (512 or 1024 are usual); halved until the batch fits.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or a single example does not fit the budget.</exception>
    public static MiniBatchSizeRecommendation Recommend(
        int exampleCount,
        long bytesPerExample,
        long memoryBudgetBytes,
        int smallSetThreshold = DefaultSmallSetThreshold,
        int largestBatchSize = DefaultLargestBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerExample, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryBudgetBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(smallSetThreshold);
        if (largestBatchSize < 1 || !BitOperations.IsPow2(largestBatchSize))
        {
            throw new ArgumentOutOfRangeException(nameof(largestBatchSize), largestBatchSize,
                $"'largestBatchSize' must be a power of two such as 512 or 1024, not {largestBatchSize}.");
        }

        if (bytesPerExample > memoryBudgetBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryBudgetBytes), memoryBudgetBytes,
                $"Not even one example ({Bytes(bytesPerExample)}) fits the memory budget of {Bytes(memoryBudgetBytes)}.");
        }

        string m = Count(exampleCount);
        string threshold = Count(smallSetThreshold);
        string budget = Bytes(memoryBudgetBytes);
        // Compared by division, so no product of two large counts is formed (or overflows).
        long fitInBudget = memoryBudgetBytes / bytesPerExample;
        if (exampleCount < smallSetThreshold && exampleCount <= fitInBudget)
        {
            return new MiniBatchSizeRecommendation(exampleCount, true,
                $"m = {m} examples is below the small-set threshold of {threshold}: use batch gradient descent, b = m = {m}. " +
                $"The whole set ({m} × {Bytes(bytesPerExample)} = {Bytes((double)exampleCount * bytesPerExample)}) fits the {budget} budget, and every step sees every example.");
        }

        int capByCount = LargestPowerOfTwoAtMost(Math.Min(largestBatchSize, exampleCount));
        int capByBudget = LargestPowerOfTwoAtMost(Math.Min(largestBatchSize, fitInBudget));
        int batchSize = Math.Min(capByCount, capByBudget);

        string why = exampleCount < smallSetThreshold
            ? $"m = {m} examples is below the small-set threshold of {threshold}, but the whole set ({Bytes((double)exampleCount * bytesPerExample)}) does not fit the {budget} budget"
            : $"m = {m} examples is not below the small-set threshold of {threshold}";
        string choice = batchSize == largestBatchSize
            ? $"the starting size, whose batch fits the {budget} budget"
            : capByCount < capByBudget
                ? $"the largest power of two ≤ m = {m} (from {Count(largestBatchSize)} down)"
                : $"the largest power of two from {Count(largestBatchSize)} down whose batch fits the {budget} budget";
        return new MiniBatchSizeRecommendation(batchSize, false,
            $"{why}: use mini-batch gradient descent with b = {Count(batchSize)}, {choice} " +
            $"({Count(batchSize)} × {Bytes(bytesPerExample)} = {Bytes((double)batchSize * bytesPerExample)}). Shuffle the examples every epoch.");
    }

    private static int LargestPowerOfTwoAtMost(long value) => (int)(BitOperations.RoundUpToPowerOf2((ulong)value + 1) / 2);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Bytes with a binary unit: 512 B, 64 KiB, 1.5 MiB.</summary>
    internal static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString("0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}

/// <summary>A batch size recommended by <see cref="MiniBatchSize.Recommend"/>, with the reason in words.</summary>
/// <param name="BatchSize">The recommended batch size b.</param>
/// <param name="IsBatchGradientDescent">Whether b is the whole training set (batch gradient descent).</param>
/// <param name="Reason">Why this size: the rule that applied and the numbers it compared.</param>
public readonly record struct MiniBatchSizeRecommendation(int BatchSize, bool IsBatchGradientDescent, string Reason)
{
    /// <summary>The batch size and the reason, for logs.</summary>
    public override string ToString() => $"b = {BatchSize}: {Reason}";
}
