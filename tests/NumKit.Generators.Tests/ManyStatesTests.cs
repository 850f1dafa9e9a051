using Microsoft.CodeAnalysis;

namespace NumKit.Generators.Tests;

/// <summary>
/// A rule with many state buffers compiles to source that grows linearly with them (overlap checked by one
/// sort, not by every pair: 1,000 states once made half a million lines, 316 s and ~10 GB to compile), and
/// past the documented limit it is NK0024 rather than a crash of the generator (CS8785 at 10,000).
/// </summary>
public class ManyStatesTests
{
    // A chain, so every state feeds w: s0 from g, each next from the one before, w from the last.
    internal static string Spec(int states)
    {
        var lines = new List<string> { "s0 = Beta * s0 + g" };
        for (int i = 1; i < states; i++)
        {
            lines.Add($"s{i} = Beta * s{i} + s{i - 1}");
        }

        lines.Add($"w = w - LearningRate * s{states - 1}");
        return string.Join("\n", lines);
    }

    [Fact]
    public void A_thousand_states_generate_linear_source_that_compiles()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Spec(1000)));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
        int lines = source.Split('\n').Length;
        Assert.True(lines < 60 * 1000, $"{lines} lines for 1,000 states: the overlap checks are not linear");
        Assert.DoesNotContain("RequireDisjoint<T>(s0, s1,", source);
        Assert.Contains("KernelGuard.RequireDisjoint(regions, s_spanNames);", source);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(10_000)]
    public void Past_the_limit_is_NK0024_not_a_crash(int states)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule(Spec(states)));
        Assert.Null(result.Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("NK0024", diagnostic.Id);
        Assert.Contains("1024", diagnostic.GetMessage());
        Assert.Empty(result.GeneratedSources);
    }
}
