using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace NumKit;

// Hyperparameters are checked against their rule's ranges (IOptimizerRule.RangeOf) wherever they can enter:
// the constructor and AddGroup, the LearningRate setter, before every step (the rule is handed out by
// reference, so `opt.Rule.Beta2 = 1` cannot be checked when it is written), and a checkpoint before it is
// applied. A refused value changes nothing: the check runs before anything is written.
public partial class Optimizer<TRule, T>
{
    // Throws if any hyperparameter of 'rule' is outside its range; 'where' names the group or the source.
    private static void ValidateRule(in TRule rule, string where, string paramName)
    {
        for (int h = 0; h < TRule.HyperparameterNames.Count; h++)
        {
            float value = rule.GetHyperparameter(h);
            string name = TRule.HyperparameterNames[h];
            HyperparameterRange range = TRule.RangeOf(name);
            if (!range.Contains(value))
            {
                ThrowOutOfRange(name, value, range, where, paramName);
            }
        }
    }

    // Before a step: every group's hyperparameters (a few comparisons per group; no allocation unless it throws).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ValidateGroups()
    {
        ReadOnlySpan<Stepping.ParameterGroup<TRule>> groups = _plan.Groups;
        for (int group = 0; group < groups.Length; group++)
        {
            ValidateGroup(groups[group].Rule, group);
        }
    }

    private static void ValidateGroup(in TRule rule, int group)
    {
        for (int h = 0; h < TRule.HyperparameterNames.Count; h++)
        {
            float value = rule.GetHyperparameter(h);
            if (!TRule.RangeOf(TRule.HyperparameterNames[h]).Contains(value))
            {
                ThrowOutOfRange(TRule.HyperparameterNames[h], value, TRule.RangeOf(TRule.HyperparameterNames[h]),
                    group == 0 ? "the default group (Rule)" : $"group {group}", "Rule");
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfRange(string name, float value, HyperparameterRange range, string where, string paramName)
        => throw new ArgumentOutOfRangeException(
            paramName,
            value,
            string.Create(CultureInfo.InvariantCulture,
                $"{typeof(TRule).Name}.{name} of {where} is {value}; it must be {range}. Nothing was changed."));

    // A checkpoint's values, before it is applied: hyperparameters in range, declared non-negative state not
    // negative or NaN, and a step count a further step can still count.
    private void ValidateStaged(Staged staged)
    {
        for (int group = 0; group < staged.Rules.Length; group++)
        {
            ValidateRule(staged.Rules[group], $"group {group} in the checkpoint", "stream");
        }

        if (staged.StepCount == int.MaxValue)
        {
            throw new ArgumentException(
                $"The checkpoint's step count is {int.MaxValue}, the largest an optimizer counts: no further step could be applied. Nothing was changed.",
                "stream");
        }

        if (staged.Compact is not null)
        {
            ValidateCompactStaged(staged.Compact);
            return;
        }

        foreach (Stepping.GroupRange range in _plan.Ranges)
        {
            for (int k = 0; k < TRule.StateNames.Count; k++)
            {
                if (!TRule.IsNonNegativeState(TRule.StateNames[k]))
                {
                    continue;
                }

                Span<T> values = staged.State.Buffer(range, k);
                for (int i = 0; i < values.Length; i++)
                {
                    // Written so that NaN fails too.
                    if (!(values[i] >= T.Zero))
                    {
                        throw new ArgumentException(
                            string.Create(CultureInfo.InvariantCulture,
                                $"The checkpoint's state '{TRule.StateNames[k]}' holds {values[i]} at element {range.Start + i}; {typeof(TRule).Name} keeps it 0 or more. Nothing was changed."),
                            "stream");
                    }
                }
            }
        }
    }

    // The same check on compact state, each tensor's buffer widened to float.
    private void ValidateCompactStaged(Stepping.CompactState compact)
    {
        for (int k = 0; k < TRule.StateNames.Count; k++)
        {
            if (!TRule.IsNonNegativeState(TRule.StateNames[k]))
            {
                continue;
            }

            for (int j = 0; j < Layout.Count; j++)
            {
                var values = new float[Layout[j].Length];
                compact.CopyTo(j, k, values);
                for (int i = 0; i < values.Length; i++)
                {
                    if (!(values[i] >= 0f))
                    {
                        throw new ArgumentException(
                            string.Create(CultureInfo.InvariantCulture,
                                $"The checkpoint's state '{TRule.StateNames[k]}' holds {values[i]} at element {i} of tensor '{Layout[j].Name}'; {typeof(TRule).Name} keeps it 0 or more. Nothing was changed."),
                            "stream");
                    }
                }
            }
        }
    }
}
