namespace NumKit.Randomness;

/// <summary>
/// The SplitMix64 generator (Steele, Lea and Flood; https://prng.di.unimi.it/splitmix64.c): a
/// counter advanced by the golden-ratio constant and hashed, used to seed <see cref="Xoshiro256StarStar"/>.
/// </summary>
public struct SplitMix64
{
    /// <summary>The counter increment, 2^64 / φ rounded to odd.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15;

    private ulong _state;

    /// <summary>Creates the generator with state <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next() => Mix(_state += Gamma);

    /// <summary>Skips <paramref name="count"/> outputs in O(1): the state is a counter, so this adds count · <see cref="Gamma"/>.</summary>
    public void Skip(ulong count) => _state += count * Gamma;

    /// <summary>Stafford's "mix13" 64-bit finalizer, SplitMix64's output function (also <see cref="TrialRandom"/>'s).</summary>
    internal static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
