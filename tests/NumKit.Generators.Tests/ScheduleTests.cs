using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NumKit.Generators.Tests;

/// <summary>[Schedule] formulas: the same language and diagnostics, with <c>step</c> and <c>lr</c>.</summary>
public class ScheduleTests
{
    private static string Schedule(string formula) => $$""""
        using NumKit.Schedules;
        [Schedule("""
        {{formula}}
        """)]
        public partial struct MySchedule { public float Initial { get; set; } public float Rate { get; set; } }
        """";

    [Fact]
    public void A_formula_generates_At_that_compiles()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(Schedule("lr = Initial * Rate^floor(step / 10)"));
        Assert.Empty(result.Diagnostics);
        Assert.Contains("public float At(int step)", Assert.Single(result.GeneratedSources).SourceText.ToString());
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData("NK0005", "lr = Initial * [|Rte|]^step")]
    [InlineData("NK0005", "lr = Initial * [|w|]")]
    [InlineData("NK0020", "lr = [|lr|] * Rate")]
    [InlineData("NK0006", "[|step|] = 1\nlr = Initial")]
    [InlineData("NK0008", "[|x = Initial * Rate|]")]
    [InlineData("NK0009", "[|x|] = Rate\nlr = Initial")]
    public void Mistakes_are_the_same_diagnostics_on_the_same_characters(string id, string formula)
    {
        (string source, TextSpan expected) = DiagnosticTests.Unmark(Schedule(formula));
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Assert.Null(result.Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void A_missing_lr_says_so()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(Schedule("x = Initial"));
        Assert.Contains(result.Diagnostics, d => d.Id == "NK0008" && d.GetMessage().Contains("never assign 'lr'"));
    }

    [Theory]
    [InlineData("public struct NotPartial { public float Initial { get; set; } }", "NK0011")]
    [InlineData("public partial struct Generic<T> { public float Initial { get; set; } }", "NK0019")]
    public void Declaration_mistakes_name_the_attribute_actually_used(string declaration, string id)
    {
        string source = $$""""
            using NumKit.Schedules;
            [Schedule("lr = Initial")]
            {{declaration}}
            """";
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Contains("[Schedule]", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain("Optimizer", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
