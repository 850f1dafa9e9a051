using System;
using System.Collections.Generic;

namespace NumKit.Stepping;

/// <summary>
/// Which tensors of a layout are stepped with which group's rule, and the kernel calls that follows from
/// it: one <see cref="GroupRange"/> per maximal run of consecutive tensors in the same group.
/// </summary>
/// <remarks>
/// Group 0, the default, holds every tensor not moved elsewhere. The plan knows nothing of state
/// values or kernels: <see cref="StateBuffers{T}"/> places state by range, and the optimizer calls the
/// kernel once per range.
/// </remarks>
/// <typeparam name="TRule">The update rule each group holds its own copy of.</typeparam>
internal sealed class GroupPlan<TRule>
    where TRule : struct, IOptimizerRule<TRule>
{
    private readonly ParameterLayout _layout;

    // Which group each tensor of the layout belongs to (0, the default group, unless moved by Add).
    private readonly int[] _groupOfTensor;
    private ParameterGroup<TRule>[] _groups;

    public GroupPlan(ParameterLayout layout, TRule rule)
    {
        _layout = layout;
        _groupOfTensor = new int[layout.Count];
        _groups = new[] { new ParameterGroup<TRule>(rule) };
        Ranges = BuildRanges();
    }

    /// <summary>The groups, 0 first.</summary>
    public ReadOnlySpan<ParameterGroup<TRule>> Groups => _groups;

    /// <summary>How many groups there are.</summary>
    public int Count => _groups.Length;

    /// <summary>The kernel calls of one step, in layout order; at least one (an empty layout has one empty range).</summary>
    public GroupRange[] Ranges { get; private set; }

    /// <summary>The group <paramref name="group"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such group.</exception>
    public ParameterGroup<TRule> this[int group]
    {
        get
        {
            if ((uint)group >= (uint)_groups.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(group), group, $"The optimizer has {_groups.Length} group(s), 0 to {_groups.Length - 1}.");
            }

            return _groups[group];
        }
    }

    /// <summary>The group of every tensor, in layout order (a copy).</summary>
    public int[] GroupsOfTensors() => (int[])_groupOfTensor.Clone();

    /// <summary>The group of the tensor at layout index <paramref name="tensorIndex"/>.</summary>
    public int GroupOf(int tensorIndex) => _groupOfTensor[tensorIndex];

    /// <summary>
    /// Checks <paramref name="tensorNames"/> and moves those tensors into a new group with <paramref name="rule"/>;
    /// returns the group's number. Nothing changes unless every name is good.
    /// </summary>
    /// <exception cref="ArgumentException">No names were given, a name is not in the layout, is given twice, or is already in another added group.</exception>
    public int Add(TRule rule, string[] tensorNames)
    {
        if (tensorNames.Length == 0)
        {
            throw new ArgumentException("A group needs at least one tensor name.", nameof(tensorNames));
        }

        var indexes = new int[tensorNames.Length];
        for (int i = 0; i < tensorNames.Length; i++)
        {
            int index = _layout.RequireIndexOf(tensorNames[i], nameof(tensorNames));
            if (Array.IndexOf(indexes, index, 0, i) >= 0)
            {
                throw new ArgumentException($"Tensor '{tensorNames[i]}' is named twice.", nameof(tensorNames));
            }

            if (_groupOfTensor[index] != 0)
            {
                throw new ArgumentException($"Tensor '{tensorNames[i]}' is already in group {_groupOfTensor[index]}; a tensor belongs to one group.", nameof(tensorNames));
            }

            indexes[i] = index;
        }

        // Everything is checked: only now change anything.
        int group = _groups.Length;
        Array.Resize(ref _groups, group + 1);
        _groups[group] = new ParameterGroup<TRule>(rule);
        foreach (int index in indexes)
        {
            _groupOfTensor[index] = group;
        }

        Ranges = BuildRanges();
        return group;
    }

    /// <summary>The layout indexes of the tensors in <paramref name="group"/>, ascending.</summary>
    public int[] Members(int group)
    {
        var members = new List<int>();
        for (int j = 0; j < _groupOfTensor.Length; j++)
        {
            if (_groupOfTensor[j] == group)
            {
                members.Add(j);
            }
        }

        return members.ToArray();
    }

    /// <summary>The range that holds the tensor at layout index <paramref name="tensorIndex"/>.</summary>
    public GroupRange RangeOf(int tensorIndex)
    {
        ParameterTensor tensor = _layout[tensorIndex];
        foreach (GroupRange range in Ranges)
        {
            if (range.Group == _groupOfTensor[tensorIndex] && tensor.Offset >= range.Start && tensor.Offset + tensor.Length <= range.Start + range.Length)
            {
                return range;
            }
        }

        throw new InvalidOperationException($"Tensor '{tensor.Name}' is in no range; this is a bug in NumKit.");
    }

    // Maximal runs of consecutive tensors in the same group.
    private GroupRange[] BuildRanges()
    {
        var ranges = new List<GroupRange>();
        for (int j = 0; j < _layout.Count; j++)
        {
            ParameterTensor tensor = _layout[j];
            int group = _groupOfTensor[j];
            if (ranges.Count > 0 && ranges[^1].Group == group)
            {
                ranges[^1] = ranges[^1] with { Length = ranges[^1].Length + tensor.Length };
            }
            else
            {
                ranges.Add(new GroupRange(tensor.Offset, tensor.Length, group));
            }
        }

        if (ranges.Count == 0)
        {
            // An empty layout still steps (t advances) through one empty range.
            ranges.Add(new GroupRange(0, 0, 0));
        }

        return ranges.ToArray();
    }
}
