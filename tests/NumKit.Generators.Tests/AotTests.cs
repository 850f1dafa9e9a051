using System.Runtime.Intrinsics.X86;

namespace NumKit.Generators.Tests;

/// <summary>
/// Native AOT from the package: a default PublishAot app is warned (NK1001) that its kernels will run at
/// 128 bits, and with NumKitAotVectorWidth set to the machine's widest it publishes with no warning and
/// runs at that width with the JIT's bits. The speed is measured by hand (benchmarks/README.md), with the
/// same program: tests/NumKit.AotApp.
/// </summary>
public class AotTests
{
    private static string Program() => File.ReadAllText(Path.Combine(SnapshotTests.RepositoryRoot(), "tests", "NumKit.AotApp", "Program.cs"));

    // This machine links with gcc when clang is missing, as tests/NumKit.AotApp does.
    private static string Linker => File.Exists("/usr/bin/clang") ? string.Empty : "<CppCompilerAndLinker>gcc</CppCompilerAndLinker>";

    private static string Value(string output, string key)
    {
        string line = output.Split('\n').Single(l => l.StartsWith(key + ": ", StringComparison.Ordinal));
        return line[(key.Length + 2)..].Trim();
    }

    [Fact]
    public void A_default_PublishAot_app_is_warned_that_kernels_run_at_128_bits_and_a_bad_width_is_an_error()
    {
        string work = Directory.CreateTempSubdirectory("numkit-aot-warn-").FullName;
        try
        {
            string app = Path.Combine(work, "app");
            LocalPackage.CreateApp(app, Program(), "<PublishAot>true</PublishAot><TreatWarningsAsErrors>false</TreatWarningsAsErrors>");
            string output = LocalPackage.Run(app, "dotnet", "build -c Release -r linux-x64");
            Assert.Contains("warning NK1001: This app publishes with Native AOT for x64 and no instruction set, so NumKit's kernels will run at 128 bits", output, StringComparison.Ordinal);

            // Choosing the portable default knowingly silences it.
            output = LocalPackage.Run(app, "dotnet", "build -c Release -r linux-x64 -p:NumKitAotVectorWidth=128");
            Assert.DoesNotContain("NK1001", output, StringComparison.Ordinal);

            (int exitCode, string error) = LocalPackage.Execute(app, "dotnet", "build -c Release -r linux-x64 -p:NumKitAotVectorWidth=1024");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("error NK1002: NumKitAotVectorWidth is '1024'; it must be 512", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void With_NumKitAotVectorWidth_an_AOT_app_publishes_without_warnings_and_runs_at_full_width_with_the_JITs_bits()
    {
        int widest = Avx512F.IsSupported ? 512 : Avx2.IsSupported ? 256 : 128;
        string work = Directory.CreateTempSubdirectory("numkit-aot-").FullName;
        try
        {
            string app = Path.Combine(work, "app");
            // The app's own settings as a user would write them; TreatWarningsAsErrors (from CreateApp) turns
            // any trim or AOT warning into a failed publish.
            LocalPackage.CreateApp(app, Program(), $"<PublishAot>true</PublishAot><NumKitAotVectorWidth>{widest}</NumKitAotVectorWidth>{Linker}");
            string published = LocalPackage.Run(app, "dotnet", "publish -c Release -r linux-x64 -o out");
            Assert.DoesNotContain("warning", published, StringComparison.OrdinalIgnoreCase);

            string aot = LocalPackage.Run(app, Path.Combine(app, "out", "App"), "4099 20");
            string jit = LocalPackage.Run(app, "dotnet", "run -c Release -r linux-x64 -p:PublishAot=false -- 4099 20");
            Assert.Equal("native-aot", Value(aot, "runtime"));
            Assert.Equal("jit", Value(jit, "runtime"));
            Assert.Equal(widest.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(aot, "vector-bits"));
            Assert.Equal(Value(jit, "vector-bits"), Value(aot, "vector-bits"));
            Assert.Equal(Value(jit, "bits-hash"), Value(aot, "bits-hash"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
