namespace NumKit.Benchmarks.Infrastructure;

/// <summary>
/// A direct check, outside BenchmarkDotNet's statistics, that a benchmark body allocates nothing:
/// the managed bytes this thread allocates over a few calls, after a first call has run the static
/// constructors and the JIT.
/// </summary>
/// <remarks>
/// In process, <c>MemoryDiagnoser</c> divides a few kilobytes of its own per measurement by the
/// number of calls it made; at 16 Mi parameters that is ten or so calls, so even the hand-written
/// loop shows hundreds of bytes. This check shows what the body itself allocates.
/// </remarks>
public static class AllocationCheck
{
    private const int Calls = 4;

    /// <summary>Returns the managed bytes <paramref name="body"/> allocates per call on this thread.</summary>
    public static long BytesPerCall(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        body();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            body();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }

    /// <summary>Prints what <paramref name="body"/> allocates per call and stops the benchmark if it is not zero.</summary>
    public static void RequireNone(string what, Action body)
    {
        long bytes = Report(what, body);
        if (bytes != 0)
        {
            throw new InvalidOperationException($"{what} allocated {bytes} B per call; it must allocate nothing.");
        }
    }

    /// <summary>Prints what <paramref name="body"/> allocates per call and returns it.</summary>
    public static long Report(string what, Action body)
    {
        long bytes = BytesPerCall(body);
        Console.WriteLine($"// Allocation check: {what}: {bytes} B per call ({Calls} calls after a first).");
        return bytes;
    }
}
