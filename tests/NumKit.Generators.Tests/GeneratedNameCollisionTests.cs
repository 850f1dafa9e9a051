using Microsoft.CodeAnalysis;

namespace NumKit.Generators.Tests;

/// <summary>
/// A valid-looking spec never makes the generator write C# that does not compile: names the user chose that
/// the generated half also uses are renamed in the generated code, or (for its public members) an NK diagnostic.
/// </summary>
public class GeneratedNameCollisionTests
{
    private const string Adam = """
        m = Beta * m + (1 - Beta) * g
        v = Beta * v + (1 - Beta) * g^2
        w = w - LearningRate * m / (sqrt(v) + Epsilon)
        """;

    [Theory]
    [InlineData("PerStep")]
    [InlineData("T")]
    [InlineData("V")]
    [InlineData("TVector")]
    [InlineData("Sweep")]
    [InlineData("UpdateCore")]
    public void A_struct_named_like_a_generated_type_or_type_parameter_compiles(string name)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Adam, name));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData("public float PerStep { get; set; }")]
    [InlineData("public float Sweep { get; set; }")]
    [InlineData("public float UpdateCore { get; set; }")]
    [InlineData("public float StepPacked { get; set; }")]
    [InlineData("public float s_stateNames;")]
    [InlineData("public float T { get; set; }\npublic float V { get; set; }\npublic float TVector { get; set; }")]
    public void A_member_named_like_a_private_generated_member_is_renamed_around(string member)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Adam, members: GeneratorHarness.DefaultMembers + "\n" + member));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Fact]
    public void Hyperparameters_named_like_generated_members_compile_when_the_equations_use_them()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(
            "k = PerStep * Sweep\nw = w - LearningRate * k * g",
            members: "public float LearningRate { get; set; }\npublic float PerStep { get; set; }\npublic float Sweep { get; set; }"));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData("public float [|Update|] { get; set; }", "Update")]
    [InlineData("public float [|Equations|] { get; set; }", "Equations")]
    [InlineData("public static string [|Equations|]() => \"\";", "Equations")]
    public void A_member_named_like_a_public_generated_member_is_NK0023_on_the_member(string member, string name)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan expected) = DiagnosticTests.Unmark(GeneratorHarness.Rule(
            "w = w - LearningRate * g", members: "public float LearningRate { get; set; }\n" + member));
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("NK0023", diagnostic.Id);
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
        Assert.Contains($"'{name}'", diagnostic.GetMessage());
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Fact]
    public void A_user_overload_of_Update_is_allowed()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(
            "w = w - LearningRate * g", members: "public float LearningRate { get; set; }\npublic static int Update(string s) => s.Length;"));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Fact]
    public void A_schedule_member_named_At_is_NK0023()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run("""
            using NumKit.Schedules;
            [Schedule("lr = Initial * 0.5 ^ step")]
            public partial struct Halving { public float Initial { get; set; } public float At { get; set; } }
            """);
        Assert.Equal("NK0023", Assert.Single(result.Diagnostics).Id);
    }
}
