using System;
using System.Collections.Generic;

namespace NumKit;

/// <summary>
/// An optimizer's update rule: its hyperparameters (the struct's public float properties) and its kernels. The NumKit
/// generator implements this interface for every <see cref="OptimizerAttribute"/> struct, so generic
/// code such as <see cref="Optimizer{TRule}"/> runs any rule without virtual calls.
/// </summary>
/// <typeparam name="TSelf">The rule itself.</typeparam>
public interface IOptimizerRule<TSelf>
    where TSelf : struct, IOptimizerRule<TSelf>
{
    /// <summary>The step size α; every rule has one, so schedules can drive any rule.</summary>
    float LearningRate { get; set; }

    /// <summary>The update equations the rule was generated from, verbatim.</summary>
    static abstract string Equations { get; }

    /// <summary>The per-element state buffers, in the order the kernels take them.</summary>
    static abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The per-step scalar state values (such as NAdam's running product), in kernel order.</summary>
    static abstract IReadOnlyList<string> ScalarStateNames { get; }

    /// <summary>The hyperparameters (the struct's public float properties), in declaration order.</summary>
    static abstract IReadOnlyList<string> HyperparameterNames { get; }

    /// <summary>
    /// The values the hyperparameter named <paramref name="hyperparameter"/> may take. A rule declares its ranges
    /// by implementing this next to its properties; undeclared ones get <see cref="HyperparameterRange.Default"/>
    /// (LearningRate 0 or more, anything else finite).
    /// </summary>
    static virtual HyperparameterRange RangeOf(string hyperparameter) => HyperparameterRange.Default(hyperparameter);

    /// <summary>
    /// Whether the per-element state named <paramref name="state"/> can never be negative (a running average of
    /// squares, say), so a checkpoint holding a negative or NaN value for it is refused. False unless declared.
    /// </summary>
    static virtual bool IsNonNegativeState(string state) => false;

    /// <summary>
    /// Whether reading a hyperparameter runs code written for the rule (a property getter with a body) rather than
    /// reading a stored value. The optimizer then runs every step of the rule on the calling thread, since a split
    /// step would run that code on worker threads, once per part (and a getter that throws or changes its answer
    /// would leave the step half-applied). False unless declared; the generator declares it for a rule whose
    /// hyperparameters are not all auto-properties.
    /// </summary>
    static virtual bool HasComputedHyperparameters => false;

    /// <summary>Reads the hyperparameter at <paramref name="index"/> of <see cref="HyperparameterNames"/>.</summary>
    float GetHyperparameter(int index);

    /// <summary>Sets the hyperparameter at <paramref name="index"/> of <see cref="HyperparameterNames"/>.</summary>
    void SetHyperparameter(int index, float value);

    /// <summary>The value per-element state <paramref name="index"/> starts from (0 unless declared with <c>init</c>).</summary>
    double InitialState(int index);

    /// <summary>The value per-step scalar state <paramref name="index"/> starts from (0 unless declared with <c>init</c>).</summary>
    double InitialScalarState(int index);

    /// <summary>
    /// How state buffer <paramref name="index"/> is stored unless the optimizer is told otherwise:
    /// <see cref="StateStorage.Float32"/>. A rule can change its default by implementing this member
    /// (<c>static StateStorage IOptimizerRule&lt;MyRule&gt;.DefaultStateStorage(int index) =&gt; ...</c>).
    /// </summary>
    static virtual StateStorage DefaultStateStorage(int index) => StateStorage.Float32;

    /// <summary>
    /// Applies step <paramref name="t"/> to every element of <paramref name="w"/>, with the per-element state
    /// packed in <paramref name="state"/>: buffer k (of <c>StateNames</c>) is the <c>w.Length</c> values from
    /// <c>k * stateStride</c>. A stride of <c>w.Length</c> packs the buffers one after another; a larger stride
    /// lets a caller step one slice of a larger set (as <see cref="Optimizer{TRule, T}"/> does to split a step
    /// across threads) with the same state array.
    /// </summary>
    static abstract void Step(in TSelf rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, Span<double> scalarState);

    /// <inheritdoc cref="Step(in TSelf, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, Span{double})"/>
    static abstract void Step(in TSelf rule, int t, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, Span<double> scalarState);
}
