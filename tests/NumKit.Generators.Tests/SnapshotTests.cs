using Microsoft.CodeAnalysis;

namespace NumKit.Generators.Tests;

/// <summary>
/// The generated source of every catalog optimizer (src/NumKit/Optimizers) and every test spec
/// (tests/Specs), compared whole with its baseline — the same declarations the other test projects
/// compile and run, fed here to the generator driver.
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string> Declarations()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "src", "NumKit", "Optimizers"), "*.cs")
                     .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot(), "tests", "Specs"), "*.cs"))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryRoot(), file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Generated_source_matches_its_baseline(string declaration)
    {
        string source = File.ReadAllText(Path.Combine(RepositoryRoot(), declaration));
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);

        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
        GeneratedSourceResult generated = Assert.Single(result.GeneratedSources);
        Snapshot.Verify(generated.HintName, generated.SourceText.ToString());
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        string source = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "Specs", "EveryFunction.cs"));
        string first = GeneratorHarness.Run(source).Result.GeneratedSources.Single().SourceText.ToString();
        string second = GeneratorHarness.Run(source).Result.GeneratedSources.Single().SourceText.ToString();
        Assert.Equal(first, second);
        Assert.DoesNotContain("\r", first);
    }

    /// <summary>
    /// The repository's root: the first folder above the test assembly that holds NumKit.sln. (Not
    /// [CallerFilePath]: CI builds map source paths to /_/ for deterministic output.)
    /// </summary>
    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NumKit.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No NumKit.sln above {AppContext.BaseDirectory}.");
    }
}
