using System.Buffers.Binary;
using System.Security.Cryptography;
using NumKit.Demo.Course;

namespace NumKit.Demo.Tests;

public class NumpyLegacyRandomTests
{
    // SHA-256 of shared/data/course/permutations_10000x300_u16le.bin: the 10,000 rows numpy wrote, as
    // little-endian uint16. Kept here so a clone without shared/ still checks every row.
    private const string CoursePermutationsSha256 = "d8cf61097f1c72f1917cf0bef53dc0e73997cda676afb1ead5a099e3f5df64d0";
    private const int Rows = 10_000;
    private const int Columns = 300;

    [Fact]
    public void Mt19937_matches_the_reference_implementation_for_seed_5489()
    {
        // Matsumoto and Nishimura's mt19937ar.c, init_genrand(5489): the first outputs every MT19937 port checks.
        var random = new NumpyLegacyRandom(5489);
        Assert.Equal(3499211612u, random.NextUInt32());
        Assert.Equal(581869302u, random.NextUInt32());
        Assert.Equal(3890346734u, random.NextUInt32());
        Assert.Equal(3586334585u, random.NextUInt32());
    }

    [Fact]
    public void Course_permutations_start_as_the_course_file_says()
    {
        var random = new NumpyLegacyRandom(0);
        var row = new int[Columns];

        random.CourseEpochPermutation(0, row);
        Assert.Equal([174, 113, 86, 239, 12, 252, 261, 39, 200, 61], row[..10]);
        random.CourseEpochPermutation(1, row);
        Assert.Equal([224, 136, 67, 231, 213, 77, 1, 281, 191, 190], row[..10]);
        random.CourseEpochPermutation(9999, row);
        Assert.Equal([74, 41, 140, 24, 107, 147, 249, 271, 183, 268], row[..10]);
    }

    [Fact]
    public void All_ten_thousand_course_permutations_match_numpy()
    {
        byte[] generated = GenerateCourseFile();
        Assert.Equal(CoursePermutationsSha256, Convert.ToHexStringLower(SHA256.HashData(generated)));

        // Where the shared file is at hand, compare row by row too, so a failure names the first bad row.
        if (SharedData.Find("permutations_10000x300_u16le.bin") is { } path)
        {
            byte[] expected = File.ReadAllBytes(path);
            Assert.Equal(CoursePermutationsSha256, Convert.ToHexStringLower(SHA256.HashData(expected)));
            for (int row = 0; row < Rows; row++)
            {
                Assert.True(
                    expected.AsSpan(row * Columns * 2, Columns * 2).SequenceEqual(generated.AsSpan(row * Columns * 2, Columns * 2)),
                    $"Row {row} (seed {11 + row}) differs from numpy's.");
            }
        }
    }

    [Fact]
    public void Every_permutation_holds_each_index_once()
    {
        var random = new NumpyLegacyRandom(42);
        foreach (int n in new[] { 0, 1, 2, 3, 64, 300, 1000 })
        {
            var permutation = new int[n];
            random.Permutation(permutation);
            Array.Sort(permutation);
            Assert.Equal(Enumerable.Range(0, n), permutation);
        }
    }

    [Fact]
    public void Interval_draws_stay_within_the_bound_and_reach_it()
    {
        var random = new NumpyLegacyRandom(7);
        Assert.Equal(0u, random.NextInterval(0));
        var seen = new bool[6];
        for (int i = 0; i < 1000; i++)
        {
            uint value = random.NextInterval(5);
            Assert.InRange(value, 0u, 5u);
            seen[value] = true;
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void Reseeding_restarts_the_stream_including_the_cached_gaussian()
    {
        var random = new NumpyLegacyRandom(3);
        double first = random.NextGaussian();
        double second = random.NextGaussian();
        random.Seed(3);
        Assert.Equal(first, random.NextGaussian());
        Assert.Equal(second, random.NextGaussian());
    }

    [Fact]
    public void He_initialisation_with_seed_3_is_the_course_file_bit_for_bit()
    {
        // randn is numpy's polar method on 53-bit uniforms: the course's weights come out exactly.
        InitialWeights course = InitialWeights.LoadCourse();
        InitialWeights drawn = InitialWeights.He([2, 5, 2, 1], seed: 3);
        Assert.Equal([2, 5, 2, 1], course.LayerSizes.ToArray());
        Assert.Equal(course.Parameters.ToArray(), drawn.Parameters.ToArray());
        Assert.Equal(1.7886284734303186, course.Parameters[0]);
        Assert.Equal(-0.20564989942254108, course.Parameters[^2]);
    }

    [Fact]
    public void Course_epoch_rejects_a_negative_epoch()
    {
        var random = new NumpyLegacyRandom(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.CourseEpochPermutation(-1, new int[3]));
    }

    private static byte[] GenerateCourseFile()
    {
        var random = new NumpyLegacyRandom(0);
        var row = new int[Columns];
        var bytes = new byte[Rows * Columns * 2];
        for (int r = 0; r < Rows; r++)
        {
            random.CourseEpochPermutation(r, row);
            for (int c = 0; c < Columns; c++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(((r * Columns) + c) * 2), checked((ushort)row[c]));
            }
        }

        return bytes;
    }
}
