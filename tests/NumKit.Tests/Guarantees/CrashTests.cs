using System.Diagnostics;
using System.Text;
using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// A process killed mid-save leaves the previous file whole: a child process (this assembly's
/// <see cref="CrashChild"/>) saves in a loop, and is stopped inside a save — by a file-size limit, which kills
/// it with SIGXFSZ at an exact byte, or by a kill at a random moment. The file at the path must then still load.
/// </summary>
public class CrashTests
{
    // A process killed by a signal exits with 128 + the signal; SIGXFSZ, sent when a write passes ulimit -f, is 25.
    private const int KilledByFileSizeLimit = 128 + 25;

    private static readonly ParameterLayout Layout = new ParameterLayout().Add("w", CrashChild.ParameterCount);

    public static string CsvOf(int round)
    {
        var text = new StringBuilder("trial,cost\n");
        for (int i = 0; i < 20_000; i++)
        {
            text.Append(i).Append(',').Append(round).Append('\n');
        }

        return text.ToString();
    }

    [UnixFact]
    public void A_checkpoint_save_killed_by_a_file_size_limit_leaves_the_previous_checkpoint_loadable()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "run.ckpt");

        // A whole checkpoint first, written without a limit; then a child whose limit (500 KiB) is below a checkpoint's size (~800 KB).
        var first = new Optimizer<Adam>(new Adam(), Layout);
        first.SaveCheckpoint(path);
        long before = new FileInfo(path).Length;
        (int exitCode, string output) = RunChild("checkpoint", path, fileSizeLimitKiB: 500);
        Assert.True(before > 500 * 1024, $"The checkpoint is {before} bytes: the limit would not stop the child mid-save.");

        Assert.Equal(KilledByFileSizeLimit, exitCode);
        Assert.Equal(string.Empty, output.Trim()); // it died in its first save
        Assert.Equal(before, new FileInfo(path).Length);
        var loaded = new Optimizer<Adam>(new Adam(), Layout);
        loaded.LoadCheckpoint(path);
        Assert.Equal(0, loaded.StepCount);
    }

    [UnixFact]
    public void A_checkpoint_save_killed_at_a_random_moment_leaves_a_whole_checkpoint()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "run.ckpt");
        KillDuringSaves("checkpoint", path);

        var loaded = new Optimizer<Adam>(new Adam(), Layout);
        loaded.LoadCheckpoint(path);
        Assert.True(loaded.StepCount >= 1);
    }

    [UnixFact]
    public void A_parameter_save_killed_by_a_file_size_limit_leaves_the_previous_values_loadable()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "weights.bin");
        var set = new ParameterSet<float>(Layout);
        set.Values.Fill(-7f);
        set.SaveValues(path);

        (int exitCode, _) = RunChild("values", path, fileSizeLimitKiB: 200);

        Assert.Equal(KilledByFileSizeLimit, exitCode);
        var loaded = new ParameterSet<float>(set.Layout);
        loaded.LoadValues(path);
        Assert.All(loaded.Values.ToArray(), v => Assert.Equal(-7f, v));
    }

    [UnixFact]
    public void A_csv_written_atomically_and_killed_mid_write_keeps_every_previous_row()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "trials.csv");
        IO.AtomicFile.WriteAllText(path, CsvOf(0));

        (int exitCode, _) = RunChild("text", path, fileSizeLimitKiB: 100);

        Assert.Equal(KilledByFileSizeLimit, exitCode);
        Assert.Equal(CsvOf(0), File.ReadAllText(path));

        KillDuringSaves("text", path);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(20_001, lines.Length);
        string round = lines[1].Split(',')[1];
        Assert.All(lines.Skip(1), line => Assert.Equal(round, line.Split(',')[1]));
    }

    // Starts the child, lets it finish a few saves, then kills it while it is saving again (saves take most of its time).
    private static void KillDuringSaves(string kind, string path)
    {
        using Process child = StartChild(kind, path, fileSizeLimitKiB: null);
        for (int saves = 0; saves < 3;)
        {
            if (child.StandardOutput.ReadLine() is null)
            {
                Assert.Fail("The child stopped before it saved: " + child.StandardError.ReadToEnd());
            }

            saves++;
        }

        Thread.Sleep(Random.Shared.Next(1, 15));
        child.Kill(entireProcessTree: true);
        child.WaitForExit();
    }

    private static (int ExitCode, string Output) RunChild(string kind, string path, int? fileSizeLimitKiB)
    {
        using Process child = StartChild(kind, path, fileSizeLimitKiB);
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, output);
    }

    private static Process StartChild(string kind, string path, int? fileSizeLimitKiB)
    {
        // dotnet exec this very assembly, with the test host's dependencies and runtime settings.
        string assembly = typeof(CrashChild).Assembly.Location;
        string directory = Path.GetDirectoryName(assembly)!;
        string name = Path.GetFileNameWithoutExtension(assembly);
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        string command = $"exec '{dotnet}' exec --runtimeconfig '{Path.Combine(directory, name + ".runtimeconfig.json")}' "
            + $"--depsfile '{Path.Combine(directory, name + ".deps.json")}' '{assembly}' crash-child {kind} '{path}'";
        if (fileSizeLimitKiB is { } limit)
        {
            command = $"ulimit -f {limit} && {command}";
        }

        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // The runtime's W^X double mapping sizes a memory file, which a file-size limit refuses: the runtime
        // would not start. Without it, the limit stops only the child's own writes.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        return Process.Start(start)!;
    }
}

/// <summary>A fact that runs only on Linux and macOS (the crash tests use /bin/sh and ulimit); skipped, visibly, elsewhere.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Needs /bin/sh and ulimit -f (Linux or macOS).";
        }
    }
}

/// <summary>A fresh folder under the temporary folder, deleted with everything in it when disposed.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "numkit-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
