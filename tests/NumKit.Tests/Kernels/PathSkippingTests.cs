using System.Diagnostics;
using System.Xml.Linq;

namespace NumKit.Tests.Kernels;

/// <summary>
/// Issue 11, observation 9: "where the CPU lacks AVX-512 the 512-bit path tests pass without running it". A child
/// test run of this assembly with AVX-512 (and, in a second run, AVX2) turned off in the runtime must report a path
/// test as skipped, naming the path it could not run — and the same test as passed where every path is there.
/// </summary>
public class PathSkippingTests
{
    private const string PathTest = "NumKit.Tests.Kernels.AdamKernelTests.Float_kernel_matches_a_double_reference_and_gives_the_same_bits_on_every_path_for_every_length";

    [Theory]
    [InlineData("DOTNET_EnableAVX512F", "512-bit", 256)]
    [InlineData("DOTNET_EnableAVX2", "256-bit", 128)]
    public void A_path_test_is_reported_skipped_naming_the_path_the_runtime_cannot_run(string setting, string path, int widest)
    {
        (string outcome, string message) = RunChild(PathTest, (setting, "0"), ("DOTNET_EnableAVX512", setting == "DOTNET_EnableAVX512F" ? "0" : null));

        Assert.Equal("NotExecuted", outcome);
        Assert.Contains($"Not run on the {path}", message);
        Assert.Contains($"at most {widest}-bit", message);
    }

    [Fact]
    public void Where_every_path_runs_the_same_test_passes()
    {
        (string outcome, _) = RunChild(PathTest);
        Assert.Equal(VectorPaths.HardwareBits == 512 ? "Passed" : "NotExecuted", outcome);
    }

    [Fact]
    public void EveryPath_outside_a_path_test_is_an_error_not_a_silent_pass()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EveryPath.Run(_ => { }));
        Assert.Contains("[PathFact] or [PathTheory]", error.Message);
    }

    // Runs one test of this assembly in a child 'dotnet test' with the given environment; returns its TRX outcome and message.
    private static (string Outcome, string Message) RunChild(string test, params (string Name, string? Value)[] environment)
    {
        string results = Directory.CreateTempSubdirectory("numkit-paths-").FullName;
        try
        {
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
                : Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
            var start = new ProcessStartInfo(dotnet)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "test", typeof(PathSkippingTests).Assembly.Location, "--filter", $"FullyQualifiedName={test}", "--logger", "trx;LogFileName=child.trx", "--results-directory", results })
            {
                start.ArgumentList.Add(argument);
            }

            // A setting asked for is the only one: the child does not inherit this run's own DOTNET_Enable* (a suite
            // run under DOTNET_EnableHWIntrinsic=0 would otherwise make every child scalar). Without settings the child
            // runs as this process does, so its widest path is this process's.
            if (environment.Length > 0)
            {
                foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)).ToArray())
                {
                    start.Environment.Remove(inherited);
                }
            }

            foreach ((string name, string? value) in environment)
            {
                if (value is not null)
                {
                    start.Environment[name] = value;
                }
            }

            using Process child = Process.Start(start)!;
            Task<string> output = child.StandardOutput.ReadToEndAsync();
            Task<string> errors = child.StandardError.ReadToEndAsync();
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)), "the child test run did not finish in 5 minutes");
            string trx = Path.Combine(results, "child.trx");
            Assert.True(File.Exists(trx), $"the child wrote no results:\n{output.Result}\n{errors.Result}");

            XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
            XElement result = Assert.Single(XDocument.Load(trx).Descendants(ns + "UnitTestResult"));
            string message = string.Concat(result.Descendants(ns + "Message").Select(m => m.Value)) + string.Concat(result.Descendants(ns + "StdOut").Select(m => m.Value));
            return ((string)result.Attribute("outcome")!, message);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }
}
