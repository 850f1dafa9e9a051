using System.Numerics.Tensors;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// LAMB (<c>optax.lamb</c>, eps_root 0) composed from <see cref="TensorPrimitives"/> calls, as a careful C#
/// user writes it without NumKit: one tensor after another (as a <c>for p in params</c> loop does, so a
/// tensor's passes find it in cache), the Adam part in as few passes as the API allows, the two norms
/// and the update per tensor, and one scratch buffer allocated here, so a step allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Per element: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; u = (m/bc1)/(√(v/bc2) + ε) + λ·w.
/// Per tensor: r = ‖w‖/‖u‖, or 1 where either norm is 0; w ← w − α·r·u. bc1 = 1 − β1^t, bc2 = 1 − β2^t.
/// </para>
/// <para>
/// The bias corrections are folded into scalars: (m/bc1)/(√v/√bc2 + ε) = c·m/(√v + ε·√bc2) with
/// c = √bc2/bc1, and u = c·(s + (λ/c)·w) where s = m/(√v + ε·√bc2), so ‖u‖ = c·‖s + (λ/c)·w‖ and the last
/// pass scales by −α·r·c. Each moving average is one Lerp. So the numbers agree with the double reference to
/// float rounding, not bit for bit (the tests check it). Passes over a tensor: nine (ten with weight decay),
/// where the fewest the data dependencies allow are two (the moments and u, then the update after the norms).
/// </para>
/// </remarks>
public sealed class TensorPrimitivesLamb
{
    private readonly float[] _update;

    /// <summary>Allocates the scratch buffer for tensors of up to <paramref name="largestTensor"/> elements.</summary>
    public TensorPrimitivesLamb(int largestTensor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(largestTensor);
        _update = new float[largestTensor];
    }

    /// <summary>
    /// Step <paramref name="t"/> of every tensor of the flat buffers: the tensors lie one after another, of
    /// lengths <paramref name="tensorLengths"/>, in <paramref name="w"/>, <paramref name="g"/> and the moments
    /// <paramref name="m"/> and <paramref name="v"/>.
    /// </summary>
    public void Step(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int t,
                     Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, ReadOnlySpan<int> tensorLengths)
    {
        int total = 0;
        foreach (int length in tensorLengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(tensorLengths));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _update.Length, nameof(tensorLengths));
            total += length;
        }

        if (w.Length != total || g.Length != total || m.Length != total || v.Length != total)
        {
            throw new ArgumentException($"The tensors hold {total} elements; w, g, m and v must be that long (they are {w.Length}, {g.Length}, {m.Length}, {v.Length}).");
        }

        // Per-step scalars in double, as optax's are computed once per step: c = √bc2/bc1 and ε·√bc2.
        double correction1 = 1 - Math.Pow(beta1, t);
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        double c = correction2Sqrt / correction1;
        float epsilonScaled = (float)(epsilon * correction2Sqrt);
        float decayOverC = (float)(weightDecay / c);

        int offset = 0;
        foreach (int length in tensorLengths)
        {
            Span<float> wk = w.Slice(offset, length);
            ReadOnlySpan<float> gk = g.Slice(offset, length);
            Span<float> mk = m.Slice(offset, length);
            Span<float> vk = v.Slice(offset, length);
            Span<float> s = _update.AsSpan(0, length);
            offset += length;

            TensorPrimitives.Lerp(mk, gk, 1 - beta1, mk);                             // 1: m = m + (1−β1)·(g − m)
            TensorPrimitives.Multiply(gk, gk, s);                                     // 2: s = g²
            TensorPrimitives.Lerp(vk, s, 1 - beta2, vk);                              // 3: v = v + (1−β2)·(g² − v)
            TensorPrimitives.Sqrt(vk, s);                                             // 4: s = √v
            TensorPrimitives.Add(s, epsilonScaled, s);                                // 5: s = √v + ε·√bc2
            TensorPrimitives.Divide(mk, s, s);                                        // 6: s = m / s, so u = c·s
            if (weightDecay != 0)
            {
                TensorPrimitives.MultiplyAdd(wk, decayOverC, s, s);                   // 6b: s = s + (λ/c)·w, so u = c·s
            }

            double parameterNorm = TensorPrimitives.Norm<float>(wk);                  // 7: ‖w‖
            double updateNorm = c * TensorPrimitives.Norm<float>(s);                  // 8: ‖u‖ = c·‖s‖
            double ratio = parameterNorm == 0 || updateNorm == 0 ? 1 : parameterNorm / updateNorm;
            TensorPrimitives.MultiplyAdd(s, (float)(-learningRate * ratio * c), wk, wk); // 9: w = w − α·r·u
        }
    }
}
