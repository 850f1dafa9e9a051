using System.Runtime.Intrinsics;
using NumKit.Kernels;

namespace NumKit.Tests.Kernels;

/// <summary>
/// Runs a test body once per vector path this process has, so each width is exercised whatever the CI CPU; a
/// path it does not have is recorded, and the test (a [PathFact] or [PathTheory]) is reported as skipped rather
/// than passed, since VectorPaths.Limit cannot force a width the runtime does not accelerate.
/// </summary>
public static class EveryPath
{
    /// <summary>The limits to force: no limit (the machine's widest), then 256, 128 and scalar only.</summary>
    public static readonly int[] Limits = { 512, 256, 128, 0 };

    /// <summary>Runs <paramref name="body"/> under each path limit this process can run, passing the limit.</summary>
    /// <exception cref="InvalidOperationException">The test is not a [PathFact] or [PathTheory], so a missing path could not be reported.</exception>
    public static void Run(Action<int> body)
    {
        MissingPaths missing = Collector();
        foreach (int limit in Limits)
        {
            if (!Available(limit))
            {
                missing.Add(limit);
                continue;
            }

            using (VectorPaths.Limit(limit))
            {
                body(limit);
            }
        }
    }

    /// <summary>
    /// For a test given one path (a theory row): whether this process can run <paramref name="path"/>; if not, the
    /// test is reported as skipped with the reason (return without checking anything).
    /// </summary>
    public static bool CanRun(int path)
    {
        MissingPaths missing = Collector();
        if (Available(path))
        {
            return true;
        }

        missing.Add(path);
        return false;
    }

    // The scalar path always runs; a vector width only if the runtime accelerates vectors that wide.
    private static bool Available(int bits) => bits == 0 || bits <= VectorPaths.HardwareBits;

    private static MissingPaths Collector()
        => MissingPaths.Current ?? throw new InvalidOperationException(
            "A test that runs every vector path must be a [PathFact] or [PathTheory], so a path this process cannot run is reported as skipped instead of passing unrun.");
}

public class VectorPathsTests
{
    [Fact]
    public void Limit_restores_the_previous_limit_when_disposed()
    {
        Assert.Equal(512, VectorPaths.MaxBits);
        using (VectorPaths.Limit(128))
        {
            Assert.False(VectorPaths.Allows(256));
            Assert.True(VectorPaths.Allows(128));
            using (VectorPaths.Limit(0))
            {
                Assert.False(VectorPaths.Allows(128));
            }

            Assert.True(VectorPaths.Allows(128));
        }

        Assert.True(VectorPaths.Allows(512));
    }

    [Fact]
    public void MaxBits_reads_back_what_Limit_was_given_and_512_without_a_limit()
    {
        Assert.Equal(512, VectorPaths.MaxBits);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            using (VectorPaths.Limit(bits))
            {
                Assert.Equal(bits, VectorPaths.MaxBits);
            }
        }

        Assert.Equal(512, VectorPaths.MaxBits);
    }

    [Fact]
    public void ActiveBits_is_the_widest_accelerated_width_within_the_limit()
    {
        int hardware = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        Assert.Equal(hardware, VectorPaths.HardwareBits);
        Assert.Equal(hardware, VectorPaths.ActiveBits);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            using (VectorPaths.Limit(bits))
            {
                Assert.Equal(Math.Min(hardware, bits), VectorPaths.ActiveBits);
                Assert.Equal(hardware, VectorPaths.HardwareBits);
            }
        }
    }

    [Fact]
    public void ActiveBits_names_the_path_the_kernels_take()
    {
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            using (VectorPaths.Limit(bits))
            {
                int taken = Simd512<float>.IsEnabled ? 512 : Simd256<float>.IsEnabled ? 256 : Simd128<float>.IsEnabled ? 128 : 0;
                Assert.Equal(taken, VectorPaths.ActiveBits);
            }
        }
    }

    [Fact]
    public void Limit_refuses_a_width_that_is_not_a_vector_width()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => VectorPaths.Limit(64));
        Assert.Equal("maxBits", error.ParamName);
    }
}
