namespace NumKit.Tests;

/// <summary>
/// Measures what a piece of work allocates on the calling thread once it runs in its steady state.
/// </summary>
/// <remarks>
/// A window measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> can, rarely, report a few
/// KB the work did not allocate: seen only in full parallel runs (1552, 5648 and 7448 B, always under one
/// 8 KB allocation quantum) in tests that measure 0 B in every isolated run, under every tiering setting
/// we could force — consistent with a collection started by another test's thread retiring this thread's
/// allocation context inside the window. A real allocation in the work repeats in every window, so the
/// measurement is taken up to <c>attempts</c> times and the smallest window is returned: one clean window
/// is enough to show the work itself allocates nothing, and work that allocates fails every window.
/// </remarks>
public static class SteadyStateAllocation
{
    /// <summary>Runs <paramref name="work"/> once to warm up, then returns the fewest bytes any of up to
    /// <paramref name="attempts"/> measured runs allocated (stopping at the first 0).</summary>
    public static long Of(Action work, int attempts = 3)
    {
        work();
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < attempts && fewest != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
