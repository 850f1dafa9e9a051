using Microsoft.CodeAnalysis;
using NumKit.Generators.Equations;

namespace NumKit.Generators.Tests;

/// <summary>
/// The one table of functions (Equations/Functions.cs) is what the checker accepts, what the emitter
/// writes at both rates, and what the README's table says.
/// </summary>
public class FunctionTableTests
{
    public static TheoryData<string> FunctionNames()
    {
        var data = new TheoryData<string>();
        foreach (Function function in Functions.All)
        {
            data.Add(function.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Every_function_compiles_per_element_and_per_step_and_its_arity_is_enforced(string name)
    {
        Function function = Functions.Get(name);
        string elementArguments = string.Join(", ", Enumerable.Range(0, function.Arity).Select(i => i == 0 ? "g" : "Beta"));
        string stepArguments = string.Join(", ", Enumerable.Range(0, function.Arity).Select(i => i == 0 ? "t" : "Beta"));
        string equations = $"a = {name}({elementArguments})\nb = {name}({stepArguments})\nw = w - LearningRate * b * a";
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(equations));

        Assert.Empty(result.Diagnostics);
        string text = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains(function.VectorForm + "(", text, StringComparison.Ordinal);
        Assert.Contains(function.ScalarForm + "(", text, StringComparison.Ordinal);
        Assert.Empty(GeneratorHarness.Errors(output));

        string tooMany = string.Join(", ", Enumerable.Repeat("g", function.Arity + 1));
        (GeneratorRunResult wrong, _) = GeneratorHarness.Run(GeneratorHarness.Rule($"w = w - LearningRate * {name}({tooMany})"));
        Assert.Contains(wrong.Diagnostics, d => d.Id == "NK0013");
    }

    [Fact]
    public void The_readme_lists_exactly_the_table_in_its_order()
    {
        string readme = File.ReadAllText(Path.Combine(SnapshotTests.RepositoryRoot(), "README.md")).Replace("\r\n", "\n");
        string expected = string.Concat(Functions.All.Select(f => $"| `{f.Signature}` | {f.Meaning} |\n"));
        Assert.Contains(expected, readme, StringComparison.Ordinal);

        // And no other function row: the row after the table's last is not another call.
        int end = readme.IndexOf(expected, StringComparison.Ordinal) + expected.Length;
        Assert.False(readme.Substring(end).StartsWith("| `", StringComparison.Ordinal) && readme.Substring(end).Split('\n')[0].Contains('('),
            "The README has a function row the table does not.");
    }

    [Fact]
    public void An_unknown_function_lists_every_name_of_the_table()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule("w = w - LearningRate * zzzzzzzz(g)"));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "NK0014");
        foreach (string name in Functions.Names)
        {
            Assert.Contains(name, diagnostic.GetMessage(), StringComparison.Ordinal);
        }
    }
}

/// <summary>The README's table of reductions lists every reduction over a tensor, in the table's order.</summary>
public class ReductionTableTests
{
    [Fact]
    public void The_readme_lists_every_tensor_reduction_in_order()
    {
        string readme = File.ReadAllText(Path.Combine(SnapshotTests.RepositoryRoot(), "README.md")).Replace("\r\n", "\n");
        int at = readme.IndexOf("| Reduction | Computes, over each tensor |", StringComparison.Ordinal);
        Assert.True(at >= 0, "The README has no table of reductions.");
        foreach (Equations.Reduction reduction in Equations.Reductions.All.Where(r => r.Scope == Equations.ReductionScope.Tensor))
        {
            int row = readme.IndexOf($"| `{reduction.Name}(x)` |", at, StringComparison.Ordinal);
            Assert.True(row > at, $"The README's table of reductions has no row for {reduction.Name}, or has it out of order.");
            at = row;
        }
    }
}
