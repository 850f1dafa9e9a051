using Microsoft.CodeAnalysis;

namespace NumKit.Generators.Tests;

/// <summary>
/// One mistake gives one diagnostic: no echo of it under another id, no "never assigns w" after a line the
/// parser had to skip, and no C# error in the user's struct caused by the spec being wrong.
/// </summary>
public class OneDiagnosticPerMistakeTests
{
    [Fact]
    public void A_double_LearningRate_is_one_diagnostic_not_also_NK0010()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule(
            "w = w - LearningRate * g", members: "public double LearningRate { get; set; }"));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("NK0012", diagnostic.Id);
    }

    [Theory]
    [InlineData("m = Beta * m + (1 - Beta) * g\nw = w - LearningRate * m $ 2", "NK0001")]
    [InlineData("w = w - LearningRate * (g", "NK0002")]
    [InlineData("m = Beta * m + (g\nw = w - LearningRate * m", "NK0002")]
    [InlineData("m = Beta * m +\nw = w - LearningRate * m", "NK0003")]
    [InlineData("d = g *\nm = Beta * m + d\nw = w - LearningRate * m", "NK0003")]
    [InlineData("w = w - 1e * g", "NK0018")]
    public void A_syntax_error_does_not_cascade_into_never_assigned_or_unknown_names(string equations, string id)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule(equations));
        Assert.Equal(new[] { id }, result.Diagnostics.Select(d => d.Id).ToArray());
    }

    [Theory]
    [InlineData("w = w - LearningRate * gg")]
    [InlineData("w = w - LearningRate * (g")]
    [InlineData("m = m + g")]
    public void An_invalid_spec_on_a_struct_with_initializers_raises_no_CS8983(string equations)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(
            equations, members: "public float LearningRate { get; set; } = 0.01f;\npublic float Beta { get; set; } = 0.9f;"));
        Assert.Contains(result.Diagnostics, d => d.Id.StartsWith("NK", StringComparison.Ordinal));
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Fact]
    public void An_invalid_schedule_with_initializers_raises_no_CS8983()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run("""
            using NumKit.Schedules;
            [Schedule("lr = Initial * gamma ^ step")]
            public partial struct Decay { public float Initial { get; set; } = 0.1f; }
            """);
        Assert.Contains(result.Diagnostics, d => d.Id == "NK0005");
        Assert.Empty(GeneratorHarness.Errors(output));
    }
}
