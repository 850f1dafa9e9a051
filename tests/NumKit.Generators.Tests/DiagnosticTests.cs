using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NumKit.Generators.Tests;

/// <summary>
/// Each mistake in a spec gives its NK diagnostic on the exact characters inside the string literal.
/// <c>[|</c> and <c>|]</c> mark where the diagnostic must point; they are removed before compiling.
/// </summary>
public class DiagnosticTests
{
    [Theory]
    [InlineData("NK0025", "keep [|x|] = g * 2\nw = w - LearningRate * x")]
    [InlineData("NK0031", "w = w - LearningRate * [|norm(Beta)|] * g")]
    [InlineData("NK0031", "w = w - LearningRate * g / [|sum(norm(w))|]")]
    [InlineData("NK0036", "w = w - LearningRate * g * [|norm|](w) / groupnorm(g)")]
    [InlineData("NK0036", "c = groupmean(g)\nw = w - LearningRate * (g - c) / [|rms|](g)")]
    [InlineData("NK0032", "m = m + g every 2\nw = w - LearningRate * m / [|norm|](g)")]
    [InlineData("NK0033", "[|s|] = s + norm(g)\nw = w - LearningRate * g * s")]
    [InlineData("NK0034", "d = [|m|] * 2\nm = Beta * m + g\nw = w - LearningRate * d / norm(m)")]
    [InlineData("NK0035", "u = g * 2\n[|u|] = u + norm(w)\nw = w - LearningRate * u")]
    [InlineData("NK0040", "w = w - LearningRate * g * [|rank|]")]
    [InlineData("NK0041", "init [|r|] = 1\nr = r + rowmean(g^2)\nw = w - LearningRate * g / sqrt(r)")]
    [InlineData("NK0042", "w = w - LearningRate * g * [|mean(rowmean(g^2))|]")]
    [InlineData("NK0043", "[|big|] = rowmean(g^2) > 1\nw = w - LearningRate * if(big, g, 0)")]
    [InlineData("NK0016", "init m = [|norm(w)|]\nm = m + g\nw = w - LearningRate * m")]
    [InlineData("NK0001", "w = w - LearningRate [|$|] g")]
    [InlineData("NK0002", "w = w - LearningRate * [|(|]g + 1")]
    [InlineData("NK0002", "w = w - LearningRate * g[|)|]")]
    [InlineData("NK0003", "w = w - LearningRate [|*|]")]
    [InlineData("NK0003", "w = w * [|)|]")]
    [InlineData("NK0004", "w [|w|] = w - g")]
    [InlineData("NK0004", "[|+|] = w - g")]
    [InlineData("NK0005", "w = w - [|LerningRate|] * g")]
    [InlineData("NK0005", "w = w - LearningRate * [|grad|]")]
    [InlineData("NK0006", "[|g|] = g * 2\nw = w - LearningRate * g")]
    [InlineData("NK0006", "[|t|] = 1\nw = w - LearningRate * g")]
    [InlineData("NK0007", "[|Beta|] = 0.5\nw = w - LearningRate * g")]
    [InlineData("NK0008", "[|m = Beta * m + g|]")]
    [InlineData("NK0009", "[|unused|] = g * 2\nw = w - LearningRate * g")]
    [InlineData("NK0010", "w = w - LearningRate * [|Momentum|] * g")]
    [InlineData("NK0013", "w = w - LearningRate * [|sqrt(g, 2)|]")]
    [InlineData("NK0013", "w = w - LearningRate * [|if(g > 0, g)|]")]
    [InlineData("NK0014", "w = w - LearningRate * [|sqr|](g)")]
    [InlineData("NK0015", "w = w - LearningRate * ([|g > 0|])")]
    [InlineData("NK0015", "w = w - LearningRate * if([|g|], 1, 2)")]
    [InlineData("NK0015", "w = w - LearningRate * [|Flag|] * g")]
    [InlineData("NK0016", "init [|v|] = 1\nw = w - LearningRate * g")]
    [InlineData("NK0016", "init m = [|g|]\nm = m + g\nw = w - LearningRate * m")]
    [InlineData("NK0018", "w = w - [|1e|] * g")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|0|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|2.5|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|-3|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|t|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|Flag|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|Momentum|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|Period|]")]
    [InlineData("NK0026", "m = Beta * m + g\nw = w - LearningRate * m every [|m|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|2 * Beta|]")]
    [InlineData("NK0026", "w = w - LearningRate * g every [|3e9|]")]
    [InlineData("NK0027", "s = s + g every 3\nw = w - LearningRate * s every [|4|]")]
    [InlineData("NK0027", "s = s + g every Beta\nw = w - LearningRate * g\n[|v|] = v + s every Beta\nw = w - v")]
    [InlineData("NK0004", "init s = w [|every|] 3\ns = s + g\nw = w - LearningRate * s")]
    [InlineData("NK0003", "w = w - LearningRate * g [|every|]")]
    public void Reports_the_problem_on_the_offending_characters(string id, string equations)
    {
        (string source, TextSpan expected) = Unmark(GeneratorHarness.Rule(equations));
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);

        Assert.Null(result.Exception);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage()));
        // No help link until the project has a public home: a link that does not resolve is worse than none.
        Assert.Equal(string.Empty, diagnostic.Descriptor.HelpLinkUri);
        if (id != "NK0009")
        {
            Assert.Empty(result.GeneratedSources);
        }
    }

    [Fact]
    public void Unknown_name_suggests_the_closest_known_name()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule("w = w - LerningRate * g"));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains("did you mean 'LearningRate'?", diagnostic.GetMessage());
    }

    [Fact]
    public void Several_mistakes_are_all_reported()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule("a = (g\nb = g $ 2\nw = w - Lr * g"));
        // One diagnostic per mistake: the line with '$' is not parsed further, so it reports nothing else.
        Assert.Equal(new[] { "NK0001", "NK0002", "NK0005" }, result.Diagnostics.Select(d => d.Id).Order().ToArray());
    }

    [Fact]
    public void A_struct_that_is_not_partial_is_reported_on_its_name()
    {
        (string source, TextSpan expected) = Unmark("""
            using NumKit;
            [Optimizer("w = w - LearningRate * g")]
            public struct [|Plain|] { public float LearningRate { get; set; } }
            """);
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "NK0011");
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
        Assert.Empty(result.GeneratedSources);
    }

    [Theory]
    [InlineData("public float Beta { get; set; }", "add 'public float LearningRate")]
    [InlineData("public double LearningRate { get; set; }", "of type double")]
    [InlineData("public float LearningRate { get; }", "no public setter")]
    [InlineData("public float LearningRate { get; init; }", "no public setter")]
    public void A_missing_or_unusable_LearningRate_is_reported(string members, string detail)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule("w = w - 0.1 * g", members: members));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "NK0012");
        Assert.Contains(detail, diagnostic.GetMessage());
    }

    [Fact]
    public void Equations_that_are_not_a_literal_point_at_the_argument()
    {
        (string source, TextSpan expected) = Unmark("""
            using NumKit;
            public partial struct Holder { public const string Rule = "w = w - LearningRate * gg"; }
            [Optimizer([|Holder.Rule|])]
            public partial struct FromConstant { public float LearningRate { get; set; } }
            """);
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "NK0005");
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
    }

    [Theory]
    [InlineData("\"w = w - LearningRate * [|gg|]\"")]
    [InlineData("\"w\\t= w - LearningRate * [|gg|]\"")]
    [InlineData("@\"# a \"\"quoted\"\" comment\nw = w - LearningRate * [|gg|]\"")]
    [InlineData("\"\"\"w = w - LearningRate * [|gg|]\"\"\"")]
    [InlineData("\"m = Beta * m\\nw = w - m * [|gg|]\"")]
    public void Locations_map_through_every_kind_of_string_literal(string literal)
    {
        (string source, TextSpan expected) = Unmark($$"""
            using NumKit;
            [Optimizer({{literal}})]
            public partial struct Literal { public float LearningRate { get; set; } public float Beta { get; set; } }
            """);
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "NK0005");
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void Locations_map_through_an_indented_raw_string_literal()
    {
        (string source, TextSpan expected) = Unmark(""""
            using NumKit;
            [Optimizer("""
                    m = Beta * m + (1 - Beta) * g
                    w = w - LearningRate * m / [|sqr|](v)
                """)]
            public partial struct Indented { public float LearningRate { get; set; } public float Beta { get; set; } }
            """");
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Assert.Equal(expected, Assert.Single(result.Diagnostics, d => d.Id == "NK0014").Location.SourceSpan);
        Assert.Contains(result.Diagnostics, d => d.Id == "NK0005" && d.GetMessage().Contains("'v'"));
    }

    [Fact]
    public void A_valid_spec_gives_no_diagnostics_and_code_that_compiles()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule("m = Beta * m + (1 - Beta) * g\nw = w - LearningRate * m"));
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    /// <summary>Removes the [| |] markers and returns the span they enclosed.</summary>
    internal static (string Source, TextSpan Span) Unmark(string marked)
    {
        int start = marked.IndexOf("[|", StringComparison.Ordinal);
        int end = marked.IndexOf("|]", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the test source has no [| |] marker");
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, new TextSpan(start, end - start - 2));
    }
}
