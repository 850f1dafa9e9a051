using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NumKit.Generators.Tests;

/// <summary>The pipeline caches: unrelated edits reuse the last spec, equation edits regenerate, and no model holds compiler objects.</summary>
public class IncrementalTests
{
    private const string Equations = "m = Beta * m + (1 - Beta) * g\nw = w - LearningRate * m";

    // A rule with a reduction: several passes, reductions and values between passes in its plan.
    private const string Reducing = "m = Beta * m + (1 - Beta) * g\nw = w - LearningRate * m / (norm(m) + Epsilon)";

    // A rule that reduces over the group, with per-group state: its plan has group values and per-group scalar state.
    private const string GroupReducing = "init peak = 1\nm = Beta * m + (1 - Beta) * g\npeak = max(peak * Beta, groupmaxabs(m))\nw = w - LearningRate * m / (peak + groupnorm(g) + Epsilon)";

    [Theory]
    [InlineData(Equations)]
    [InlineData(Reducing)]
    [InlineData(GroupReducing)]
    public void A_second_run_with_nothing_changed_is_cached(string equations)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.Rule(equations));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation);

        IncrementalGeneratorRunStep step = SpecStep(driver);
        Assert.All(step.Outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Theory]
    [InlineData(Equations)]
    [InlineData(Reducing)]
    [InlineData(GroupReducing)]
    public void An_unrelated_edit_leaves_the_spec_unchanged(string equations)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.Rule(equations), "namespace User; public class Other { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("namespace User; public class Other { public int X; }")));
        driver = driver.RunGenerators(edited);

        Assert.All(SpecStep(driver).Outputs, output => Assert.True(
            output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"spec step was {output.Reason}"));
        Assert.All(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {output.Reason}"));
    }

    [Theory]
    [InlineData(Equations)]
    [InlineData(Reducing)]
    [InlineData(GroupReducing)]
    public void An_edit_in_the_rule_file_that_keeps_the_equations_is_unchanged(string equations)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.Rule(equations));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string text = tree.ToString() + "\n// a comment somewhere else in the file\n";
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text))));

        Assert.All(SpecStep(driver).Outputs, output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
    }

    [Theory]
    [InlineData(Equations)]
    [InlineData(Reducing)]
    [InlineData(GroupReducing)]
    public void An_equation_edit_regenerates(string equations)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.Rule(equations));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string edited = tree.ToString().Replace("(1 - Beta) * g", "(1 - Beta) * g * 2", StringComparison.Ordinal);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited))));

        Assert.All(SpecStep(driver).Outputs, output => Assert.Equal(IncrementalStepRunReason.Modified, output.Reason));
        Assert.Contains("g), k", driver.GetRunResult().GeneratedTrees.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_periodic_rule_is_cached_and_an_edit_of_its_period_regenerates()
    {
        const string periodic = "init slow = w\nw = w - LearningRate * g\nslow = slow + Beta * (w - slow) every 5\nw = slow every 5";
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.Rule(periodic));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.All(SpecStep(driver.RunGenerators(compilation)).Outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string edited = tree.ToString().Replace("every 5", "every 7", StringComparison.Ordinal);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited))));

        Assert.All(SpecStep(driver).Outputs, output => Assert.Equal(IncrementalStepRunReason.Modified, output.Reason));
        string generated = driver.GetRunResult().GeneratedTrees.Single().ToString();
        Assert.Contains("bool due = t % 7 == 0;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("t % 5", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void No_pipeline_output_holds_a_compilation_symbol_syntax_node_semantic_model_or_location()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(
            GeneratorHarness.Rule(Equations),
            GeneratorHarness.Rule("w = w - Lr * g", name: "Broken"),
            GeneratorHarness.Rule("init s = 1\ns = s * Beta\nunused = g\nw = w - LearningRate * s * g", name: "Scalar"),
            GeneratorHarness.Rule("w = w - LearningRate * g\nn = n + 1 every Beta\nkeep a = a + (w - a) / n every Beta", name: "Periodic"),

            GeneratorHarness.Rule(Reducing, name: "Reduces"),
            GeneratorHarness.Rule(GroupReducing, name: "ReducesOverGroups"));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        // Roslyn's own steps inside ForAttributeWithMetadataName hold syntax by design; ours must not.
        // (The source-output step's values are Roslyn's: the diagnostics we report carry their locations.)
        IEnumerable<object> values = result.TrackedSteps[OptimizerGenerator.TrackingNames.Spec].SelectMany(s => s.Outputs).Select(o => o.Value);
        Assert.Equal(6, values.Count());
        foreach (object value in values)
        {
            AssertHoldsNoCompilerObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), "output");
        }
    }

    private static IncrementalGeneratorRunStep SpecStep(GeneratorDriver driver)
        => driver.GetRunResult().Results.Single().TrackedSteps[OptimizerGenerator.TrackingNames.Spec].Single();

    // Walks the object graph: fields of records and structs, elements of collections.
    private static void AssertHoldsNoCompilerObjects(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is Compilation or ISymbol or SyntaxNode or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}, which would keep the compilation alive and defeat caching.");

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                AssertHoldsNoCompilerObjects(item, seen, $"{path}[{i++}]");
            }

            return;
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertHoldsNoCompilerObjects(field.GetValue(value), seen, $"{path}.{field.Name}");
        }
    }
}
