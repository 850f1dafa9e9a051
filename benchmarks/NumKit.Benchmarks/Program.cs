using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NumKit.Benchmarks;
using NumKit.Benchmarks.Baselines;
using NumKit.Benchmarks.Infrastructure;

// Runs the benchmarks named on the command line, e.g.
//   dotnet run -c Release --project benchmarks/NumKit.Benchmarks -- --filter '*AdamKernel*' --job short
//
// Every job runs in this process (BenchmarkDotNet's in-process emit toolchain), whatever job the
// command line picks: TorchSharp's native libraries must be loaded from this build output, the one
// benchmarks/README.md patches for Debian 12, and not from the per-run project BenchmarkDotNet would
// otherwise generate and build (which would also copy libtorch's 1.1 GB of natives each run).
var inProcess = new Job("InProcess").WithToolchain(InProcessEmitToolchain.Instance).AsMutator();

// The --filter patterns, so TorchSharp is probed (which loads libtorch) only when a TorchSharp case would run.
GlobFilter? userFilter = FilterPatterns(args) is { Length: > 0 } patterns ? new GlobFilter(patterns) : null;
bool torchSkipped = false;
IConfig config = DefaultConfig.Instance
    .AddJob(inProcess)
    .AddColumn(ThroughputColumn.Rate, ThroughputColumn.TriadShare)
    // TorchSharp cases run only where TorchSharp loads; the probe runs when the first such case is considered.
    .AddFilter(new SimpleFilter(benchmarkCase =>
    {
        if (!UsesTorchSharpAttribute.IsOn(benchmarkCase)
            || (userFilter is not null && !userFilter.Predicate(benchmarkCase))
            || TorchSharpRuntime.IsAvailable)
        {
            return true;
        }

        if (!torchSkipped)
        {
            torchSkipped = true;
            Console.WriteLine(SkipMessage());
        }

        return false;
    }));

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

if (torchSkipped)
{
    // Said again at the end, where it is not lost above the results.
    Console.WriteLine(SkipMessage());
}
else if (TorchSharpRuntime.WasProbed && TorchSharpRuntime.IsAvailable)
{
    Console.WriteLine($"TorchSharp ran at its default thread count: torch.get_num_threads() = {TorchSharpRuntime.ThreadCount}.");
}

static string SkipMessage()
    => "SKIPPED: the TorchSharp benchmarks, because TorchSharp cannot load here: " + TorchSharpRuntime.Failure
       + Environment.NewLine + TorchSharpRuntime.HowToFix;

static string[] FilterPatterns(string[] args)
{
    var patterns = new List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] is "--filter" or "-f")
        {
            for (i++; i < args.Length && !args[i].StartsWith('-'); i++)
            {
                patterns.Add(args[i]);
            }

            i--;
        }
    }

    return [.. patterns];
}
