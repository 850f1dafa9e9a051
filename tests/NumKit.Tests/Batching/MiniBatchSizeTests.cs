using NumKit.Batching;

namespace NumKit.Tests.Batching;

public class MiniBatchSizeTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void A_small_set_that_fits_uses_batch_gradient_descent()
    {
        MiniBatchSizeRecommendation recommendation = MiniBatchSize.Recommend(2_000, 100, 1024 * MiB);
        Assert.Equal(2_000, recommendation.BatchSize);
        Assert.True(recommendation.IsBatchGradientDescent);
        Assert.Contains("2,000", recommendation.Reason, StringComparison.Ordinal);
        Assert.Contains("5,000", recommendation.Reason, StringComparison.Ordinal);
        Assert.Contains("batch gradient descent", recommendation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_threshold_is_configurable_to_the_lectures_2000()
    {
        MiniBatchSizeRecommendation recommendation = MiniBatchSize.Recommend(2_000, 100, 1024 * MiB, smallSetThreshold: 2_000);
        Assert.Equal(512, recommendation.BatchSize);
        Assert.False(recommendation.IsBatchGradientDescent);
        Assert.Contains("not below the small-set threshold of 2,000", recommendation.Reason, StringComparison.Ordinal);

        Assert.Equal(1_999, MiniBatchSize.Recommend(1_999, 100, 1024 * MiB, smallSetThreshold: 2_000).BatchSize);
    }

    [Theory]
    [InlineData(1_000_000, 260L, 1024L * 1024, 512, 512)]     // 4,032 examples fit: the starting size
    [InlineData(1_000_000, 260L, 64L * 1024, 512, 128)]       // 252 fit: 256 is too big, 128 is the largest that fits
    [InlineData(1_000_000, 260L, 1024L * 1024, 1024, 1024)]   // starting from 1024
    [InlineData(1_000_000, 4096L, 4096L, 512, 1)]             // exactly one example fits
    [InlineData(10_000, 4L, 1L << 40, 16384, 8192)]           // a huge start is capped by m
    public void A_large_set_gets_the_largest_power_of_two_that_fits(int m, long bytesPerExample, long budget, int largest, int expected)
    {
        MiniBatchSizeRecommendation recommendation = MiniBatchSize.Recommend(m, bytesPerExample, budget, largestBatchSize: largest);
        Assert.Equal(expected, recommendation.BatchSize);
        Assert.False(recommendation.IsBatchGradientDescent);
        Assert.Contains($"b = {expected:N0}", recommendation.Reason, StringComparison.Ordinal);
        Assert.True(expected * bytesPerExample <= budget);
    }

    [Fact]
    public void The_readmes_example_reads_as_documented()
    {
        MiniBatchSizeRecommendation recommendation = MiniBatchSize.Recommend(1_000_000, 65 * sizeof(float), 64 * 1024);
        Assert.Equal(128, recommendation.BatchSize);
        Assert.Equal(
            "m = 1,000,000 examples is not below the small-set threshold of 5,000: use mini-batch gradient descent with b = 128, " +
            "the largest power of two from 512 down whose batch fits the 64 KiB budget (128 × 260 B = 32.5 KiB). Shuffle the examples every epoch.",
            recommendation.Reason);
    }

    [Fact]
    public void A_batch_is_never_larger_than_the_set()
    {
        MiniBatchSizeRecommendation recommendation = MiniBatchSize.Recommend(300, 8, MiB, smallSetThreshold: 0);
        Assert.Equal(256, recommendation.BatchSize);
        Assert.Contains("≤ m = 300", recommendation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_set_that_does_not_fit_the_budget_gets_mini_batches()
    {
        MiniBatchSizeRecommendation recommendation = MiniBatchSize.Recommend(3_000, 1_000, 300_000);
        Assert.Equal(256, recommendation.BatchSize);
        Assert.False(recommendation.IsBatchGradientDescent);
        Assert.Contains("does not fit", recommendation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_argument()
    {
        Assert.Equal("exampleCount", Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatchSize.Recommend(0, 4, MiB)).ParamName);
        Assert.Equal("bytesPerExample", Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatchSize.Recommend(10, 0, MiB)).ParamName);
        Assert.Equal("smallSetThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatchSize.Recommend(10, 4, MiB, smallSetThreshold: -1)).ParamName);
        var notPowerOfTwo = Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatchSize.Recommend(10_000, 4, MiB, largestBatchSize: 500));
        Assert.Equal("largestBatchSize", notPowerOfTwo.ParamName);
        Assert.Contains("500", notPowerOfTwo.Message, StringComparison.Ordinal);
        var tooSmall = Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatchSize.Recommend(10_000, 2048, 1024));
        Assert.Contains("2 KiB", tooSmall.Message, StringComparison.Ordinal);
        Assert.Contains("1 KiB", tooSmall.Message, StringComparison.Ordinal);
    }
}
