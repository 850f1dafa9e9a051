using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>A step on which a kernel's periodic statements (<c>every k</c>) apply: the loop runs them.</summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it (see <see cref="KernelGuard"/>).</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DueStep : IPeriodicPhase
{
    /// <inheritdoc/>
    public static bool IsDue => true;
}
