using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>A step between those of a kernel's periodic statements (<c>every k</c>): the loop leaves them out.</summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it (see <see cref="KernelGuard"/>).</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct OrdinaryStep : IPeriodicPhase
{
    /// <inheritdoc/>
    public static bool IsDue => false;
}
