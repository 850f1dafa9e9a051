using System.Diagnostics;
using System.Globalization;

namespace NumKit.Generators.Tests;

/// <summary>
/// NumKit packed once per test run into a local folder feed, as a user's <c>dotnet pack</c> output would
/// be, and fresh console apps that reference it: what the package and README tests build against.
/// </summary>
internal static class LocalPackage
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private static readonly Lazy<(string Feed, string Version)> s_package = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding the packed NumKit.*.nupkg.</summary>
    public static string Feed => s_package.Value.Feed;

    /// <summary>The packed version: one of its own, so NuGet's global cache never hands back an older package.</summary>
    public static string Version => s_package.Value.Version;

    /// <summary>The path of the packed NumKit .nupkg.</summary>
    public static string PackagePath => Assert.Single(Directory.GetFiles(Feed, $"NumKit.{Version}.nupkg"));

    private static (string Feed, string Version) Pack()
    {
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string feed = Directory.CreateTempSubdirectory("numkit-feed-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(feed);
        Run(SnapshotTests.RepositoryRoot(), "dotnet", $"pack src/NumKit -c {Configuration} --no-build -o \"{feed}\" -p:Version={version}");

        // The study storages (SQLite, PostgreSQL), a package of their own that depends on this NumKit; built
        // with this test project (a project reference that only orders the build).
        Run(SnapshotTests.RepositoryRoot(), "dotnet", $"pack src/NumKit.Studies -c {Configuration} --no-build -o \"{feed}\" -p:Version={version}");
        return (feed, version);
    }

    /// <summary>
    /// Creates a console app in <paramref name="directory"/> that references the packed NumKit through a
    /// nuget.config naming the local feed (beside the sources this machine already has), with
    /// <paramref name="program"/> as Program.cs; <paramref name="withStudies"/> also references NumKit.Studies.
    /// </summary>
    public static void CreateApp(string directory, string program, string extraProperties = "", bool withStudies = false)
    {
        string studies = withStudies ? $"""<PackageReference Include="NumKit.Studies" Version="{Version}" />""" : string.Empty;
        Directory.CreateDirectory(directory);
        string offline = "/opt/nuget/packages";
        string offlineSource = Directory.Exists(offline) ? $"""<add key="offline" value="{offline}" />""" : string.Empty;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{Feed}" />
                {offlineSource}
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NumKit" Version="{Version}" />
                {studies}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
    }

    /// <summary>Runs a command and returns its output; fails the test with the output if it fails.</summary>
    public static string Run(string directory, string file, string arguments)
    {
        (int exitCode, string output) = Execute(directory, file, arguments);
        Assert.True(exitCode == 0, $"'{file} {arguments}' failed with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Runs a command and returns its exit code and output (standard output, then standard error).</summary>
    public static (int ExitCode, string Output) Execute(string directory, string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host sets MSBuild variables for its own build; a child build must not inherit them.
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
