using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>
/// Whether a kernel's loop runs on a step of its periodic statements (<c>x = e every k</c>): a type argument
/// of the generated loop, so the JIT compiles one loop with the periodic block and one without, and the choice
/// is made once per step rather than per element.
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it (see <see cref="KernelGuard"/>).</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IPeriodicPhase
{
    /// <summary>Whether this is one of the steps k, 2k, 3k, ... on which the periodic statements apply.</summary>
    static abstract bool IsDue { get; }
}
