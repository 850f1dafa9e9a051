using NumKit.Batching;
using NumKit.Randomness;

namespace NumKit.Tests.Batching;

public class Xoshiro256StarStarTests
{
    [Fact]
    public void Xoshiro_matches_the_reference_implementation_from_state_1_2_3_4()
    {
        // The first ten outputs of Vigna's xoshiro256starstar.c with s = {1, 2, 3, 4}, as published in
        // other implementations' test suites.
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600,
            16172922978634559625, 8476171486693032832, 10595114339597558777, 2904607092377533576,
        ];
        var random = new Xoshiro256StarStar(1, 2, 3, 4);
        foreach (ulong value in expected)
        {
            Assert.Equal(value, random.NextUInt64());
        }
    }

    [Fact]
    public void SplitMix64_matches_the_published_outputs_for_seed_0_and_skip_jumps_ahead()
    {
        ulong[] expected = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC];
        var splitMix = new SplitMix64(0);
        foreach (ulong value in expected)
        {
            Assert.Equal(value, splitMix.Next());
        }

        var skipped = new SplitMix64(0);
        skipped.Skip(3);
        Assert.Equal(expected[3], skipped.Next());
    }

    [Fact]
    public void FromSeed_uses_four_SplitMix64_outputs_as_the_state()
    {
        var splitMix = new SplitMix64(99);
        var expected = new Xoshiro256StarStar(splitMix.Next(), splitMix.Next(), splitMix.Next(), splitMix.Next());
        var seeded = Xoshiro256StarStar.FromSeed(99);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(expected.NextUInt64(), seeded.NextUInt64());
        }
    }

    [Fact]
    public void NextBelow_matches_the_reference_including_rejected_draws()
    {
        // From reference_shuffle.py: with bound 3 · 2^30 a quarter of draws are rejected, the first six here.
        uint[] expected = [2824164049, 1480134346, 1850150468, 507211153, 2281160501, 1882639350, 713751782, 2103443280, 2056197920, 2025865684, 2989873220, 682210350];
        var random = new Xoshiro256StarStar(1, 2, 3, 4);
        foreach (uint value in expected)
        {
            Assert.Equal(value, random.NextBelow(3u << 30));
        }
    }

    [Fact]
    public void NextBelow_stays_in_range_and_is_uniform()
    {
        var random = Xoshiro256StarStar.FromSeed(5);
        Assert.Equal(0u, random.NextBelow(1));
        int[] counts = new int[7];
        const int Draws = 70_000;
        for (int i = 0; i < Draws; i++)
        {
            uint value = random.NextBelow(7);
            Assert.InRange(value, 0u, 6u);
            counts[value]++;
        }

        // Each count is binomial(70000, 1/7): mean 10000, σ ≈ 92. A bias of 1% would already sit at 1σ;
        // a broken bound (modulo of a small range, off by one) lands far outside 5σ.
        foreach (int count in counts)
        {
            Assert.InRange(count, 10_000 - 460, 10_000 + 460);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextBelow(0));
    }

    [Fact]
    public void Shuffle_gives_every_permutation_of_three_equally_often()
    {
        var random = Xoshiro256StarStar.FromSeed(11);
        var counts = new Dictionary<string, int>();
        Span<int> items = stackalloc int[3];
        const int Shuffles = 60_000;
        for (int i = 0; i < Shuffles; i++)
        {
            items[0] = 0;
            items[1] = 1;
            items[2] = 2;
            random.Shuffle(items);
            string key = $"{items[0]}{items[1]}{items[2]}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        // 6 permutations, each binomial(60000, 1/6): mean 10000, σ ≈ 91. The classic bug (swapping with any
        // index, not one ≤ i) makes some permutations 4/27 and others 5/27 likely: ±1,100 off.
        Assert.Equal(6, counts.Count);
        foreach (int count in counts.Values)
        {
            Assert.InRange(count, 10_000 - 460, 10_000 + 460);
        }
    }

    [Fact]
    public void An_all_zero_state_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Xoshiro256StarStar(0, 0, 0, 0));
    }

    // The plain Fisher–Yates the shuffle promises: swap item i with NextBelow(i + 1), i from n − 1 down.
    private static void ReferenceShuffle<T>(ref Xoshiro256StarStar random, Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)random.NextBelow((uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    [Theory]
    [InlineData(65_536)]
    [InlineData(1_000_003)]
    public void A_long_shuffle_is_the_plain_Fisher_Yates_permutation(int n)
    {
        var random = Xoshiro256StarStar.FromSeed(42);
        var reference = random;
        int[] items = Enumerable.Range(0, n).ToArray();
        int[] expected = Enumerable.Range(0, n).ToArray();
        random.Shuffle(items.AsSpan());
        ReferenceShuffle(ref reference, expected.AsSpan());
        Assert.Equal(expected, items);

        // The generators made the same draws, so they continue alike.
        Assert.Equal(reference.NextUInt64(), random.NextUInt64());

        // And for wider items.
        long[] wide = Enumerable.Range(0, n / 2).Select(x => (long)x * 3).ToArray();
        long[] wideExpected = (long[])wide.Clone();
        random.Shuffle(wide.AsSpan());
        ReferenceShuffle(ref reference, wideExpected.AsSpan());
        Assert.Equal(wideExpected, wide);
    }
}
