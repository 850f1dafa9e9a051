using System;
using System.Numerics;

namespace NumKit.Randomness;

/// <summary>
/// The xoshiro256** 1.0 pseudo-random generator of Blackman and Vigna
/// (https://prng.di.unimi.it/xoshiro256starstar.c), seeded through SplitMix64, with unbiased bounded
/// integers (Lemire's method) and a Fisher–Yates shuffle — so a seed gives the same numbers on every
/// machine and .NET version, which <see cref="Random"/> does not promise.
/// </summary>
/// <remarks>
/// A mutable struct: keep it in a variable and call its methods on that variable, not on a copy. It
/// is not cryptographically secure.
/// </remarks>
public struct Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates the generator with the state (<paramref name="s0"/>, <paramref name="s1"/>, <paramref name="s2"/>, <paramref name="s3"/>), as the reference implementation's <c>s[0..3]</c>.</summary>
    /// <exception cref="ArgumentException">All four words are zero, the one state the generator never leaves.</exception>
    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("The state of xoshiro256** must not be all zero: the generator would output zeros forever.");
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>
    /// The generator seeded as its authors recommend: its state is the next four outputs of a
    /// SplitMix64 generator whose state is <paramref name="seed"/>.
    /// </summary>
    public static Xoshiro256StarStar FromSeed(ulong seed)
    {
        var splitMix = new SplitMix64(seed);
        // SplitMix64 is a bijection of its counter, so four consecutive outputs are never all zero.
        return new Xoshiro256StarStar(splitMix.Next(), splitMix.Next(), splitMix.Next(), splitMix.Next());
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>The next 32 random bits: the upper half of <see cref="NextUInt64"/>, the generator's strongest bits.</summary>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A uniformly distributed integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's nearly divisionless method).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is 0.</exception>
    public uint NextBelow(uint bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);

        // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high word of x · bound is
        // uniform over [0, bound) once the low word's 2^32 mod bound smallest values are rejected.
        ulong product = (ulong)NextUInt32() * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * bound;
                low = (uint)product;
            }
        }

        return (uint)(product >> 32);
    }

    /// <summary>
    /// Shuffles <paramref name="items"/> uniformly in place with Fisher–Yates (Durstenfeld's form):
    /// for i from n − 1 down to 1, swap item i with item <see cref="NextBelow"/>(i + 1).
    /// </summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextBelow((uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
