using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NumKit.Generators.Tests;

/// <summary>
/// The C# code blocks of a Markdown file, and programs made of them — how the README tests compile and
/// run every block.
/// </summary>
/// <remarks>
/// <para>Conventions, on the fence's info string:</para>
/// <list type="bullet">
/// <item><c>```csharp</c>: a program of its own (top-level statements, then types), compiled and run.</item>
/// <item><c>```csharp continued</c>: continues the program of the block before it in the same file, as a
/// reader does when a section builds one example over several blocks.</item>
/// <item><c>```csharp fragment</c>: a shape, not code to run (a signature, a line with placeholders); not
/// compiled. Keep these few: the test lists them.</item>
/// </list>
/// <para>
/// A block may be preceded by an HTML comment that the rendered page hides, <c>&lt;!-- setup: ... --&gt;</c>,
/// holding the declarations the block takes for granted (the reader's data, a model class): it is
/// compiled before the block's own code.
/// </para>
/// </remarks>
internal static class ReadmeBlocks
{
    public enum Kind
    {
        Program,
        Continued,
        Fragment,
    }

    /// <summary>One fenced C# block: where it starts (1-based line of its first code line), its kind, its hidden setup and code.</summary>
    public sealed record Block(string File, int Line, Kind Kind, string Setup, int SetupLine, string Code);

    /// <summary>A program: a first block and the blocks that continue it.</summary>
    public sealed record Program(string File, int Line, IReadOnlyList<Block> Blocks);

    public static IReadOnlyList<Block> Extract(string path, string displayName)
    {
        string[] lines = File.ReadAllLines(path);
        var blocks = new List<Block>();
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string info = fence[3..].Trim();
            int end = i + 1;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            Assert.True(end < lines.Length, $"{displayName}:{i + 1}: the code block is never closed.");
            string[] words = info.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0 && words[0] is "csharp" or "cs" or "c#")
            {
                Kind kind = words.Length == 1 ? Kind.Program
                    : words[1] == "continued" ? Kind.Continued
                    : words[1] == "fragment" ? Kind.Fragment
                    : throw new InvalidOperationException($"{displayName}:{i + 1}: unknown C# block kind '{words[1]}' (use continued or fragment).");
                (string setup, int setupLine) = SetupBefore(lines, i);
                blocks.Add(new Block(displayName, i + 2, kind, setup, setupLine, string.Join('\n', lines[(i + 1)..end])));
            }

            i = end;
        }

        return blocks;
    }

    public static IReadOnlyList<Program> Programs(IEnumerable<Block> blocks)
    {
        var programs = new List<Program>();
        List<Block>? current = null;
        foreach (Block block in blocks)
        {
            switch (block.Kind)
            {
                case Kind.Program:
                    current = [block];
                    programs.Add(new Program(block.File, block.Line, current));
                    break;
                case Kind.Continued:
                    Assert.True(current is not null, $"{block.File}:{block.Line}: a 'continued' block needs a program block before it.");
                    current!.Add(block);
                    break;
            }
        }

        return programs;
    }

    /// <summary>
    /// One C# file for a program: its usings, then its statements as the body of
    /// <c>Run()</c> in a class of its own, then its types, in a namespace of its own so programs do not
    /// clash. <c>#line</c> directives point every diagnostic at the README's own lines.
    /// </summary>
    public static string Assemble(Program program, string name)
    {
        var usings = new List<string>();
        var statements = new StringBuilder();
        var types = new StringBuilder();
        bool awaits = false;
        foreach (Block block in program.Blocks)
        {
            if (block.Setup.Length > 0)
            {
                Split(block.Setup, block.File, block.SetupLine, usings, statements, types, ref awaits);
            }

            Split(block.Code, block.File, block.Line, usings, statements, types, ref awaits);
        }

        var file = new StringBuilder();
        file.Append("#nullable enable\n");
        foreach (string directive in usings.Distinct(StringComparer.Ordinal))
        {
            file.Append(directive).Append('\n');
        }

        file.Append($"namespace Readme.{name}\n{{\n");
        file.Append(awaits
            ? $"public static class {name}Program\n{{\npublic static async global::System.Threading.Tasks.Task Run()\n{{\n"
            : $"public static class {name}Program\n{{\npublic static global::System.Threading.Tasks.Task Run()\n{{\n");
        file.Append(statements);
        file.Append("#line default\n");
        file.Append(awaits ? "}\n}\n" : "return global::System.Threading.Tasks.Task.CompletedTask;\n}\n}\n");
        file.Append(types);
        file.Append("#line default\n}\n");
        return file.ToString();
    }

    private static void Split(string code, string fileName, int firstLine, List<string> usings, StringBuilder statements, StringBuilder types, ref bool awaits)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (UsingDirectiveSyntax directive in root.Usings)
        {
            usings.Add(directive.ToString());
        }

        foreach (MemberDeclarationSyntax member in root.Members)
        {
            int line = firstLine + member.GetLocation().GetLineSpan().StartLinePosition.Line;
            StringBuilder target = member is GlobalStatementSyntax ? statements : types;
            target.Append($"#line {line} \"{fileName}\"\n");
            // Leading trivia (comments) stays out: the #line above must name the member's own first line.
            target.Append(member.WithoutLeadingTrivia().ToFullString()).Append('\n');
            awaits |= member is GlobalStatementSyntax && member.DescendantNodes().Any(node => node is AwaitExpressionSyntax
                && !node.Ancestors().Any(a => a is LocalFunctionStatementSyntax or LambdaExpressionSyntax or AnonymousMethodExpressionSyntax));
        }
    }

    // A setup comment: "<!-- setup:" on a line of its own (or starting one), up to "-->", ending on the
    // line before the fence (blank lines between are allowed).
    private static (string Setup, int Line) SetupBefore(string[] lines, int fence)
    {
        int end = fence - 1;
        while (end >= 0 && lines[end].Trim().Length == 0)
        {
            end--;
        }

        if (end < 0 || !lines[end].TrimEnd().EndsWith("-->", StringComparison.Ordinal))
        {
            return (string.Empty, 0);
        }

        int start = end;
        while (start >= 0 && !lines[start].Contains("<!--", StringComparison.Ordinal))
        {
            start--;
        }

        if (start < 0 || !lines[start].TrimStart().StartsWith("<!-- setup:", StringComparison.Ordinal))
        {
            return (string.Empty, 0);
        }

        var text = new StringBuilder();
        for (int i = start; i <= end; i++)
        {
            string line = lines[i];
            if (i == start)
            {
                line = line[(line.IndexOf("<!-- setup:", StringComparison.Ordinal) + "<!-- setup:".Length)..];
            }

            if (i == end)
            {
                line = line[..line.LastIndexOf("-->", StringComparison.Ordinal)];
            }

            text.Append(line).Append('\n');
        }

        return (text.ToString(), start + 1);
    }
}
