using System.Numerics.Tensors;
using NumKit.Optimizers;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// The optimizers composed from <see cref="TensorPrimitives"/> calls, as a careful C# user writes them
/// without NumKit: each call is one vectorized pass over memory, the passes are as few as the API
/// allows (a Lerp for each moving average, scalars folded into the next call), and the one scratch
/// buffer is allocated once, here, so a step allocates nothing.
/// </summary>
/// <remarks>
/// These compute the same updates as the NumKit rules in a different operation order (a Lerp for each
/// moving average, the bias corrections folded into other passes' scalars), so results agree to float
/// rounding, not bit for bit; the benchmarks check that agreement before they measure. Weight decay, where a rule has it
/// and it is not zero, costs one more pass.
/// </remarks>
public sealed class TensorPrimitivesOptimizers
{
    private readonly float[] _scratch;
    private readonly float[] _decayed;

    /// <summary>Allocates the scratch buffers for <paramref name="parameterCount"/> parameters.</summary>
    public TensorPrimitivesOptimizers(int parameterCount)
    {
        _scratch = new float[parameterCount];
        _decayed = new float[parameterCount];
    }

    /// <summary>SGD, w ← w − α·(g + λw): one pass (two with weight decay).</summary>
    public void Sgd(in Sgd rule, Span<float> w, ReadOnlySpan<float> g)
    {
        ReadOnlySpan<float> d = CoupledDecay(rule.WeightDecay, w, g);
        TensorPrimitives.MultiplyAdd(d, -rule.LearningRate, w, w);                     // 1: w = w + (−α)·d
    }

    /// <summary>The course's momentum, V ← β·V + (1−β)·g, w ← w − α·V: two passes.</summary>
    public void Momentum(in Momentum rule, Span<float> w, ReadOnlySpan<float> g, Span<float> velocity)
    {
        TensorPrimitives.Lerp(velocity, g, 1 - rule.Beta, velocity);                   // 1: V = V + (1−β)·(g − V)
        TensorPrimitives.MultiplyAdd(velocity, -rule.LearningRate, w, w);              // 2: w = w + (−α)·V
    }

    /// <summary>Adam (coupled L2 weight decay) at step <paramref name="t"/>: seven passes (eight with weight decay).</summary>
    public void Adam(in Adam rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
    {
        ReadOnlySpan<float> d = CoupledDecay(rule.WeightDecay, w, g);
        AdamCore(rule.LearningRate, rule.Beta1, rule.Beta2, rule.Epsilon, decoupledDecay: 0, t, w, d, m, v);
    }

    /// <summary>
    /// AdamW (decoupled weight decay w ← w·(1 − αλ), applied before the Adam step as torch.optim.AdamW does)
    /// at step <paramref name="t"/>: eight passes.
    /// </summary>
    public void AdamW(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int t,
                      Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
        => AdamCore(learningRate, beta1, beta2, epsilon, weightDecay, t, w, g, m, v);

    /// <summary>RMSProp (PyTorch's), v ← αv + (1−α)g², w ← w − lr·g / (√v + ε): six passes.</summary>
    public void RmsProp(float learningRate, float alpha, float epsilon, Span<float> w, ReadOnlySpan<float> g, Span<float> v)
    {
        Span<float> scratch = _scratch.AsSpan(0, w.Length);
        TensorPrimitives.Multiply(g, g, scratch);                                      // 1: s = g²
        TensorPrimitives.Lerp(v, scratch, 1 - alpha, v);                               // 2: v = v + (1−α)·(g² − v)
        TensorPrimitives.Sqrt(v, scratch);                                             // 3: s = √v
        TensorPrimitives.Add(scratch, epsilon, scratch);                               // 4: s = √v + ε
        TensorPrimitives.Divide(g, scratch, scratch);                                  // 5: s = g / (√v + ε)
        TensorPrimitives.MultiplyAdd(scratch, -learningRate, w, w);                    // 6: w = w + (−lr)·s
    }

    private void AdamCore(float learningRate, float beta1, float beta2, float epsilon, float decoupledDecay, int t,
                          Span<float> w, ReadOnlySpan<float> d, Span<float> m, Span<float> v)
    {
        // Per-step scalars in double, as PyTorch's Python floats are: step size α/(1−β1^t) and √(1−β2^t).
        double correction1 = 1 - Math.Pow(beta1, t);
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        double stepSize = learningRate / correction1;

        Span<float> scratch = _scratch.AsSpan(0, w.Length);
        if (decoupledDecay != 0)
        {
            TensorPrimitives.Multiply(w, 1 - (learningRate * decoupledDecay), w);      // 0: w = w·(1 − αλ)
        }

        TensorPrimitives.Lerp(m, d, 1 - beta1, m);                                     // 1: m = m + (1−β1)·(d − m)
        TensorPrimitives.Multiply(d, d, scratch);                                      // 2: s = d²
        TensorPrimitives.Lerp(v, scratch, 1 - beta2, v);                               // 3: v = v + (1−β2)·(d² − v)
        TensorPrimitives.Sqrt(v, scratch);                                             // 4: s = √v
        // √v/√(1−β2^t) + ε = (√v + ε·√(1−β2^t)) / √(1−β2^t): the correction moves into the last pass's scalar.
        TensorPrimitives.Add(scratch, (float)(epsilon * correction2Sqrt), scratch);    // 5: s = √v + ε·√(1−β2^t)
        TensorPrimitives.Divide(m, scratch, scratch);                                  // 6: s = m / s
        TensorPrimitives.MultiplyAdd(scratch, (float)(-stepSize * correction2Sqrt), w, w); // 7: w = w − α/(1−β1^t)·√(1−β2^t)·s
    }

    // Coupled L2 decay d = g + λw needs its own pass; with λ = 0 the gradient is used as it is.
    private ReadOnlySpan<float> CoupledDecay(float weightDecay, ReadOnlySpan<float> w, ReadOnlySpan<float> g)
    {
        if (weightDecay == 0)
        {
            return g;
        }

        Span<float> decayed = _decayed.AsSpan(0, w.Length);
        TensorPrimitives.MultiplyAdd(w, weightDecay, g, decayed);
        return decayed;
    }
}
