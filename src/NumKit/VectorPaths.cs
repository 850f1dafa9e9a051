using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NumKit;

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
    // Scalar-only is stored as 64 bits: narrower than every vector, but not the 0 that means "no limit".
    private const int ScalarOnly = 64;

    // As stored, 0 means no limit (the default for every thread) and ScalarOnly means scalar code only;
    // MaxBits translates both into the values Limit takes.
    [ThreadStatic]
    private static int t_maxBits;

    /// <summary>
    /// The widest vector, in bits, kernels may use on this thread, in the values <see cref="Limit"/>
    /// takes: 512 when nothing limits it (the widest any kernel has), 256, 128, or 0 for scalar only.
    /// </summary>
    public static int MaxBits => t_maxBits switch
    {
        0 => 512,
        ScalarOnly => 0,
        int bits => bits,
    };

    /// <summary>
    /// The widest vector, in bits, this process can run kernels at: 512, 256, 128, or 0 when the
    /// runtime accelerates no vectors (for instance with <c>DOTNET_EnableHWIntrinsic=0</c>). It depends on
    /// the processor, the runtime's settings and, in a Native AOT app, the instruction sets it was compiled for.
    /// </summary>
    public static int HardwareBits
        => Vector512.IsHardwareAccelerated ? 512
        : Vector256.IsHardwareAccelerated ? 256
        : Vector128.IsHardwareAccelerated ? 128
        : 0;

    /// <summary>
    /// The width, in bits, kernels called on this thread run at: the smaller of <see cref="HardwareBits"/>
    /// and <see cref="MaxBits"/> (0: scalar code). Log it at startup to see what the process really uses.
    /// </summary>
    public static int ActiveBits => Math.Min(HardwareBits, MaxBits);

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
        t_maxBits = maxBits == 0 ? ScalarOnly : maxBits;
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
