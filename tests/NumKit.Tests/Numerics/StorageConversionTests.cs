using NumKit.Tests.Kernels;
using NumKit.Kernels;
using NumKit.Numerics;

namespace NumKit.Tests.Numerics;

public class StorageConversionTests
{
    public static TheoryData<int> Paths => new() { 512, 256, 128, 0 };

    private static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        float[] specials = { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.MaxValue, -float.MaxValue, float.Epsilon, 1f, BitConverter.UInt32BitsToSingle(0x3F808000) };

        // Bit patterns where a vector rounding can go wrong: ties to an odd and an even neighbour (both signs), just
        // below and above a tie, a carry into the exponent and into ∞, denormal ties, and NaNs whose payload lies
        // only in the dropped half (they must stay NaN, not round to ∞), signalling or quiet, of both signs.
        uint[] edges =
        {
            0x3F81_8000, 0xBF81_8000, 0xBF80_8000, 0x3F80_7FFF, 0x3F80_8001, 0x3FFF_8000, 0x7F7F_8000, 0x7F7F_FFFF,
            0x0000_8000, 0x0001_8000, 0x8001_8000, 0x007F_8000, 0x7F80_0001, 0xFF80_0001, 0x7F80_8000, 0x7FBF_FFFF,
            0x7FC0_0000, 0xFFFF_FFFF, 0x7FFF_8000, 0x4000_FFFF,
        };

        // The edges are placed at a different lane of each length, so every lane of every width meets them.
        return Enumerable.Range(0, length).Select(i =>
            i < specials.Length ? specials[i]
            : (i + length) % 3 == 0 ? BitConverter.UInt32BitsToSingle(edges[(i + length) / 3 % edges.Length])
            : BitConverter.UInt32BitsToSingle((uint)random.Next() * 2u + (uint)random.Next(2))).ToArray();
    }

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Narrowing_and_widening_give_the_scalar_definitions_bits_on_every_path_and_length(int path)
    {
        if (!EveryPath.CanRun(path))
        {
            return; // reported as skipped, with the reason
        }

        using var limit = VectorPaths.Limit(path);
        for (int length = 0; length <= 140; length++)
        {
            float[] source = Values(length, length);
            var narrow = new BFloat16[length];
            StorageConversion.NarrowToNearestEven(source, narrow);
            var wide = new float[length];
            StorageConversion.Widen(narrow, wide);
            for (int i = 0; i < length; i++)
            {
                BFloat16 expected = (BFloat16)source[i];
                Assert.Equal(expected.Bits, narrow[i].Bits);
                Assert.Equal((uint)expected.Bits << 16, BitConverter.SingleToUInt32Bits(wide[i]));
            }
        }
    }

    [Fact]
    public void Stochastic_rounding_picks_a_neighbour_unbiased_and_keyed_by_index_alone()
    {
        // 1 + a quarter of bfloat16's step at 1: rounds up a quarter of the time.
        float x = 1f + (0.25f * MathF.Pow(2, -7));
        int n = 1 << 16;
        float[] source = Enumerable.Repeat(x, n).ToArray();
        var rounded = new BFloat16[n];
        uint key = CounterRandom.Key(seed: 42, step: 7, buffer: 1);
        StorageConversion.NarrowStochastic(source, rounded, key, firstIndex: 0);
        int up = rounded.Count(b => b.Bits == 0x3F81);
        Assert.Equal(n, up + rounded.Count(b => b.Bits == 0x3F80));
        Assert.InRange(up / (double)n, 0.24, 0.26);

        // The same element gets the same bits however the span is cut.
        var pieces = new BFloat16[n];
        StorageConversion.NarrowStochastic(source.AsSpan(0, 1000), pieces.AsSpan(0, 1000), key, 0);
        StorageConversion.NarrowStochastic(source.AsSpan(1000), pieces.AsSpan(1000), key, 1000);
        Assert.Equal(rounded.Select(b => b.Bits), pieces.Select(b => b.Bits));

        // Another step or buffer draws other bits; exact values and NaN are never changed.
        var other = new BFloat16[n];
        StorageConversion.NarrowStochastic(source, other, CounterRandom.Key(42, 8, 1), 0);
        Assert.NotEqual(rounded.Select(b => b.Bits), other.Select(b => b.Bits));
        float[] exact = { 1f, -2f, 0f, float.PositiveInfinity, float.NaN };
        var exactRounded = new BFloat16[exact.Length];
        StorageConversion.NarrowStochastic(exact, exactRounded, key, 0);
        Assert.Equal(new ushort[] { 0x3F80, 0xC000, 0x0000, 0x7F80 }, exactRounded.Take(4).Select(b => b.Bits));
        Assert.True(BFloat16.IsNaN(exactRounded[4]));
    }

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Stochastic_rounding_gives_the_scalar_definitions_bits_on_every_path_and_length(int path)
    {
        if (!EveryPath.CanRun(path))
        {
            return; // reported as skipped, with the reason
        }

        uint key = CounterRandom.Key(seed: 9, step: 3, buffer: 0);
        using var limit = VectorPaths.Limit(path);
        for (int length = 0; length <= 140; length++)
        {
            float[] source = Values(length, length + 1000);
            var rounded = new BFloat16[length];
            int first = (length * 37) - 200; // negative, zero and positive element indices
            StorageConversion.NarrowStochastic(source, rounded, key, first);
            for (int i = 0; i < length; i++)
            {
                ushort expected = StorageConversion.RoundStochastic(BitConverter.SingleToUInt32Bits(source[i]), CounterRandom.Bits(key, first + i));
                Assert.True(expected == rounded[i].Bits, $"path {path}, length {length}, element {i}: {rounded[i].Bits:X4}, scalar {expected:X4}");
            }
        }
    }
}
