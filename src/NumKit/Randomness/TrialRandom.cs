using System;

namespace NumKit.Randomness;

/// <summary>
/// A counter-based random stream: draw n (1, 2, ...) of the stream keyed by (seed, stream) is
/// SplitMix64's output function applied to key + n·γ, so any trial's numbers can be computed on any
/// thread, in any order, without a shared generator.
/// </summary>
/// <remarks>
/// <para>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014)
/// advances its state by the odd constant γ = 0x9E3779B97F4A7C15 and returns a 64-bit finalizer of the
/// state (Stafford's "mix13"); its n-th output depends only on the seed and n, which makes it a
/// counter-based generator. <c>new TrialRandom(seed)</c> is exactly SplitMix64 seeded with
/// the seed (the reference output of seed 1234567 is checked in the tests).
/// </para>
/// <para>
/// <c>new TrialRandom(seed, stream)</c> keys a separate stream by hashing (seed, stream) with the same
/// finalizer; NumKit's searches use stream = trial id, so trial 17 draws the same numbers whether it
/// runs first, last, alone or on the fourth of eight threads. It is a value type with no shared
/// state: copying it copies the position. Not cryptographically secure.
/// </para>
/// </remarks>
public struct TrialRandom
{
    /// <summary>SplitMix64's increment: the odd integer closest to 2^64 / φ.</summary>
    private const ulong Gamma = SplitMix64.Gamma;

    // A second odd constant (the fractional part of √2) so that the key of (seed, stream) is not a
    // plain SplitMix64 state that another (seed, stream) pair could step into.
    private const ulong StreamSalt = 0x6A09E667F3BCC909UL;

    private readonly ulong _key;
    private ulong _counter;

    /// <summary>Creates the stream SplitMix64 produces from <paramref name="seed"/>.</summary>
    public TrialRandom(ulong seed)
    {
        _key = seed;
        _counter = 0;
    }

    /// <summary>
    /// Creates the stream keyed by (<paramref name="seed"/>, <paramref name="stream"/>): independent
    /// of every other stream number for the same seed.
    /// </summary>
    public TrialRandom(ulong seed, ulong stream)
    {
        _key = DeriveKey(seed, stream);
        _counter = 0;
    }

    /// <summary>How many 64-bit draws this stream has made.</summary>
    public readonly ulong Position => _counter;

    /// <summary>
    /// The key of the stream (<paramref name="seed"/>, <paramref name="stream"/>): a 64-bit hash, usable
    /// as the seed of another generator (such as a model's weight initialisation).
    /// </summary>
    public static ulong DeriveKey(ulong seed, ulong stream) => Mix(seed ^ Mix(stream ^ StreamSalt));

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        _counter++;
        return Mix(unchecked(_key + (_counter * Gamma)));
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of a draw, so every value is a multiple of 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="count"/>), without modulo bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public int NextInt32(int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The number of outcomes must be positive.");
        }

        // Lemire's multiply-and-reject ("Fast random integer generation in an interval", 2019): the high
        // word of draw × count is uniform once draws whose low word falls in the short first zone are rejected.
        ulong range = (ulong)count;
        ulong threshold = unchecked(0UL - range) % range;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= threshold)
            {
                return (int)high;
            }
        }
    }

    /// <summary>A uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high) => low + (NextDouble() * (high - low));

    /// <summary>A standard normal value (Box–Muller, two uniform draws), e.g. for weight initialisation.</summary>
    public double NextGaussian()
    {
        // 1 - u is in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Mix(ulong z) => SplitMix64.Mix(z);
}
