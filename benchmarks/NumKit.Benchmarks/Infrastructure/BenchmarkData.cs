namespace NumKit.Benchmarks.Infrastructure;

/// <summary>Deterministic inputs for the benchmarks, and the checks that every competitor computes the same update.</summary>
public static class BenchmarkData
{
    /// <summary>
    /// Fills <paramref name="destination"/> with values in [<paramref name="low"/>, <paramref name="high"/>) from a fixed
    /// seed, kept away from zero by <paramref name="low"/> &gt; 0 where a state must stay positive (Adam's v).
    /// </summary>
    public static void Fill(Span<float> destination, int seed, float low, float high)
    {
        var random = new Random(seed);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + ((float)random.NextDouble() * (high - low));
        }
    }

    /// <summary>Gradients in ±[0.001, 1): signed, never so small that g² would be subnormal.</summary>
    public static void FillGradients(Span<float> destination, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < destination.Length; i++)
        {
            float magnitude = 0.001f + ((float)random.NextDouble() * 0.999f);
            destination[i] = random.Next(2) == 0 ? magnitude : -magnitude;
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> has exactly the bits of <paramref name="expected"/>.</summary>
    public static void RequireSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        RequireSameLength(expected, actual, what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                throw new InvalidOperationException(
                    $"{what}: element {i} is {actual[i]:R} but the generated kernel gives {expected[i]:R}; the benchmark would compare different computations.");
            }
        }
    }

    /// <summary>
    /// Throws unless every element of <paramref name="actual"/> is within <paramref name="tolerance"/> of
    /// <paramref name="expected"/>, relative to 1 + |expected| (float rounding differs between operation orders).
    /// </summary>
    public static void RequireClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        RequireSameLength(expected, actual, what);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]) / (1 + Math.Abs((double)expected[i]));
            if (!(error <= tolerance))
            {
                throw new InvalidOperationException(
                    $"{what}: element {i} is {actual[i]:R} but the generated kernel gives {expected[i]:R} (relative error {error:E2} > {tolerance:E0}); the benchmark would compare different computations.");
            }
        }
    }

    /// <summary>
    /// Prints the address of each span modulo 64 (a 32-byte vector access at an offset that is not a
    /// multiple of 32 straddles two cache lines every other time), so the log shows the alignment
    /// every case ran with.
    /// </summary>
    public static unsafe void LogAlignment(string what, ReadOnlySpan<float> first, ReadOnlySpan<float> second, ReadOnlySpan<float> third = default)
    {
        static string Mod64(ReadOnlySpan<float> span)
        {
            fixed (float* pointer = span)
            {
                return span.IsEmpty ? "-" : ((nuint)pointer % 64).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Console.WriteLine($"// Alignment (address mod 64): {what}: {Mod64(first)}, {Mod64(second)}, {Mod64(third)}.");
    }

    private static void RequireSameLength(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{what}: {actual.Length} elements, expected {expected.Length}.");
        }
    }
}
