using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NumKit.Generators.Tests;

/// <summary>
/// Specs that parse but mean nothing useful — a name assigned to itself, a literal that is 0 or infinity in
/// the kernels, constant arithmetic that is NaN or infinite on every step — are NK diagnostics on the
/// characters, never C# that fails to compile (CS1717 under TreatWarningsAsErrors) or silently wrong numbers.
/// </summary>
public class MeaninglessSpecTests
{
    [Theory]
    [InlineData("NK0021", "[|w = w|]")]
    [InlineData("NK0021", "[|m = m|]\nw = w - LearningRate * m")]
    [InlineData("NK0018", "w = w - [|1e-400|] * g")]
    [InlineData("NK0018", "w = w - [|1e-50|] * g")]
    [InlineData("NK0018", "w = w - [|1e39|] * g")]
    [InlineData("NK0018", "w = w - [|1e400|] * g")]
    [InlineData("NK0022", "w = w - [|g / 0|] * LearningRate")]
    [InlineData("NK0022", "w = w - [|g / -0|] * LearningRate")]
    [InlineData("NK0022", "w = w - LearningRate * g * [|sqrt(-1)|]")]
    [InlineData("NK0022", "w = w - LearningRate * g * [|log(0)|]")]
    [InlineData("NK0022", "w = w - LearningRate * g * [|log(-2)|]")]
    [InlineData("NK0022", "w = w - LearningRate * g * [|0^-1|]")]
    [InlineData("NK0022", "w = w - LearningRate * g * [|exp(1000)|]")]
    [InlineData("NK0022", "init m = [|1 / 0|]\nm = Beta * m + g\nw = w - LearningRate * m")]
    public void Reports_one_diagnostic_on_the_meaningless_characters(string id, string equations)
    {
        (string source, TextSpan expected) = DiagnosticTests.Unmark(GeneratorHarness.Rule(equations));
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Assert.Null(result.Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
        Assert.Empty(result.GeneratedSources);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData("w = w - LearningRate * g / 2")]
    [InlineData("w = w - LearningRate * g * sqrt(4) * log(1) * exp(-1000)")]
    [InlineData("w = w - 0 * g + 0.0 * g + 0e5 * g - LearningRate * g")]
    [InlineData("w = w - LearningRate * g / Epsilon")]
    [InlineData("w = w - LearningRate * g * 1e-45")]
    public void Finite_constant_arithmetic_is_accepted(string equations)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(equations));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }
}
