using System;

namespace NumKit.Stepping;

/// <summary>A group's rule and per-step scalar state; a class so the rule can be handed out by reference.</summary>
/// <typeparam name="TRule">The update rule.</typeparam>
internal sealed class ParameterGroup<TRule>
    where TRule : struct, IOptimizerRule<TRule>
{
    public TRule Rule;

    public ParameterGroup(TRule rule)
    {
        Rule = rule;
        Scalars = new double[TRule.ScalarStateNames.Count];
        NextScalars = new double[TRule.ScalarStateNames.Count];
    }

    /// <summary>The group's per-step scalar state, as of the last step.</summary>
    public double[] Scalars { get; }

    /// <summary>Where a step computes the group's next scalar state, so every range of the group starts from the same values.</summary>
    public double[] NextScalars { get; }

    /// <summary>Sets the scalar state to the rule's initial values.</summary>
    public void ResetScalars()
    {
        for (int s = 0; s < Scalars.Length; s++)
        {
            Scalars[s] = Rule.InitialScalarState(s);
        }
    }

    /// <summary>Copies the scalar state into <see cref="NextScalars"/> and returns it, for a range to advance.</summary>
    public Span<double> BeginRange()
    {
        Scalars.CopyTo(NextScalars, 0);
        return NextScalars;
    }

    /// <summary>Keeps the scalar state a step's ranges computed.</summary>
    public void CommitScalars() => NextScalars.CopyTo(Scalars, 0);
}
