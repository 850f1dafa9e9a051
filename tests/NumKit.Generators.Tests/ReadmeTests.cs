using System.Text;

namespace NumKit.Generators.Tests;

/// <summary>
/// Documentation that cannot rot: every C# block of the repository's README and of the package's README
/// is compiled against the packed NumKit (and NumKit.Studies), from a local feed, and run (conventions in <see cref="ReadmeBlocks"/>).
/// </summary>
public class ReadmeTests
{
    // Blocks marked "fragment" are not compiled: there should be very few.
    private const int MaxFragments = 3;

    private static IReadOnlyList<ReadmeBlocks.Block> AllBlocks()
    {
        string root = SnapshotTests.RepositoryRoot();
        return
        [
            .. ReadmeBlocks.Extract(Path.Combine(root, "README.md"), "README.md"),
            .. ReadmeBlocks.Extract(Path.Combine(root, "src", "NumKit", "README.md"), "src/NumKit/README.md"),
        ];
    }

    [Fact]
    public void Every_csharp_block_of_both_readmes_compiles_against_the_package_and_runs()
    {
        IReadOnlyList<ReadmeBlocks.Block> blocks = AllBlocks();
        IReadOnlyList<ReadmeBlocks.Program> programs = ReadmeBlocks.Programs(blocks);
        Assert.Contains(programs, p => p.File == "README.md");
        Assert.Contains(programs, p => p.File == "src/NumKit/README.md");
        ReadmeBlocks.Block[] fragments = blocks.Where(b => b.Kind == ReadmeBlocks.Kind.Fragment).ToArray();
        Assert.True(fragments.Length <= MaxFragments,
            $"{fragments.Length} blocks are marked 'fragment' and never compiled (at most {MaxFragments}): " +
            string.Join(", ", fragments.Select(f => $"{f.File}:{f.Line}")));

        string work = Directory.CreateTempSubdirectory("numkit-readme-").FullName;
        try
        {
            string app = Path.Combine(work, "app");
            var main = new StringBuilder();
            main.Append("""
                var failures = new List<string>();
                string runs = Directory.CreateTempSubdirectory("numkit-readme-run-").FullName;
                int index = 0;
                async Task RunBlock(string where, Func<Task> run)
                {
                    // Each program in a folder of its own, as a fresh app would be (some write files).
                    string folder = Path.Combine(runs, (index++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Directory.CreateDirectory(folder);
                    Directory.SetCurrentDirectory(folder);
                    Console.WriteLine($"=== {where}");
                    try
                    {
                        await run();
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{where}: {e}");
                    }
                }

                """);
            for (int i = 0; i < programs.Count; i++)
            {
                string name = $"Block{i:D2}";
                Directory.CreateDirectory(app);
                File.WriteAllText(Path.Combine(app, name + ".cs"), ReadmeBlocks.Assemble(programs[i], name));
                main.Append($"await RunBlock(\"{programs[i].File}:{programs[i].Line}\", Readme.{name}.{name}Program.Run);\n");
            }

            main.Append("""
                Directory.SetCurrentDirectory(runs);
                Console.WriteLine($"README programs: {index - failures.Count} ran, {failures.Count} failed");
                foreach (string failure in failures)
                {
                    Console.WriteLine("FAILED " + failure);
                }

                return failures.Count == 0 ? 0 : 1;
                """);
            LocalPackage.CreateApp(app, main.ToString(), withStudies: true);

            (int exitCode, string output) = LocalPackage.Execute(app, "dotnet", "run -c Release");
            Assert.True(exitCode == 0, $"The README programs failed (exit code {exitCode}):\n{output}");
            Assert.Contains($"README programs: {programs.Count} ran, 0 failed", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void The_quick_start_runs_verbatim_in_a_fresh_folder_with_a_local_feed_and_resumes()
    {
        ReadmeBlocks.Block quickStart = AllBlocks().First(b => b.File == "src/NumKit/README.md");
        Assert.Contains("dotnet add package NumKit", File.ReadAllText(Path.Combine(SnapshotTests.RepositoryRoot(), "src", "NumKit", "README.md")), StringComparison.Ordinal);
        Assert.Equal(string.Empty, quickStart.Setup);

        // What the README says the quick start prints, from the comment on its last line.
        string printed = quickStart.Code.Split('\n').Last(line => line.Contains("Console.WriteLine", StringComparison.Ordinal));
        string expected = printed[(printed.LastIndexOf("// ", StringComparison.Ordinal) + 3)..].Split(" (", 2)[0].Trim();

        string work = Directory.CreateTempSubdirectory("numkit-quickstart-").FullName;
        try
        {
            string app = Path.Combine(work, "app");
            LocalPackage.CreateApp(app, quickStart.Code);
            string first = LocalPackage.Run(app, "dotnet", "run -c Release");
            Assert.Contains(expected, first, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(app, "run.ckpt")), "the quick start should leave its checkpoint");

            // A second run resumes from the checkpoint (the last epoch's) and ends where the first did.
            string second = LocalPackage.Run(app, "dotnet", "run -c Release --no-build");
            Assert.Contains(expected, second, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void Blocks_are_extracted_with_their_kind_setup_and_line()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                # Title

                ```csharp
                var a = 1;
                ```

                <!-- setup:
                int b = 2;
                -->
                ```csharp continued
                Console.WriteLine(a + b);
                ```

                ```csharp fragment
                Span<float> w, g
                ```

                ```sh
                dotnet run
                ```
                """);
            IReadOnlyList<ReadmeBlocks.Block> blocks = ReadmeBlocks.Extract(path, "X.md");
            Assert.Equal(3, blocks.Count);
            Assert.Equal((ReadmeBlocks.Kind.Program, 4, "var a = 1;"), (blocks[0].Kind, blocks[0].Line, blocks[0].Code));
            Assert.Equal((ReadmeBlocks.Kind.Continued, 11, 7), (blocks[1].Kind, blocks[1].Line, blocks[1].SetupLine));
            Assert.Equal("\nint b = 2;\n\n", blocks[1].Setup);
            Assert.Equal(ReadmeBlocks.Kind.Fragment, blocks[2].Kind);

            ReadmeBlocks.Program program = Assert.Single(ReadmeBlocks.Programs(blocks));
            string source = ReadmeBlocks.Assemble(program, "Block00");
            Assert.Contains("#line 4 \"X.md\"\nvar a = 1;", source, StringComparison.Ordinal);
            Assert.Contains("#line 8 \"X.md\"\nint b = 2;", source, StringComparison.Ordinal);
            Assert.Contains("#line 11 \"X.md\"\nConsole.WriteLine(a + b);", source, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
