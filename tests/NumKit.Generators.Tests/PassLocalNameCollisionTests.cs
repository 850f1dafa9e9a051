using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NumKit.Generators.Equations;

namespace NumKit.Generators.Tests;

/// <summary>
/// The generated kernels declare locals and parameters of their own (the chunk, the block of rows, the lanes of a
/// sum…). An equation name equal to one of them is renamed in the generated code, so a valid spec never becomes a C#
/// error. The names are read off the generated code itself, so a local a later emitter change adds is tried too.
/// </summary>
public class PassLocalNameCollisionTests
{
    // Each kind of kernel, with {0} where a state's name goes and {1} where the sum of all those states goes.
    public static TheoryData<string, string> Kernels => new()
    {
        { "one pass", "{0}\nw = w - LearningRate * ({1}) / (sqrt(v) + Epsilon)\nv = Beta * v + g^2" },
        { "tensor reduction", "{0}\nu = {1}\nw = w - LearningRate * if(norm(u) == 0, 1, norm(w) / norm(u)) * u" },
        { "group reduction", "{0}\nu = {1}\nw = w - LearningRate * u / (groupnorm(u) + Epsilon)" },
        { "row and column reductions", "{0}\nr = r + Beta * (rowmean(g^2) - r)\nq = q + Beta * (colmean(g^2) - q)\nu = ({1}) / sqrt(max(if(rank >= 2, r * q / max(mean(r), Epsilon), r), Epsilon))\nw = w - LearningRate * u / max(1, rms(u))" },
        { "periodic", "{0}\ninit slow = w\nw = w - LearningRate * ({1})\nslow = slow + Beta * (w - slow) every 5\nw = slow every 5" },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Equation_names_equal_to_the_generated_kernels_own_names_compile(string kind, string template)
    {
        string[] names = DeclaredNames(Spec(template, new[] { "x" })).ToArray();
        Assert.True(names.Length > 5, $"{kind}: only {names.Length} declared names found in the generated code");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(Spec(template, names)));

        Assert.Empty(result.Diagnostics);
        Assert.True(GeneratorHarness.Errors(output).Length == 0, $"{kind}, with states named {string.Join(", ", names)}:\n{string.Join("\n", GeneratorHarness.Errors(output).Take(10))}");
    }

    private static string Spec(string template, IReadOnlyList<string> names)
        => string.Format(
            template,
            string.Join("\n", names.Select(n => $"{n} = Beta * {n} + (1 - Beta) * g")),
            string.Join(" + ", names));

    // Every local, parameter and loop variable the generated code declares that an equation could also name: a
    // lower-case identifier the language does not already reserve.
    private static IEnumerable<string> DeclaredNames(string equations)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Rule(equations));
        Assert.Empty(result.Diagnostics);
        var reserved = new HashSet<string>(Functions.Names.Concat(NumKit.Generators.Equations.Reductions.Names).Concat(new[]
        {
            Language.Parameter, Language.Gradient, Language.StepNumber, Language.Rank, Language.Init, Language.Keep, Language.Every,
            "r", "q", "u", "v", "slow",
        }));
        return result.GeneratedSources
            .SelectMany(s => CSharpSyntaxTree.ParseText(s.SourceText).GetRoot().DescendantNodes())
            .Select(node => node switch
            {
                VariableDeclaratorSyntax v => v.Identifier.ValueText,
                ParameterSyntax p => p.Identifier.ValueText,
                ForEachStatementSyntax f => f.Identifier.ValueText,
                SingleVariableDesignationSyntax d => d.Identifier.ValueText,
                _ => null,
            })
            .OfType<string>()
            .Where(n => n.Length > 0 && char.IsLower(n[0]) && SyntaxFacts.GetKeywordKind(n) == SyntaxKind.None && !reserved.Contains(n))
            .Distinct()
            .OrderBy(n => n, StringComparer.Ordinal);
    }
}
