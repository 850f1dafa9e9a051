using System.Numerics;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>What <see cref="SecondRoundHarness.Check{T}"/> calls to drive one optimizer through a case.</summary>
public sealed class GoldenStepper<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Applies exactly one step to the set's values from its gradients (such as <c>optimizer.Step(set)</c>).</summary>
    public required Action<ParameterSet<T>> Step { get; init; }

    /// <summary>Asgd: the averaged iterate ax now, flat like the values.</summary>
    public Func<double[]>? Averaged { get; init; }

    /// <summary>ScheduleFreeAdamW: puts the evaluation weights x in the set's values (schedulefree's <c>eval()</c>).</summary>
    public Action<ParameterSet<T>>? ToEvaluation { get; init; }

    /// <summary>ScheduleFreeAdamW: puts the training weights y back (schedulefree's <c>train()</c>).</summary>
    public Action<ParameterSet<T>>? ToTraining { get; init; }
}
