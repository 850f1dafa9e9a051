using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NumKit;

/// <summary>
/// Runs an optimizer rule over a fixed number of parameters: owns the rule's state buffers (allocated
/// once, here) and the step count, and steps the parameters without allocating.
/// </summary>
/// <typeparam name="TRule">The update rule, a struct declared with <see cref="OptimizerAttribute"/>.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public class Optimizer<TRule, T>
    where TRule : struct, IOptimizerRule<TRule>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private TRule _rule;

    // Every per-element state buffer, one after another: buffer k is [k * ParameterCount, (k + 1) * ParameterCount).
    private readonly T[] _state;
    private readonly double[] _scalarState;

    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters and allocates its state.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is negative, or the state would not fit in one array.</exception>
    public Optimizer(TRule rule, int parameterCount)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Optimizers run over float or double parameters, not {typeof(T).Name}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        long stateLength = (long)TRule.StateNames.Count * parameterCount;
        if (stateLength > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount,
                $"{TRule.StateNames.Count} state buffers of {parameterCount} elements do not fit in one array.");
        }

        _rule = rule;
        ParameterCount = parameterCount;
        _state = new T[stateLength];
        _scalarState = new double[TRule.ScalarStateNames.Count];
        Reset();
    }

    /// <summary>How many parameters every <see cref="Step"/> updates.</summary>
    public int ParameterCount { get; }

    /// <summary>How many steps have been applied since creation or <see cref="Reset"/>; the next step is t = StepCount + 1.</summary>
    public int StepCount { get; private set; }

    /// <summary>The rule and its hyperparameters, by reference: <c>opt.Rule.Beta1 = 0.95f</c> changes the next step.</summary>
    public ref TRule Rule => ref _rule;

    /// <summary>The rule's learning rate, the hyperparameter schedules drive.</summary>
    public float LearningRate
    {
        get => _rule.LearningRate;
        set => _rule.LearningRate = value;
    }

    /// <summary>The names of the per-element state buffers, in kernel order.</summary>
    public static IReadOnlyList<string> StateNames => TRule.StateNames;

    /// <summary>The names of the per-step scalar state values, in kernel order.</summary>
    public static IReadOnlyList<string> ScalarStateNames => TRule.ScalarStateNames;

    /// <summary>The per-element state buffer at <paramref name="index"/> of <see cref="StateNames"/>.</summary>
    public Span<T> State(int index)
    {
        if ((uint)index >= (uint)TRule.StateNames.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{typeof(TRule).Name} has {TRule.StateNames.Count} state buffer(s).");
        }

        return _state.AsSpan(index * ParameterCount, ParameterCount);
    }

    /// <summary>The per-element state buffer named <paramref name="name"/> in the equations (such as "m" or "v").</summary>
    public Span<T> State(string name) => State(IndexOf(TRule.StateNames, name, "state buffer"));

    /// <summary>The per-step scalar state value named <paramref name="name"/> in the equations, by reference.</summary>
    public ref double ScalarState(string name) => ref _scalarState[IndexOf(TRule.ScalarStateNames, name, "per-step scalar state")];

    /// <summary>Every per-element state buffer, packed one after another (for checkpoints and bulk copies).</summary>
    public Span<T> PackedState => _state;

    /// <summary>Every per-step scalar state value, in <see cref="ScalarStateNames"/> order.</summary>
    public Span<double> PackedScalarState => _scalarState;

    /// <summary>
    /// Applies one step of the rule: t = StepCount + 1, every parameter updated from its gradient in
    /// one pass, with no allocation.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not <see cref="ParameterCount"/>; nothing is changed.</exception>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        RequireParameterLength(parameters.Length, nameof(parameters));
        RequireParameterLength(gradients.Length, nameof(gradients));
        int t = checked(StepCount + 1);
        ApplyKernel(t, parameters, gradients);
        StepCount = t;
    }

    /// <summary>Returns every state buffer to its initial value and the step count to zero.</summary>
    public void Reset()
    {
        for (int k = 0; k < TRule.StateNames.Count; k++)
        {
            State(k).Fill(T.CreateTruncating(_rule.InitialState(k)));
        }

        for (int k = 0; k < _scalarState.Length; k++)
        {
            _scalarState[k] = _rule.InitialScalarState(k);
        }

        StepCount = 0;
    }

    /// <summary>Restores the step count (for checkpoints); the state buffers are restored through <see cref="PackedState"/>.</summary>
    protected void SetStepCount(int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    private void ApplyKernel(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        // typeof(T) is a JIT-time constant, so only one of these branches exists in the compiled code.
        if (typeof(T) == typeof(float))
        {
            TRule.Step(in _rule, t, As<float>(parameters), As<float>(gradients), As<float>(_state.AsSpan()), _scalarState);
        }
        else
        {
            TRule.Step(in _rule, t, As<double>(parameters), As<double>(gradients), As<double>(_state.AsSpan()), _scalarState);
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
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"{typeof(TRule).Name} has no {what} named '{name}'; it has: {string.Join(", ", names)}.", nameof(name));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<TTo> As<TTo>(Span<T> span) where TTo : struct
        => MemoryMarshal.CreateSpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<TTo> As<TTo>(ReadOnlySpan<T> span) where TTo : struct
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);
}

/// <summary>
/// Runs an optimizer rule over float parameters: <c>new Optimizer&lt;Adam&gt;(new Adam(), n)</c>
/// allocates the state once; <see cref="Optimizer{TRule, T}.Step"/> then allocates nothing.
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
}
