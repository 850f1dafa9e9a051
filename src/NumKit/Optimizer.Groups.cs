using System;
using System.Collections.Generic;

namespace NumKit;

public partial class Optimizer<TRule, T>
{
    /// <summary>How many parameter groups there are: the default group 0 (every tensor not moved elsewhere) and each <see cref="AddGroup"/>.</summary>
    public int GroupCount => _plan.Count;

    /// <summary>
    /// Moves the tensors named <paramref name="tensorNames"/> into a new group stepped with
    /// <paramref name="rule"/>'s hyperparameters (such as no weight decay on biases), and returns the
    /// group's number. Allowed only before the first step; the state is reset.
    /// </summary>
    /// <remarks>
    /// A step still touches every element once: it calls the kernel once per maximal range of
    /// consecutive tensors in the same group, so grouping tensors that sit next to each other in the
    /// layout keeps the number of calls low.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A step has already been applied (StepCount is not 0).</exception>
    /// <exception cref="ArgumentException">No names were given, a name is not in the layout, is given twice, or is already in another added group; or a hyperparameter of <paramref name="rule"/> is outside its range.</exception>
    public int AddGroup(TRule rule, params string[] tensorNames)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        if (StepCount != 0)
        {
            throw new InvalidOperationException(
                $"Parameter groups must be set before the first step; {StepCount} step(s) have been applied. Call Reset() first to start over.");
        }

        ValidateRule(rule, "the new group", nameof(rule));
        int group = _plan.Add(rule, tensorNames);
        AddGroupStorage();
        RebuildState();
        return group;
    }

    /// <summary>The rule of group <paramref name="group"/> (0 is <see cref="Rule"/>), by reference, to change its hyperparameters.</summary>
    public ref TRule GroupRule(int group) => ref _plan[group].Rule;

    /// <summary>The names of the tensors in group <paramref name="group"/>, in layout order.</summary>
    public IReadOnlyList<string> GroupTensors(int group)
    {
        _ = _plan[group];
        var names = new List<string>();
        foreach (int j in _plan.Members(group))
        {
            names.Add(Layout[j].Name);
        }

        return names;
    }

    /// <summary>The group the tensor named <paramref name="tensorName"/> belongs to.</summary>
    public int GroupOf(string tensorName) => _plan.GroupOf(Layout.RequireIndexOf(tensorName, nameof(tensorName)));

    /// <summary>How many kernel calls a step makes: the ranges of consecutive tensors in the same group.</summary>
    public int RangeCount => _plan.Ranges.Length;
}
