using NumKit.Kernels;

namespace NumKit.Tests.Kernels;

/// <summary>Runs a test body once per vector path this machine has, so each width is exercised whatever the CI CPU.</summary>
public static class EveryPath
{
    /// <summary>The limits to force: no limit (the machine's widest), then 256, 128 and scalar only.</summary>
    public static readonly int[] Limits = { 512, 256, 128, 0 };

    /// <summary>Runs <paramref name="body"/> under each path limit, passing the limit.</summary>
    public static void Run(Action<int> body)
    {
        foreach (int limit in Limits)
        {
            using (VectorPaths.Limit(limit))
            {
                body(limit);
            }
        }
    }
}

public class VectorPathsTests
{
    [Fact]
    public void Limit_restores_the_previous_limit_when_disposed()
    {
        Assert.Equal(0, VectorPaths.MaxBits);
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
    public void Limit_refuses_a_width_that_is_not_a_vector_width()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => VectorPaths.Limit(64));
        Assert.Equal("maxBits", error.ParamName);
    }
}
