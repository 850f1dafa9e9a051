using System.Runtime.InteropServices;
using TorchSharp;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// Whether TorchSharp's native libraries load in this process, found out once by trying, so the
/// TorchSharp benchmarks can be skipped with a message instead of failing when they do not.
/// </summary>
/// <remarks>
/// On Debian 12 as shipped they do not: libLibTorchSharp.so asks for GLIBCXX_3.4.32 and the system's
/// libstdc++ stops at 3.4.30. benchmarks/README.md says how to patch the build output.
/// </remarks>
public static class TorchSharpRuntime
{
    private static readonly Lazy<string?> s_failure = new(Probe);

    /// <summary>Whether TorchSharp's CPU backend loaded and computed a sum correctly.</summary>
    public static bool IsAvailable => s_failure.Value is null;

    /// <summary>Whether the probe has run (so asking <see cref="IsAvailable"/> would not load libtorch now).</summary>
    public static bool WasProbed => s_failure.IsValueCreated;

    /// <summary>Why TorchSharp could not be used (the exceptions' messages), or null if it can.</summary>
    public static string? Failure => s_failure.Value;

    /// <summary>The thread count libtorch uses by default here (its intra-op pool), or 0 if TorchSharp is unavailable.</summary>
    public static int ThreadCount => IsAvailable ? torch.get_num_threads() : 0;

    /// <summary>Throws with <see cref="Failure"/> and the fix when TorchSharp cannot be used.</summary>
    public static void Require()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("TorchSharp cannot be used in this process: " + Failure + " " + HowToFix);
        }
    }

    /// <summary>The one-line instructions printed when TorchSharp does not load.</summary>
    public const string HowToFix =
        "On Debian 12, patch the build output first: dotnet run /work/shared/tools/torchsharp-debian12.cs -- " +
        "benchmarks/NumKit.Benchmarks/bin/Release/net10.0 (see benchmarks/README.md), and run in process (the default here).";

    private static string? Probe()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            using torch.Tensor ones = torch.ones(4, torch.float32);
            using torch.Tensor sum = ones.sum();
            float value = sum.item<float>();
            return value == 4 ? null : $"a sum of four ones gave {value}.";
        }
#pragma warning disable CA1031 // Any failure to load a native library means "skip TorchSharp", whatever its type.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var messages = new List<string>();
            for (Exception? e = exception; e is not null; e = e.InnerException)
            {
                // TorchSharp appends a long load trace to its message; its first line says what failed.
                messages.Add($"{e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}");
            }

            string? loaderError = NativeLoaderError();
            return string.Join(" <- ", messages) + (loaderError is null ? "" : " The dynamic loader says: " + loaderError);
        }
    }

    // TorchSharp's message blames a missing package reference; the loader's own error names the real
    // cause (on Debian 12: "version `GLIBCXX_3.4.32' not found").
    private static string? NativeLoaderError()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
        ];
        foreach (string path in candidates.Where(File.Exists))
        {
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(path));
            }
            catch (DllNotFoundException e)
            {
                // The message quotes dlerror() on one of its lines; that line names the missing version or file.
                string[] lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return lines.FirstOrDefault(line => line.Contains("GLIBCXX", StringComparison.Ordinal) || line.Contains(".so:", StringComparison.Ordinal))
                       ?? lines.FirstOrDefault();
            }
        }

        return null;
    }
}
