using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NumKit.Stepping;

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
/// The optimizer itself is thin: the group plan (<c>Stepping/GroupPlan.cs</c>) decides the kernel calls,
/// the state storage (<c>Stepping/StateBuffers.cs</c>) places every state value (per range; without groups
/// each state buffer is one contiguous span, <see cref="State(string)"/>), and the rule's generated kernel
/// does the arithmetic. What is left here is the step itself and the non-finite gradient policy.
/// </para>
/// </remarks>
/// <typeparam name="TRule">The update rule, a struct declared with <see cref="OptimizerAttribute"/>.</typeparam>
/// <typeparam name="T">
/// <see cref="float"/> or <see cref="double"/>, or the 16-bit <see cref="Half"/> or <see cref="BFloat16"/>: the rule then
/// computes in float on tiles widened from them, and <see cref="LowPrecisionUpdate"/> says how results get back into 16 bits.
/// </typeparam>
public partial class Optimizer<TRule, T>
    where TRule : struct, IOptimizerRule<TRule>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const string DefaultTensorName = "parameters";

    // Which tensors are stepped with which group's rule, and the kernel calls that follow (Stepping/GroupPlan.cs).
    private readonly GroupPlan<TRule> _plan;

    // Every state value, placed by range (Stepping/StateBuffers.cs).
    private StateBuffers<T> _state;

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
        if (!RuleKernel<TRule, T>.IsSupported && !IsLowPrecision)
        {
            throw new NotSupportedException($"Optimizers run over float, double, Half or BFloat16 parameters, not {typeof(T).Name}.");
        }

        ArgumentNullException.ThrowIfNull(layout);
        ValidateRule(rule, "the rule", nameof(rule));
        _state = new StateBuffers<T>(TRule.StateNames.Count, layout.ParameterCount);
        Layout = layout;
        ParameterCount = layout.ParameterCount;
        _plan = new GroupPlan<TRule>(layout, rule);
        _passScratch = IsMultiPass && !TRule.ReducesMatrices ? new PassScratch(layout) : null;
        _matrixScratch = TRule.ReducesMatrices ? new MatrixBuffers(layout) : null;
        _storage = DefaultStorage(1);
        _update = IsLowPrecision ? LowPrecisionUpdate.KahanSummation : LowPrecisionUpdate.RoundToNearest;
        AllocateParameterCompanion();
        if (Array.TrueForAll(_storage, s => s == StateStorage.Float32) && !IsLowPrecision)
        {
            Reset();
        }
        else
        {
            RebuildState(); // the rule stores some state compactly by default
        }
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
    public ref TRule Rule => ref _plan.Groups[0].Rule;

    /// <summary>The learning rate: reads the default group's; setting it sets every group's, so a schedule drives them all.</summary>
    public float LearningRate
    {
        get => _plan.Groups[0].Rule.LearningRate;
        set
        {
            HyperparameterRange range = TRule.RangeOf(nameof(LearningRate));
            if (!range.Contains(value))
            {
                ThrowOutOfRange(nameof(LearningRate), value, range, "every group", nameof(value));
            }

            foreach (ParameterGroup<TRule> group in _plan.Groups)
            {
                group.Rule.LearningRate = value;
            }
        }
    }

    /// <summary>The names of the per-element state buffers, in kernel order: what <see cref="State(string)"/> takes.</summary>
    public IReadOnlyList<string> StateNames => TRule.StateNames;

    /// <summary>The names of the per-step scalar state values, in kernel order: what <see cref="ScalarState(string)"/> takes.</summary>
    public IReadOnlyList<string> ScalarStateNames => TRule.ScalarStateNames;

    /// <summary>
    /// Applies one step of the rule: t = StepCount + 1, every parameter updated from its gradient in
    /// one pass (one kernel call per group range), with no allocation.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Another call (another thread's step) is running on this optimizer, an earlier step failed part-way
    /// (<see cref="HasFailedStep"/>), or the parameters hold other weights than the stepped ones (ScheduleFreeAdamW's
    /// evaluation weights: <c>ToTrainingWeights</c> first); nothing is changed. Or this step failed part-way after it
    /// was validated (a fault inside a kernel, the original exception inner): the message says what may be
    /// half-applied, StepCount is not advanced, and the optimizer refuses steps until LoadCheckpoint or Reset.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A span's length is not <see cref="ParameterCount"/>, the gradients overlap the parameters,
    /// a hyperparameter is outside its rule's range (<see cref="IOptimizerRule{TSelf}.RangeOf"/>), or a gradient is NaN or ±Infinity and
    /// <see cref="NonFiniteGradients"/> is <see cref="NonFiniteGradientPolicy.Throw"/>; nothing is changed.
    /// </exception>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        using CallGuard call = Enter(StepCall);
        RequireNoFailedStep("Step");
        RequireSteppedWeights();
        RequireParameterLength(parameters.Length, nameof(parameters));
        RequireParameterLength(gradients.Length, nameof(gradients));
        RequireNoOverlap(parameters, gradients);
        if (StepCount == int.MaxValue)
        {
            throw new InvalidOperationException($"The optimizer has applied {int.MaxValue} steps, the most it counts; Reset() to start over. Nothing was changed.");
        }

        int t = StepCount + 1;
        ValidateGroups();
        if (NonFiniteGradients != NonFiniteGradientPolicy.Unchecked && !TensorPrimitives.IsFiniteAll(gradients))
        {
            if (NonFiniteGradients == NonFiniteGradientPolicy.Throw)
            {
                ThrowNonFinite(gradients);
            }

            SkippedStepCount++;
            return;
        }

        // Validated: from here a throw is a fault part-way through the step (Optimizer.Failure.cs).
        try
        {
            GroupRange[] ranges = _plan.Ranges;
            if (IsMultiPass)
            {
                StepPasses(t, parameters, gradients);
            }
            else if (_compact is not null)
            {
                if (_masterPending)
                {
                    Kernels.ParameterConversion.Widen<T>(parameters, _master);
                    _masterPending = false;
                }

                StepCompactRanges(t, parameters, gradients);
            }
            else if (ranges.Length == 1)
            {
                // One range (no groups): the whole span in one kernel call, the group's scalar state in place.
                ParameterGroup<TRule> only = _plan.Groups[ranges[0].Group];
                StepRange(in only.Rule, t, parameters, gradients, _state.Packed(ranges[0]), only.Scalars);
            }
            else
            {
                StepRanges(t, parameters, gradients);
            }
        }
        catch (Exception failure)
        {
            throw StepFailed(t, failure);
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

    /// <summary>
    /// Returns every state buffer and scalar state to its initial value, and the step and skip counts to zero. Weights
    /// set aside by a switch (ScheduleFreeAdamW's <c>ToEvaluationWeights</c>) are forgotten: the next step starts from the parameters as they are.
    /// </summary>
    public void Reset()
    {
        using CallGuard call = Enter(ResetCall);
        if (_compact is not null)
        {
            for (int j = 0; j < Layout.Count; j++)
            {
                TRule rule = _plan.Groups[_plan.GroupOf(j)].Rule;
                for (int k = 0; k < TRule.StateNames.Count; k++)
                {
                    _compact.Fill(j, k, (float)rule.InitialState(k));
                }
            }
        }

        foreach (GroupRange range in _compact is null ? _plan.Ranges : Array.Empty<GroupRange>())
        {
            TRule rule = _plan.Groups[range.Group].Rule;
            for (int k = 0; k < TRule.StateNames.Count; k++)
            {
                _state.Buffer(range, k).Fill(T.CreateTruncating(rule.InitialState(k)));
            }
        }

        foreach (ParameterGroup<TRule> group in _plan.Groups)
        {
            group.ResetScalars();
        }

        ResetParameterCompanion();
        _matrixScratch?.State.AsSpan().Clear(); // per-row and per-column state starts at zero
        StepCount = 0;
        SkippedStepCount = 0;
        ClearFailedStep();
        ForgetSetAside();
    }

    /// <summary>The per-element state buffer at <paramref name="index"/> of <see cref="StateNames"/>, over every parameter.</summary>
    /// <exception cref="InvalidOperationException">The optimizer has groups, so the buffer is not one span: use <see cref="State(string, string)"/>.</exception>
    public Span<T> State(int index)
    {
        RequireStateIndex(index);
        if (_compact is not null)
        {
            return CompactFloat32(0, index, wholeBuffer: true);
        }

        if (_plan.Ranges.Length != 1)
        {
            throw new InvalidOperationException(
                $"With parameter groups, state '{TRule.StateNames[index]}' is laid out per group range, not as one span; use State(name, tensorName).");
        }

        return _state.Buffer(_plan.Ranges[0], index);
    }

    /// <summary>The per-element state buffer named <paramref name="name"/> in the equations (such as "m" or "v"), over every parameter.</summary>
    /// <exception cref="InvalidOperationException">The optimizer has groups: use <see cref="State(string, string)"/>.</exception>
    public Span<T> State(string name) => State(IndexOf(TRule.StateNames, name, "state buffer"));

    /// <summary>The part of state buffer <paramref name="name"/> that belongs to the tensor <paramref name="tensorName"/>.</summary>
    public Span<T> State(string name, string tensorName)
    {
        int k = IndexOf(TRule.StateNames, name, "state buffer");
        int j = Layout.RequireIndexOf(tensorName, nameof(tensorName));
        return _compact is null ? TensorState(_state, j, k) : CompactFloat32(j, k, wholeBuffer: false);
    }

    // A float32 buffer of compact state, as a span; other storages have no float values to hand out.
    private Span<T> CompactFloat32(int tensor, int k, bool wholeBuffer)
    {
        if (wholeBuffer && Layout.Count != 1)
        {
            throw new InvalidOperationException(
                $"With compact state, each tensor's part of state '{TRule.StateNames[k]}' is stored on its own; use State(name, tensorName) or CopyState.");
        }

        if (typeof(T) != typeof(float))
        {
            throw new InvalidOperationException(
                $"State '{TRule.StateNames[k]}' is kept in float or a compact storage, not as {typeof(T).Name} values; read it with CopyState.");
        }

        if (!_compact!.TryGetFloat32(tensor, k, out Span<float> values))
        {
            throw new InvalidOperationException(
                $"State '{TRule.StateNames[k]}' of tensor '{Layout[tensor].Name}' is stored as {CompactState.Name(_compact.StorageOf(tensor, k), _blockwiseMinimumSize)}, not as floats; read it with CopyState.");
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(values);
    }

    /// <summary>The per-step scalar state value named <paramref name="name"/> in the equations, of the default group, by reference.</summary>
    public ref double ScalarState(string name) => ref ScalarState(name, 0);

    /// <summary>The per-step scalar state value named <paramref name="name"/> of group <paramref name="group"/>, by reference.</summary>
    public ref double ScalarState(string name, int group)
        => ref _plan[group].Scalars[IndexOf(TRule.ScalarStateNames, name, "per-step scalar state")];

    private void StepCompactRanges(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        // As StepRanges: every range of a group starts from the group's scalar state before this step.
        GroupRange[] ranges = _plan.Ranges;
        for (int r = 0; r < ranges.Length; r++)
        {
            ParameterGroup<TRule> group = _plan.Groups[ranges[r].Group];
            StepCompact(in group.Rule, t, r, parameters, gradients, group.Scalars, group.NextScalars);
        }

        foreach (GroupRange range in ranges)
        {
            _plan.Groups[range.Group].CommitScalars();
        }
    }

    private void StepRanges(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        // Every range of a group starts from the group's scalar state as it was before this step (so a
        // group split into several ranges advances it once), and the result is kept after all ranges ran.
        foreach (GroupRange range in _plan.Ranges)
        {
            ParameterGroup<TRule> group = _plan.Groups[range.Group];
            Span<double> scalars = group.BeginRange();
            StepRange(in group.Rule, t, parameters.Slice(range.Start, range.Length), gradients.Slice(range.Start, range.Length), _state.Packed(range), scalars);
        }

        if (TRule.ScalarStateNames.Count > 0)
        {
            foreach (GroupRange range in _plan.Ranges)
            {
                _plan.Groups[range.Group].CommitScalars();
            }
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

    // Gradients that share memory with the parameters would be read after the step wrote them (by another
    // vector, another thread's slice or another group's kernel call): the result would depend on the path and
    // the split. Checked for the whole call here, before any kernel runs, as the kernels check each call.
    private static void RequireNoOverlap(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (((ReadOnlySpan<T>)parameters).Overlaps(gradients, out int offset))
        {
            throw new ArgumentException(
                $"'gradients' overlaps 'parameters' ({offset} elements from its start): a step would read gradients it has already overwritten. Nothing was changed.",
                nameof(gradients));
        }
    }

    private static ParameterLayout Flat(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        return new ParameterLayout().Add(DefaultTensorName, parameterCount);
    }

    // Tensor j's part of state buffer k in 'storage': inside the range that holds the tensor.
    private Span<T> TensorState(StateBuffers<T> storage, int tensorIndex, int k)
    {
        ParameterTensor tensor = Layout[tensorIndex];
        GroupRange range = _plan.RangeOf(tensorIndex);
        return storage.Buffer(range, k, tensor.Offset - range.Start, tensor.Length);
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
