using System.Diagnostics;
using NumKit.Demo.Tune;

namespace NumKit.Demo.Tests.Studies;

/// <summary>Starts real <c>tune worker</c> processes of the demo, as <c>tune --storage … --workers K</c> does.</summary>
internal static class WorkerProcesses
{
    public static Process Start(StudyDemoOptions options)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(StudyDemo).Assembly.Location);
        foreach (string argument in StudyDemo.WorkerArguments(options))
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a worker.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static void WaitAll(IEnumerable<Process> workers, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        foreach (Process worker in workers)
        {
            TimeSpan left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || !worker.WaitForExit(left))
            {
                KillAll(workers);
                throw new TimeoutException($"The workers did not finish within {timeout}.");
            }

            Assert.Equal(0, worker.ExitCode);
        }
    }

    public static void KillAll(IEnumerable<Process> workers)
    {
        foreach (Process worker in workers)
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
                worker.WaitForExit();
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails after <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            Thread.Sleep(50);
        }
    }
}
