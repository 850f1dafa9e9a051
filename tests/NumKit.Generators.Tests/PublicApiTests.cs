namespace NumKit.Generators.Tests;

/// <summary>
/// The reviewed public API (src/NumKit/PublicAPI.*.txt, enforced by the PublicApiAnalyzers at build time)
/// holds the product and not the building blocks of generated code.
/// </summary>
public class PublicApiTests
{
    private static string[] Lines()
    {
        string folder = Path.Combine(SnapshotTests.RepositoryRoot(), "src", "NumKit");
        return
        [
            .. File.ReadAllLines(Path.Combine(folder, "PublicAPI.Shipped.txt")),
            .. File.ReadAllLines(Path.Combine(folder, "PublicAPI.Unshipped.txt")),
        ];
    }

    [Fact]
    public void The_baseline_leaves_out_the_kernels_building_blocks()
    {
        string[] kernels = Lines().Where(line => line.Contains("NumKit.Kernels.", StringComparison.Ordinal)).ToArray();
        Assert.True(kernels.Length == 0, "NumKit.Kernels in the public API baseline:\n" + string.Join('\n', kernels));
    }

    [Theory]
    [InlineData("NumKit.VectorPaths")]
    [InlineData("static NumKit.VectorPaths.ActiveBits.get -> int")]
    [InlineData("NumKit.Optimizer<TRule, T>.StateNames.get -> System.Collections.Generic.IReadOnlyList<string!>!")]
    [InlineData("NumKit.Batching.MiniBatchIterator<T>.ResumeAt(int epoch) -> void")]
    [InlineData("NumKit.Randomness.TrialRandom")]
    public void The_baseline_holds_the_product(string line) => Assert.Contains(line, Lines());
}
