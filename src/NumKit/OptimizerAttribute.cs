using System;

namespace NumKit;

/// <summary>
/// Declares an optimizer by its update equations; the NumKit generator turns them into one fused
/// SIMD loop over the parameters, their gradients and the optimizer's state.
/// </summary>
/// <remarks>
/// Apply it to a <c>partial struct</c> whose public <see cref="float"/> properties are the
/// hyperparameters (one of them <c>LearningRate</c>). The equations use <c>w</c> (the parameter),
/// <c>g</c> (its gradient) and <c>t</c> (the step number, 1 on the first step); a name read before it
/// is assigned is state that persists between steps. See the README's language reference.
/// </remarks>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class OptimizerAttribute : Attribute
{
    /// <summary>Declares an optimizer by its update equations, one statement per line.</summary>
    /// <param name="equations">The update equations, one statement per line.</param>
    public OptimizerAttribute(string equations) => Equations = equations;

    /// <summary>The update equations, as written.</summary>
    public string Equations { get; }
}
