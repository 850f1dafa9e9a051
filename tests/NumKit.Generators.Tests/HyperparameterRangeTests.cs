using Microsoft.CodeAnalysis;

namespace NumKit.Generators.Tests;

/// <summary>
/// Issue 11, "hyperparameters validated, declared with the rule": [HyperparameterRange] next to a property becomes
/// the rule's RangeOf (what the optimizer checks); a range that cannot be used is NK0030 on the attribute; a
/// getter with a body is declared as HasComputedHyperparameters, so split steps never run it on a worker.
/// </summary>
public class HyperparameterRangeTests
{
    private const string Sgd = "w = w - LearningRate * Beta * g";

    private static string Members(string beta, string extra = "")
        => $"public float LearningRate {{ get; set; }}\n{beta}\npublic float Epsilon {{ get; set; }}\n{extra}";

    [Fact]
    public void Declared_ranges_become_RangeOf_and_undeclared_names_keep_the_default()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Sgd, members: Members(
            "[HyperparameterRange(0, 1, MaximumExcluded = true)] public float Beta { get; set; }",
            "[HyperparameterRange(0, float.PositiveInfinity, MinimumExcluded = true)] public float Gamma { get; set; } = 2;")));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
        string source = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("\"Beta\" => new global::NumKit.HyperparameterRange(0f, 1f, MaximumExcluded: true),", source);
        Assert.Contains("\"Gamma\" => new global::NumKit.HyperparameterRange(0f, float.MaxValue) { MinimumExcluded = true },", source);
        Assert.Contains("_ => global::NumKit.HyperparameterRange.Default(hyperparameter),", source);
        Assert.DoesNotContain("HasComputedHyperparameters", source);
    }

    [Fact]
    public void PositiveInfinityIncluded_admits_an_infinite_default_and_is_written_into_RangeOf()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Sgd, members: Members(
            "[HyperparameterRange(1, float.PositiveInfinity, PositiveInfinityIncluded = true)] public float Beta { get; set; } = float.PositiveInfinity;",
            "[HyperparameterRange(0, float.PositiveInfinity, MinimumExcluded = true, PositiveInfinityIncluded = true)] public float Gamma { get; set; } = 2;")));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
        string source = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("\"Beta\" => new global::NumKit.HyperparameterRange(1f, float.MaxValue) { PositiveInfinityIncluded = true },", source);
        Assert.Contains("\"Gamma\" => new global::NumKit.HyperparameterRange(0f, float.MaxValue) { MinimumExcluded = true, PositiveInfinityIncluded = true },", source);
    }

    [Fact]
    public void A_rule_without_ranges_or_computed_getters_gets_no_extra_members()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule(Sgd, members: Members("public float Beta { get; set; }")));
        string source = result.GeneratedSources.Single().SourceText.ToString();
        Assert.DoesNotContain("RangeOf", source);
        Assert.DoesNotContain("HasComputedHyperparameters", source);
    }

    [Fact]
    public void The_attribute_is_not_ambiguous_beside_System_Range()
    {
        string source = "using System;\n" + GeneratorHarness.Rule(Sgd, members: Members("[HyperparameterRange(0, 1)] public float Beta { get; set; }"));
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
    }

    [Theory]
    [InlineData("[[|HyperparameterRange(float.NaN, 1)|]] public float Beta { get; set; }", "a bound is NaN")]
    [InlineData("[[|HyperparameterRange(1, 0)|]] public float Beta { get; set; }", "minimum 1 is greater than its maximum 0")]
    [InlineData("[[|HyperparameterRange(0.5f, 0.5f, MaximumExcluded = true)|]] public float Beta { get; set; }", "no value is in it")]
    [InlineData("[[|HyperparameterRange(float.PositiveInfinity, float.PositiveInfinity)|]] public float Beta { get; set; }", "no finite value")]
    [InlineData("[[|HyperparameterRange(0, 1)|]] public float Beta { get; set; } = 1.5f;", "initial value 1.5 is outside it")]
    [InlineData("[[|HyperparameterRange(0, float.PositiveInfinity)|]] public float Beta { get; set; } = float.PositiveInfinity;", "is outside it")]
    [InlineData("[[|HyperparameterRange(0, 10, PositiveInfinityIncluded = true)|]] public float Beta { get; set; }", "needs a range without an upper bound")]
    [InlineData("[[|HyperparameterRange(0, float.PositiveInfinity, MaximumExcluded = true, PositiveInfinityIncluded = true)|]] public float Beta { get; set; }", "needs a range without an upper bound")]
    [InlineData("[[|HyperparameterRange(0, 1, MinimumExcluded = true)|]] public float Beta { get; set; } = 0;", "initial value 0 is outside it")]
    [InlineData("public float Beta { get; set; }\n[[|HyperparameterRange(0, 1)|]] public bool Flag { get; set; }", "not a hyperparameter")]
    [InlineData("public float Beta { get; set; }\n[[|HyperparameterRange(0, 1)|]] public double Momentum { get; set; }", "not a hyperparameter")]
    [InlineData("public float Beta { get; set; }\n[[|HyperparameterRange(0, 1)|]] internal float Hidden { get; set; }", "not a hyperparameter")]
    [InlineData("[[|HyperparameterRange(0, 1)|]] public float Beta { get; set; }\nstatic HyperparameterRange IOptimizerRule<MyRule>.RangeOf(string name) => HyperparameterRange.Finite;", "implements RangeOf by hand")]
    public void An_unusable_range_is_NK0030_on_the_attribute(string beta, string reason)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan expected) = DiagnosticTests.Unmark(GeneratorHarness.Rule(Sgd, members: Members(beta)));
        (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("NK0030", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
        Assert.Contains(reason, diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("private float _beta;\npublic float Beta { get { return _beta; } set { _beta = value; } }")]
    [InlineData("private float _beta;\npublic float Beta { get => _beta; set => _beta = value; }")]
    [InlineData("public float Beta => 0.5f;")]
    [InlineData("public float Beta { get; set; }\nprivate bool _flag;\npublic bool Flag { get => _flag; set => _flag = value; }")]
    public void A_getter_with_a_body_declares_HasComputedHyperparameters(string beta)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Sgd, members: Members(beta)));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Errors(output));
        Assert.Contains("HasComputedHyperparameters => true;", result.GeneratedSources.Single().SourceText.ToString());
    }
}
