using System.Runtime.CompilerServices;

namespace NumKit.Numerics;

/// <summary>
/// Random bits that are a function of a key and an element index, not of any sequence: the same
/// (seed, step, buffer, index) gives the same bits whichever thread, slice or vector width asks.
/// </summary>
/// <remarks>
/// The key folds the seed, the step and the buffer through a 32-bit integer hash once per step and
/// buffer; each element's bits are the hash of the key XOR its index (Chris Wellons' "lowbias32", a
/// bijection with low bias). Stochastic rounding needs 16 unbiased, independent-looking bits per
/// element, not cryptographic strength.
/// </remarks>
internal static class CounterRandom
{
    /// <summary>The key of one buffer's draws at one step.</summary>
    public static uint Key(uint seed, int step, int buffer)
        => Mix(Mix(Mix(seed ^ 0x9E3779B9u) ^ (uint)step) ^ (uint)buffer * 0x85EBCA6Bu);

    /// <summary>The 32 random bits of element <paramref name="index"/> under <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Bits(uint key, int index) => Mix(key ^ (uint)index);

    /// <summary>lowbias32: a 32-bit bijective integer hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        x ^= x >> 16;
        return x;
    }
}
