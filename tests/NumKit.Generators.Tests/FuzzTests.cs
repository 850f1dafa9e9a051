using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NumKit.Generators.Equations;

namespace NumKit.Generators.Tests;

/// <summary>
/// The generator never throws: random token soup and mutations of valid specs go through the real
/// driver; every spec that generates nothing must have an NK error, and every kernel generated compiles
/// (each case is its own namespace, so the kernels are compiled together, a few hundred per compilation).
/// </summary>
public class FuzzTests
{
    private const int DriverCases = 10_000;

    // Every function of the language's one table (so a new function is fuzzed the day it is added), and the rest of the language.
    // The first ten are names, which mutations swap for one another.
    private static readonly string[] s_vocabulary = new[] { "w", "g", "t", "m", "v", "s", "x", "LearningRate", "Beta", "Epsilon" }
        .Concat(Functions.Names)
        .Concat(NumKit.Generators.Equations.Reductions.All.Select(r => r.Name))
        .Concat(new[]
    {
        "Momentum", "init", "keep", "every", "(", ")", "+", "-", "*", "/", "^", "=", "==", "!=", "<", "<=", ">", ">=", "?", ":",
        ",", "#", "\n", ";", " ", "  ", "\t", "0", "1", "2", "0.5", "1e-8", "1e", "1.5x", ".5", "$", "@", "α", "\"", "\\", "{", "}",
        "\r\n", "999999999999999999999999999999999999999999e999",
    }).ToArray();

    private static readonly string[] s_validSpecs =
    {
        "m = Beta * m + (1 - Beta) * g\nv = Beta * v + (1 - Beta) * g^2\nw = w - LearningRate * m / (sqrt(v / (1 - Beta^t)) + Epsilon)",
        "w = w - LearningRate * g",
        "V = Beta * V + (1 - Beta) * g\nw = w - LearningRate * V",
        "init s = Epsilon\ns = s + g^2\nw = w - LearningRate * g / sqrt(s)",
        "mu = Beta * (1 - 0.5 * 0.96^(t * Epsilon))\np = p * mu\ninit p = 1\nm = mu * m + (1 - mu) * g\nw = w - LearningRate * m / (1 - p)",
        "a = g * last > 0\nw = w - if(a, 1.2, 0.5) * LearningRate * sign(g)\nlast = g",
        "c = clamp(g, -1, 1)\nw = w - LearningRate * (t > 3 ? c : exp(-abs(c)) * log(1 + c * c))\nmx = max(mx, abs(g))\nw = w / (1 + min(mx, 2))",
        "init s = w\nw = w - LearningRate * g\ns = s + Beta * (w - s) every 3\nw = s every 3",
        "w = w - LearningRate * g\nn = n + 1 every Epsilon\nkeep a = a + (w - a) / n every Epsilon",
        "w = w * (1 - Beta) every 2\nm = Beta * m + g\nw = w - LearningRate * m",
        "m = Beta * m + (1 - Beta) * g\nv = Beta * v + (1 - Beta) * g^2\nu = m / (sqrt(v) + Epsilon) + Beta * w\nr = if(norm(w) == 0, 1, norm(w) / norm(u))\nw = w - LearningRate * r * u",
        "c = mean(g)\nd = g - c\ns = rms(d)\nw = w - LearningRate * d / (s + Epsilon) + sum(w) * maxabs(g) * 0",
        "m = Beta * m + g\np = p * Beta\ninit p = 1\nw = w - LearningRate * (1 - p) * m / (norm(m) + Epsilon)",
        "c = groupmean(g)\nd = g - c\ns = grouprms(d)\nw = w - LearningRate * d / (s + Epsilon)",
        "init peak = 1\npeak = max(peak * Beta, groupmaxabs(g))\nw = w - LearningRate * g / (peak + groupnorm(g) * 0 + Epsilon)",
        "init x0 = w\ninit d = Epsilon\nm = Beta * m + d * g\nnum = Beta * num + d * groupsum(g * (x0 - w))\nden = groupsum(abs(m))\nd = if(den == 0, d, max(d, num / den))\nw = w - LearningRate * d * m",
        "r = rowmean(g^2)\nc = colmean(g^2)\ns = r / max(mean(g^2), Epsilon)\nu = g / sqrt(s * c + Epsilon)\nw = w - LearningRate * u / max(1, rms(u)) + rowsum(w) * colmaxabs(g) * 0",
        "m = Beta * m + g\nk = 1 / (colmaxabs(m) + Epsilon)\nw = w - LearningRate * m * k - Beta * rownorm(w) * colrms(w)",
    };

    // Kernels compiled together: one compilation of a few hundred is far cheaper than as many of one.
    private const int KernelsPerCompilation = 250;

    [Fact]
    public void Ten_thousand_random_and_mutated_specs_never_crash_the_generator_and_every_generated_kernel_compiles()
    {
        var random = new Random(20261127);
        CSharpCompilation compilation = GeneratorHarness.Compile("namespace User; public partial struct Placeholder { }");
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        GeneratorDriver driver = GeneratorHarness.CreateDriver();
        int generated = 0, refused = 0, compiled = 0, multiPass = 0;
        var pending = new List<(int Case, string Spec, SyntaxTree[] Trees)>();

        for (int i = 0; i < DriverCases; i++)
        {
            string spec = i % 5 < 2 ? Soup(random) : Mutate(random, s_validSpecs[random.Next(s_validSpecs.Length)]);
            string source = Declaration(spec, verbatim: i % 2 == 0, i);
            SyntaxTree next = tree.WithChangedText(SourceText.From(source));
            compilation = compilation.ReplaceSyntaxTree(tree, next);
            tree = next;

            driver = driver.RunGenerators(compilation);
            GeneratorRunResult result = driver.GetRunResult().Results.Single();
            Assert.True(result.Exception is null, $"The generator threw on case {i}: {result.Exception}\n{spec}");

            if (result.GeneratedSources.Length == 0)
            {
                refused++;
                Assert.True(result.Diagnostics.Any(d => d.Id.StartsWith("NK", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error),
                    $"Case {i} generated nothing and reported no NK error:\n{spec}");
            }
            else
            {
                generated++;
                if (result.GeneratedSources[0].SourceText.ToString().Contains("PassCount => ", StringComparison.Ordinal))
                {
                    multiPass++;
                }

                Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

                pending.Add((i, spec, [tree, .. driver.GetRunResult().GeneratedTrees]));
                if (pending.Count == KernelsPerCompilation)
                {
                    compiled += CompileTogether(pending);
                }
            }

            foreach (Diagnostic diagnostic in result.Diagnostics)
            {
                Assert.True(diagnostic.Location.SourceSpan.End <= source.Length, $"Case {i}: {diagnostic} points past the file.");
            }
        }

        compiled += CompileTogether(pending);

        // The mix must exercise both outcomes, or the fuzzer is not testing what it claims.
        Assert.Equal(generated, compiled);
        Assert.True(generated > 500, $"only {generated} of {DriverCases} cases generated code");
        Assert.True(refused > 3000, $"only {refused} of {DriverCases} cases were refused");
        Assert.True(multiPass > 100, $"only {multiPass} of {generated} generated rules reduce (several passes)");
    }

    [Fact]
    public void Thirty_thousand_random_strings_never_crash_the_front_end()
    {
        var random = new Random(7);
        var members = new[] { new HostMember("LearningRate", true, "a float property"), new HostMember("Momentum", false, "a property of type double") };
        for (int i = 0; i < 30_000; i++)
        {
            string text = i % 2 == 0 ? Soup(random) : RandomCharacters(random);
            (Generators.Model.RulePlan? plan, List<Problem> problems) = EquationCompiler.Compile(text, members);
            Assert.True(plan is not null || problems.Any(p => p.IsError), $"No plan and no error for: {text}");
            Assert.All(problems, p => Assert.True(p.Span.Start >= 0 && p.Span.End <= text.Length, $"{p} is outside '{text}'"));
        }
    }

    [Fact]
    public void Pathological_nesting_is_a_diagnostic_not_a_stack_overflow()
    {
        string deep = "w = " + new string('(', 100_000) + "g" + new string(')', 100_000);
        string negations = "w = " + string.Concat(Enumerable.Repeat("-", 100_000)) + "g";
        string chain = "w = w" + string.Concat(Enumerable.Repeat(" + g", 100_000));
        foreach (string text in new[] { deep, negations, chain })
        {
            (Generators.Model.RulePlan? plan, List<Problem> problems) = EquationCompiler.Compile(text, Array.Empty<HostMember>());
            Assert.Null(plan);
            Assert.Contains(problems, p => p.Kind == ProblemKind.MalformedStatement);
        }
    }

    // Compiles the pending cases' declarations and generated kernels in one compilation; every error names its case.
    private static int CompileTogether(List<(int Case, string Spec, SyntaxTree[] Trees)> pending)
    {
        Compilation together = GeneratorHarness.Compile().AddSyntaxTrees(pending.SelectMany(p => p.Trees));
        Diagnostic[] errors = together.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        foreach ((int index, string spec, SyntaxTree[] trees) in pending)
        {
            string[] own = errors.Where(e => trees.Contains(e.Location.SourceTree)).Select(e => e.ToString()).ToArray();
            Assert.True(own.Length == 0,
                $"Case {index}'s generated code does not compile:\n{spec}\n{string.Join("\n", own)}\n{trees[^1].GetText()}");
        }

        Assert.Empty(errors);
        int count = pending.Count;
        pending.Clear();
        return count;
    }

    private static string Soup(Random random)
        => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => s_vocabulary[random.Next(s_vocabulary.Length)] + (random.Next(3) == 0 ? " " : string.Empty)));

    private static string RandomCharacters(Random random)
        => new(Enumerable.Range(0, random.Next(0, 60)).Select(_ => (char)random.Next(0, 0x3000)).ToArray());

    private static string Mutate(Random random, string spec)
    {
        for (int edits = random.Next(1, 4); edits > 0; edits--)
        {
            int at = random.Next(spec.Length + 1);
            spec = random.Next(5) switch
            {
                0 when spec.Length > 0 => spec.Remove(Math.Min(at, spec.Length - 1), 1),
                1 => spec.Insert(at, s_vocabulary[random.Next(s_vocabulary.Length)]),
                2 when at + 1 < spec.Length => spec.Substring(0, at) + spec[at + 1] + spec[at] + spec.Substring(at + 2),
                3 => string.Join("\n", spec.Split('\n').Where((_, line) => line != random.Next(6))),
                _ => spec.Replace(s_vocabulary[random.Next(10)], s_vocabulary[random.Next(10)], StringComparison.Ordinal),
            };
        }

        return spec;
    }

    // As a regular or a verbatim string literal, so location mapping through escapes is fuzzed too.
    private static string Declaration(string spec, bool verbatim, int index)
    {
        string literal = verbatim
            ? "@\"" + spec.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : SymbolDisplay.FormatLiteral(spec, quote: true);
        return $$"""
            using NumKit;
            namespace User.Case{{index}};
            [Optimizer({{literal}})]
            public partial struct Fuzzed
            {
                public float LearningRate { get; set; }
                public float Beta { get; set; }
                public float Epsilon { get; set; }
                public double Momentum { get; set; }
            }
            """;
    }
}
