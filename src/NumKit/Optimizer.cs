using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NumKit;

/// <summary>
/// Runs an optimizer rule over a fixed set of parameters: owns the rule's state buffers (allocated
/// once, here) and the step count, and steps the parameters without allocating.
/// </summary>
/// <remarks>
/// <para>
/// The parameters are one flat span, described by a <see cref="ParameterLayout"/> (one tensor named
/// "parameters" when created from a count). Tensors can be put in groups with their own
/// hyperparameters (<see cref="AddGroup"/>); a step then runs the kernel once per contiguous range of
/// tensors in the same group, so each element is still read and written once.
/// </para>
/// <para>
/// State is laid out per range: for a range of n elements starting at s, state buffer k holds
/// n values at <c>StateNames.Count * s + k * n</c>. Without groups there is one range, so each state
/// buffer is one contiguous span (<see cref="State(string)"/>).
/// </para>
/// </remarks>
/// <typeparam name="TRule">The update rule, a struct declared with <see cref="OptimizerAttribute"/>.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public partial class Optimizer<TRule, T>
    where TRule : struct, IOptimizerRule<TRule>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const string DefaultTensorName = "parameters";

    // Every state buffer, in one array allocated pinned (on the pinned-object heap, so the GC never moves it)
    // and used from its first 64-byte boundary: the first buffer starts on a cache line, and so does every
    // buffer when the parameter count is a multiple of 16 floats. A vector load that straddles two lines
    // costs a second access, which the kernels would otherwise pay on every state load.
    private readonly T[] _stateStorage;
    private readonly int _stateOffset;
    private readonly int _stateLength;
    private Group[] _groups;
    private Run[] _runs;

    // Which group each tensor of the layout belongs to (0, the default group, unless moved by AddGroup).
    private readonly int[] _groupOfTensor;

    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters and allocates its state.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is negative, or the state would not fit in one array.</exception>
    public Optimizer(TRule rule, int parameterCount)
        : this(rule, Flat(parameterCount))
    {
    }

    /// <summary>Creates an optimizer for the tensors of <paramref name="layout"/> (such as a <see cref="ParameterSet{T}"/>'s) and allocates its state.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The state would not fit in one array.</exception>
    public Optimizer(TRule rule, ParameterLayout layout)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Optimizers run over float or double parameters, not {typeof(T).Name}.");
        }

        ArgumentNullException.ThrowIfNull(layout);
        long stateLength = (long)TRule.StateNames.Count * layout.ParameterCount;
        if (stateLength > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout.ParameterCount,
                $"{TRule.StateNames.Count} state buffers of {layout.ParameterCount} elements do not fit in one array.");
        }

        Layout = layout;
        ParameterCount = layout.ParameterCount;
        _stateLength = (int)stateLength;
        _stateStorage = GC.AllocateArray<T>(_stateLength + (StateAlignment / Unsafe.SizeOf<T>()), pinned: true);
        _stateOffset = AlignedOffset(_stateStorage);
        _groups = new[] { new Group(rule, TRule.ScalarStateNames.Count) };
        _groupOfTensor = new int[layout.Count];
        _runs = BuildRuns();
        Reset();
    }

    /// <summary>The tensors this optimizer steps, in the order they sit in the flat parameter span.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>How many parameters every <see cref="Step(Span{T}, ReadOnlySpan{T})"/> updates.</summary>
    public int ParameterCount { get; }

    /// <summary>How many steps have been applied since creation or <see cref="Reset"/>; the next step is t = StepCount + 1.</summary>
    public int StepCount { get; private set; }

    /// <summary>How many steps <see cref="NonFiniteGradientPolicy.SkipStep"/> skipped since creation or <see cref="Reset"/>.</summary>
    public int SkippedStepCount { get; private set; }

    /// <summary>What a step does when a gradient is NaN or ±Infinity; <see cref="NonFiniteGradientPolicy.Unchecked"/> (PyTorch's behaviour) unless set.</summary>
    /// <remarks>Checking reads the gradients once more before the update, with <c>TensorPrimitives.IsFiniteAll</c>.</remarks>
    public NonFiniteGradientPolicy NonFiniteGradients { get; set; }

    /// <summary>The rule and its hyperparameters (of the default group, 0), by reference: <c>opt.Rule.Beta1 = 0.95f</c> changes the next step.</summary>
    public ref TRule Rule => ref _groups[0].Rule;

    /// <summary>The learning rate: reads the default group's; setting it sets every group's, so a schedule drives them all.</summary>
    public float LearningRate
    {
        get => _groups[0].Rule.LearningRate;
        set
        {
            foreach (Group group in _groups)
            {
                group.Rule.LearningRate = value;
            }
        }
    }

    /// <summary>The names of the per-element state buffers, in kernel order.</summary>
    public static IReadOnlyList<string> StateNames => TRule.StateNames;

    /// <summary>The names of the per-step scalar state values, in kernel order.</summary>
    public static IReadOnlyList<string> ScalarStateNames => TRule.ScalarStateNames;

    /// <summary>
    /// Applies one step of the rule: t = StepCount + 1, every parameter updated from its gradient in
    /// one pass (one kernel call per group range), with no allocation.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A span's length is not <see cref="ParameterCount"/>, or a gradient is NaN or ±Infinity and
    /// <see cref="NonFiniteGradients"/> is <see cref="NonFiniteGradientPolicy.Throw"/>; nothing is changed.
    /// </exception>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        RequireParameterLength(parameters.Length, nameof(parameters));
        RequireParameterLength(gradients.Length, nameof(gradients));
        int t = checked(StepCount + 1);
        if (NonFiniteGradients != NonFiniteGradientPolicy.Unchecked && !TensorPrimitives.IsFiniteAll(gradients))
        {
            if (NonFiniteGradients == NonFiniteGradientPolicy.Throw)
            {
                ThrowNonFinite(gradients);
            }

            SkippedStepCount++;
            return;
        }

        if (_runs.Length == 1)
        {
            // One range (no groups): the whole span in one kernel call, the group's scalar state in place.
            Group only = _groups[_runs[0].Group];
            StepRange(in only.Rule, t, parameters, gradients, StateValues, only.Scalars);
        }
        else
        {
            StepRuns(t, parameters, gradients);
        }

        StepCount = t;
    }

    /// <summary>Applies one step to <paramref name="parameters"/>' values from its gradients.</summary>
    /// <exception cref="ArgumentException">The set's layout is not this optimizer's, or as <see cref="Step(Span{T}, ReadOnlySpan{T})"/>.</exception>
    public void Step(ParameterSet<T> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Layout.Equals(parameters.Layout))
        {
            throw new ArgumentException(
                $"The parameter set's layout ({parameters.Layout}) is not this optimizer's ({Layout}).", nameof(parameters));
        }

        Step(parameters.Values, parameters.Gradients);
    }

    /// <summary>Returns every state buffer and scalar state to its initial value, and the step and skip counts to zero.</summary>
    public void Reset()
    {
        foreach (Run run in _runs)
        {
            TRule rule = _groups[run.Group].Rule;
            for (int k = 0; k < TRule.StateNames.Count; k++)
            {
                RunState(run, k).Fill(T.CreateTruncating(rule.InitialState(k)));
            }
        }

        foreach (Group group in _groups)
        {
            for (int k = 0; k < group.Scalars.Length; k++)
            {
                group.Scalars[k] = group.Rule.InitialScalarState(k);
            }
        }

        StepCount = 0;
        SkippedStepCount = 0;
    }

    /// <summary>The per-element state buffer at <paramref name="index"/> of <see cref="StateNames"/>, over every parameter.</summary>
    /// <exception cref="InvalidOperationException">The optimizer has groups, so the buffer is not one span: use <see cref="State(string, string)"/>.</exception>
    public Span<T> State(int index)
    {
        RequireStateIndex(index);
        if (_runs.Length != 1)
        {
            throw new InvalidOperationException(
                $"With parameter groups, state '{TRule.StateNames[index]}' is laid out per group range, not as one span; use State(name, tensorName).");
        }

        return RunState(_runs[0], index);
    }

    /// <summary>The per-element state buffer named <paramref name="name"/> in the equations (such as "m" or "v"), over every parameter.</summary>
    /// <exception cref="InvalidOperationException">The optimizer has groups: use <see cref="State(string, string)"/>.</exception>
    public Span<T> State(string name) => State(IndexOf(TRule.StateNames, name, "state buffer"));

    /// <summary>The part of state buffer <paramref name="name"/> that belongs to the tensor <paramref name="tensorName"/>.</summary>
    public Span<T> State(string name, string tensorName)
    {
        int k = IndexOf(TRule.StateNames, name, "state buffer");
        return TensorState(Layout.RequireIndexOf(tensorName, nameof(tensorName)), k);
    }

    /// <summary>The per-step scalar state value named <paramref name="name"/> in the equations, of the default group, by reference.</summary>
    public ref double ScalarState(string name) => ref ScalarState(name, 0);

    /// <summary>The per-step scalar state value named <paramref name="name"/> of group <paramref name="group"/>, by reference.</summary>
    public ref double ScalarState(string name, int group)
        => ref GroupAt(group).Scalars[IndexOf(TRule.ScalarStateNames, name, "per-step scalar state")];

    private void StepRuns(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        // Every range of a group starts from the group's scalar state as it was before this step (so a
        // group split into several ranges advances it once), and the result is kept after all ranges ran.
        int scalarCount = TRule.ScalarStateNames.Count;
        foreach (Run run in _runs)
        {
            Group group = _groups[run.Group];
            Span<double> scalars = group.NextScalars;
            group.Scalars.CopyTo(scalars);
            Span<T> state = StateValues.Slice(run.Start * TRule.StateNames.Count, run.Length * TRule.StateNames.Count);
            StepRange(in group.Rule, t, parameters.Slice(run.Start, run.Length), gradients.Slice(run.Start, run.Length), state, scalars);
        }

        if (scalarCount > 0)
        {
            foreach (Run run in _runs)
            {
                Group group = _groups[run.Group];
                group.NextScalars.CopyTo(group.Scalars.AsSpan());
            }
        }
    }

    // One kernel call over w with its state buffers packed 'stateStride' apart.
    private static void ApplyKernel(in TRule rule, int t, Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> state, int stateStride, Span<double> scalars)
    {
        // typeof(T) is a JIT-time constant, so only one of these branches exists in the compiled code.
        if (typeof(T) == typeof(float))
        {
            TRule.Step(in rule, t, As<float>(parameters), As<float>(gradients), As<float>(state), stateStride, scalars);
        }
        else
        {
            TRule.Step(in rule, t, As<double>(parameters), As<double>(gradients), As<double>(state), stateStride, scalars);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNonFinite(ReadOnlySpan<T> gradients)
    {
        int index = 0;
        while (T.IsFinite(gradients[index]))
        {
            index++;
        }

        ParameterTensor tensor = Layout[Layout.IndexAt(index)];
        throw new ArgumentException(
            $"The gradient of '{tensor.Name}' at index {index - tensor.Offset} (element {index} of {ParameterCount}) is {gradients[index]}; "
            + "the step was not applied and nothing changed (NonFiniteGradients is Throw).",
            nameof(gradients));
    }

    private static ParameterLayout Flat(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        return new ParameterLayout().Add(DefaultTensorName, parameterCount);
    }

    // The kernel calls of one step: maximal runs of consecutive tensors in the same group.
    private Run[] BuildRuns()
    {
        var runs = new List<Run>();
        for (int j = 0; j < Layout.Count; j++)
        {
            ParameterTensor tensor = Layout[j];
            int group = _groupOfTensor[j];
            if (runs.Count > 0 && runs[^1].Group == group)
            {
                runs[^1] = runs[^1] with { Length = runs[^1].Length + tensor.Length };
            }
            else
            {
                runs.Add(new Run(tensor.Offset, tensor.Length, group));
            }
        }

        if (runs.Count == 0)
        {
            // An empty layout still steps (t advances) through one empty range.
            runs.Add(new Run(0, 0, 0));
        }

        return runs.ToArray();
    }

    private const int StateAlignment = 64;

    // Every state value: the aligned part of the pinned storage.
    private Span<T> StateValues => _stateStorage.AsSpan(_stateOffset, _stateLength);

    // How many elements from the start of a pinned array its first 64-byte boundary is.
    private static unsafe int AlignedOffset(T[] pinned)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        nuint misalignment = address % StateAlignment;
        return misalignment == 0 ? 0 : (int)((StateAlignment - misalignment) / (nuint)Unsafe.SizeOf<T>());
    }

    private Span<T> RunState(Run run, int k)
        => StateValues.Slice(run.Start * TRule.StateNames.Count + k * run.Length, run.Length);

    private Span<T> TensorState(int tensorIndex, int k)
        => StateValues.Slice(TensorStateOffset(tensorIndex, k), Layout[tensorIndex].Length);

    // Where tensor j's part of state buffer k starts in the state array: inside the range that holds the tensor.
    private int TensorStateOffset(int tensorIndex, int k)
    {
        ParameterTensor tensor = Layout[tensorIndex];
        foreach (Run run in _runs)
        {
            if (run.Group == _groupOfTensor[tensorIndex] && tensor.Offset >= run.Start && tensor.Offset + tensor.Length <= run.Start + run.Length)
            {
                return run.Start * TRule.StateNames.Count + k * run.Length + (tensor.Offset - run.Start);
            }
        }

        throw new InvalidOperationException($"Tensor '{tensor.Name}' is in no range; this is a bug in NumKit.");
    }

    private Group GroupAt(int group)
    {
        if ((uint)group >= (uint)_groups.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(group), group, $"The optimizer has {_groups.Length} group(s), 0 to {_groups.Length - 1}.");
        }

        return _groups[group];
    }

    private static void RequireStateIndex(int index)
    {
        if ((uint)index >= (uint)TRule.StateNames.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{typeof(TRule).Name} has {TRule.StateNames.Count} state buffer(s).");
        }
    }

    private void RequireParameterLength(int length, string name)
    {
        if (length != ParameterCount)
        {
            throw new ArgumentException($"'{name}' has {length} elements but this optimizer was created for {ParameterCount} parameters.", name);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"{typeof(TRule).Name} has no {what} named '{name}'; it has: {(names.Count == 0 ? "none" : string.Join(", ", names))}.", nameof(name));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<TTo> As<TTo>(Span<T> span) where TTo : struct
        => MemoryMarshal.CreateSpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<TTo> As<TTo>(ReadOnlySpan<T> span) where TTo : struct
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    /// <summary>A group's rule and per-step scalar state; a class so the rule can be handed out by reference.</summary>
    private sealed class Group
    {
        public TRule Rule;

        public Group(TRule rule, int scalarCount)
        {
            Rule = rule;
            Scalars = new double[scalarCount];
            NextScalars = new double[scalarCount];
        }

        public double[] Scalars { get; }

        // Where a step computes the group's next scalar state, so every range of the group starts from the same values.
        public double[] NextScalars { get; }
    }

    /// <summary>One kernel call of a step: <paramref name="Length"/> elements from <paramref name="Start"/>, with the rule of <paramref name="Group"/>.</summary>
    private readonly record struct Run(int Start, int Length, int Group);
}

/// <summary>
/// Runs an optimizer rule over float parameters: <c>new Optimizer&lt;Adam&gt;(new Adam(), n)</c>
/// allocates the state once; <c>Step</c> then allocates nothing.
/// </summary>
/// <typeparam name="TRule">The update rule, a struct declared with <see cref="OptimizerAttribute"/>.</typeparam>
public sealed class Optimizer<TRule> : Optimizer<TRule, float>
    where TRule : struct, IOptimizerRule<TRule>
{
    /// <inheritdoc cref="Optimizer{TRule, T}(TRule, int)"/>
    public Optimizer(TRule rule, int parameterCount)
        : base(rule, parameterCount)
    {
    }

    /// <inheritdoc cref="Optimizer{TRule, T}(TRule, ParameterLayout)"/>
    public Optimizer(TRule rule, ParameterLayout layout)
        : base(rule, layout)
    {
    }
}
