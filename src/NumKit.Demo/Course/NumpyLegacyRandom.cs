using System;

namespace NumKit.Demo.Course;

/// <summary>
/// numpy's legacy global generator (<c>np.random.seed</c>, <c>permutation</c>, <c>randn</c>), bit for bit:
/// the Mersenne Twister MT19937 with numpy's legacy bounded draws and polar Gaussian, so the course's
/// shuffles and initial weights can be replayed rather than shipped.
/// </summary>
/// <remarks>
/// What numpy 1.x does, and this class follows: <c>RandomState.seed(int)</c> calls <c>mt19937_seed</c>,
/// which is Matsumoto and Nishimura's <c>init_genrand</c> (not <c>init_by_array</c>); <c>permutation(n)</c>
/// shuffles <c>arange(n)</c> with Fisher–Yates from the last element down, drawing each index with
/// <c>random_interval</c> (mask to the smallest 2^k − 1 at or above the bound, reject draws above it);
/// <c>randn</c> uses the Marsaglia polar method on 53-bit uniforms and caches the second value.
/// The tests check all three against files numpy wrote.
/// </remarks>
public sealed class NumpyLegacyRandom
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    private readonly uint[] _state = new uint[N];
    private int _position;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Creates a generator seeded as <c>np.random.seed(<paramref name="seed"/>)</c> seeds it.</summary>
    public NumpyLegacyRandom(uint seed)
    {
        Seed(seed);
    }

    /// <summary>Re-seeds in place, as <c>np.random.seed(<paramref name="seed"/>)</c> does (no allocation).</summary>
    public void Seed(uint seed)
    {
        // init_genrand: the reference implementation's linear recurrence over the 624 words.
        _state[0] = seed;
        for (int i = 1; i < N; i++)
        {
            uint previous = _state[i - 1];
            _state[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
        }

        _position = N;
        _hasGauss = false;
        _gauss = 0;
    }

    /// <summary>The next 32-bit output of MT19937 (tempered).</summary>
    public uint NextUInt32()
    {
        if (_position >= N)
        {
            Twist();
        }

        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="max"/>] by numpy's legacy <c>random_interval</c>: mask the
    /// 32-bit draw to the smallest 2^k − 1 that covers <paramref name="max"/> and draw again while above it.
    /// </summary>
    public uint NextInterval(uint max)
    {
        if (max == 0)
        {
            return 0;
        }

        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;

        uint value;
        while ((value = NextUInt32() & mask) > max)
        {
        }

        return value;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits, as numpy's legacy <c>random_sample</c>.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary>A standard normal value as numpy's legacy <c>randn</c> draws it (polar method, second value cached).</summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }

        double x1, x2, r2;
        do
        {
            x1 = (2.0 * NextDouble()) - 1.0;
            x2 = (2.0 * NextDouble()) - 1.0;
            r2 = (x1 * x1) + (x2 * x2);
        }
        while (r2 >= 1.0 || r2 == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>
    /// Writes <c>np.random.permutation(destination.Length)</c> into <paramref name="destination"/>:
    /// 0, 1, …, n − 1 shuffled from the last position down, without allocating.
    /// </summary>
    public void Permutation(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = i;
        }

        for (int i = destination.Length - 1; i >= 1; i--)
        {
            int j = (int)NextInterval((uint)i);
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }

    /// <summary>The permutation of the course's epoch <paramref name="epoch"/> (0-based): <c>np.random.seed(11 + epoch); np.random.permutation(n)</c>.</summary>
    /// <remarks>The assignment starts from <c>seed = 10</c> and adds one before each epoch's mini-batches.</remarks>
    public void CourseEpochPermutation(int epoch, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Seed(checked((uint)(epoch + 11)));
        Permutation(destination);
    }

    private void Twist()
    {
        for (int k = 0; k < N; k++)
        {
            uint y = (_state[k] & UpperMask) | (_state[(k + 1) % N] & LowerMask);
            _state[k] = _state[(k + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        }

        _position = 0;
    }
}
