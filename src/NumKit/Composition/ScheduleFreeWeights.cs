using System;
using System.Numerics;

namespace NumKit.Optimizers;

/// <summary>
/// Switches a <see cref="ScheduleFreeAdamW"/> optimizer's parameters between the weights it trains (y, where
/// gradients are taken) and the weights to evaluate (x, the average): schedulefree's <c>eval()</c> and <c>train()</c>.
/// </summary>
/// <remarks>
/// <code>
/// optimizer.ToEvaluationWeights(parameters);   // parameters now hold x = y + (1 − 1/β1)·(z − y)
/// float loss = Evaluate(parameters);           // validation, checkpoint of the model, export
/// optimizer.ToTrainingWeights(parameters);     // parameters hold y again, the same bits as before
/// </code>
/// Both calls are idempotent: a second <c>ToEvaluationWeights</c> leaves x alone, and <c>ToTrainingWeights</c> while
/// training does nothing. While the parameters hold x, <c>Step</c> refuses (InvalidOperationException, nothing
/// changed). y is kept aside in a buffer the first switch allocates (one per optimizer, reused), so switching back
/// restores it exactly instead of recomputing it from x and z as schedulefree does (which rounds y). Each tensor uses
/// its group's β1. Before the first step there is no z yet and x = y. <c>Reset</c> and <c>LoadCheckpoint</c> take the
/// parameters as they are and forget the kept y.
/// </remarks>
public static class ScheduleFreeWeights
{
    private const string Evaluation = "ScheduleFreeAdamW's evaluation weights x (ToEvaluationWeights); call ToTrainingWeights to put the training weights y back before stepping";

    /// <summary>Whether the optimizer's parameters hold the evaluation weights x (between ToEvaluationWeights and ToTrainingWeights).</summary>
    public static bool HoldsEvaluationWeights<T>(this Optimizer<ScheduleFreeAdamW, T> optimizer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer.HoldsOtherWeights;
    }

    /// <summary>
    /// Replaces the training weights y in <paramref name="parameters"/> with the evaluation weights
    /// x = y + (1 − 1/β1)·(z − y), keeping y aside; does nothing if they hold x already.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not <see cref="Optimizer{TRule, T}.ParameterCount"/> long; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">The state z is stored compactly (not as floats); nothing is changed.</exception>
    public static void ToEvaluationWeights<T>(this Optimizer<ScheduleFreeAdamW, T> optimizer, Span<T> parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.HoldsOtherWeights)
        {
            return;
        }

        ParameterLayout layout = optimizer.Layout;
        bool started = optimizer.StepCount > 0;
        if (started)
        {
            // Every tensor's z must be readable before anything is written.
            for (int j = 0; j < layout.Count; j++)
            {
                _ = optimizer.State("z", layout[j].Name);
            }
        }

        optimizer.SetAside(parameters, Evaluation);
        if (!started)
        {
            return; // no z before the first step: x = y
        }

        for (int j = 0; j < layout.Count; j++)
        {
            ParameterTensor tensor = layout[j];
            double beta1 = optimizer.GroupRule(optimizer.GroupOf(tensor.Name)).Beta1;
            double toward = 1 - 1 / beta1;
            Span<T> y = parameters.Slice(tensor.Offset, tensor.Length);
            Span<T> z = optimizer.State("z", tensor.Name);
            for (int i = 0; i < y.Length; i++)
            {
                double yi = double.CreateTruncating(y[i]);
                y[i] = T.CreateTruncating(yi + toward * (double.CreateTruncating(z[i]) - yi));
            }
        }
    }

    /// <summary>Puts the training weights y back into <paramref name="parameters"/>, bit for bit; does nothing if they hold y already.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not <see cref="Optimizer{TRule, T}.ParameterCount"/> long; nothing is changed.</exception>
    public static void ToTrainingWeights<T>(this Optimizer<ScheduleFreeAdamW, T> optimizer, Span<T> parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.HoldsOtherWeights)
        {
            optimizer.PutBack(parameters);
        }
    }

    /// <inheritdoc cref="ToEvaluationWeights{T}(Optimizer{ScheduleFreeAdamW, T}, Span{T})"/>
    public static void ToEvaluationWeights<T>(this Optimizer<ScheduleFreeAdamW, T> optimizer, ParameterSet<T> parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => optimizer.ToEvaluationWeights(ValuesOf(optimizer, parameters));

    /// <inheritdoc cref="ToTrainingWeights{T}(Optimizer{ScheduleFreeAdamW, T}, Span{T})"/>
    public static void ToTrainingWeights<T>(this Optimizer<ScheduleFreeAdamW, T> optimizer, ParameterSet<T> parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => optimizer.ToTrainingWeights(ValuesOf(optimizer, parameters));

    private static Span<T> ValuesOf<T>(Optimizer<ScheduleFreeAdamW, T> optimizer, ParameterSet<T> parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!optimizer.Layout.Equals(parameters.Layout))
        {
            throw new ArgumentException(
                $"The parameter set's layout ({parameters.Layout}) is not this optimizer's ({optimizer.Layout}).", nameof(parameters));
        }

        return parameters.Values;
    }
}
