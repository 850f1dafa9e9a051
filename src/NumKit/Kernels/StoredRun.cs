using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>
/// One stretch of parameters a generated loop over stored values steps: its length and, for the parameters, the
/// gradients and each state buffer, where the elements are (<see cref="StoredSpan"/>).
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct StoredRun
{
    private readonly StoredSpan* _states;

    internal StoredRun(nuint length, StoredSpan parameters, StoredSpan gradients, StoredSpan* states)
    {
        Length = length;
        Parameters = parameters;
        Gradients = gradients;
        _states = states;
    }

    /// <summary>How many parameters the run holds.</summary>
    public nuint Length { get; }

    /// <summary>The parameters.</summary>
    public StoredSpan Parameters { get; }

    /// <summary>The gradients (read only).</summary>
    public StoredSpan Gradients { get; }

    /// <summary>State buffer <paramref name="k"/> (in the rule's StateNames order).</summary>
    public StoredSpan State(int k) => _states[k];
}
