using System;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// Limits, on the current thread, the widest vector path kernels may take — so tests and benchmarks
/// can run the 256-bit, 128-bit and scalar paths on a machine whose widest is 512 bits.
/// </summary>
/// <remarks>
/// Every path gives the same bits, so a limit changes speed, never results. The limit is per thread,
/// so one test forcing a path cannot slow another running in parallel; the worker threads that run the
/// slices of a split step (or gather) for this thread take on its limit for that work.
/// </remarks>
public static class VectorPaths
{
    // 0 means no limit: the default for every thread.
    [ThreadStatic]
    private static int t_maxBits;

    /// <summary>The widest vector, in bits, kernels may use on this thread; 0 for no limit.</summary>
    public static int MaxBits => t_maxBits;

    // The raw limit, as stored: what a worker thread copies from the thread it works for.
    internal static int RawLimit
    {
        get => t_maxBits;
        set => t_maxBits = value;
    }

    /// <summary>Whether kernels on this thread may use vectors of <paramref name="bits"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Allows(int bits) => t_maxBits == 0 || bits <= t_maxBits;

    /// <summary>
    /// Limits kernels on this thread to vectors of at most <paramref name="maxBits"/> bits (512, 256, 128,
    /// or 0 for scalar only) until the returned scope is disposed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBits"/> is not 512, 256, 128 or 0.</exception>
    public static Scope Limit(int maxBits)
    {
        if (maxBits is not (512 or 256 or 128 or 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxBits), maxBits, "The vector width must be 512, 256, 128 or 0 (scalar only).");
        }

        int previous = t_maxBits;
        // Scalar-only is stored as 64 bits: narrower than every vector, but not the 0 that means "no limit".
        t_maxBits = maxBits == 0 ? 64 : maxBits;
        return new Scope(previous);
    }

    /// <summary>Restores the previous limit when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly int _previous;

        internal Scope(int previous) => _previous = previous;

        /// <summary>Restores the limit that was in force before <see cref="Limit"/>.</summary>
        public void Dispose() => t_maxBits = _previous;
    }
}
