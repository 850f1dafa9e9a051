using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NumKit.Optimizers;

namespace NumKit.Benchmarks.Baselines;

/// <summary>
/// Adam as an expert writes it by hand: one pass over memory, Vector512 where the machine has it,
/// then Vector256, Vector128 and a scalar tail, each written out — the yardstick the generated
/// <see cref="Adam.Update(in Adam, int, Span{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/> is held to.
/// </summary>
/// <remarks>
/// It performs exactly the operations of the rule's equations, in their order, with no fused
/// multiply-add — PyTorch's order: d = g + λw; m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d·d;
/// w = w − (α/(1−β1^t))·m / (√v / √(1−β2^t) + ε), two divisions and a square root per element — and
/// the per-step constants are computed in double and rounded to float once, as the generator does.
/// So it gives the generated kernel's bits, which the benchmark checks before it measures: any
/// difference in time is the cost of the code, not of a different computation.
/// </remarks>
public static class HandWrittenAdam
{
    /// <summary>Applies step <paramref name="t"/> of Adam to every element.</summary>
    /// <exception cref="ArgumentException">A span's length differs from <paramref name="w"/>'s.</exception>
    public static void Update(in Adam rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
    {
        if (g.Length != w.Length || m.Length != w.Length || v.Length != w.Length)
        {
            throw new ArgumentException($"w, g, m and v must have one element per parameter; got {w.Length}, {g.Length}, {m.Length} and {v.Length}.");
        }

        double beta1 = rule.Beta1;
        double beta2 = rule.Beta2;
        float weightDecay = rule.WeightDecay;
        float b1 = rule.Beta1;
        float oneMinusB1 = (float)(1.0 - beta1);
        float b2 = rule.Beta2;
        float oneMinusB2 = (float)(1.0 - beta2);
        float stepSize = (float)(rule.LearningRate / (1.0 - Math.Pow(beta1, t)));
        float correction2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, t));
        float epsilon = rule.Epsilon;

        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        nuint length = (nuint)w.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            Vector512<float> vWeightDecay = Vector512.Create(weightDecay);
            Vector512<float> vB1 = Vector512.Create(b1);
            Vector512<float> vOneMinusB1 = Vector512.Create(oneMinusB1);
            Vector512<float> vB2 = Vector512.Create(b2);
            Vector512<float> vOneMinusB2 = Vector512.Create(oneMinusB2);
            Vector512<float> vStepSize = Vector512.Create(stepSize);
            Vector512<float> vCorrection2Sqrt = Vector512.Create(correction2Sqrt);
            Vector512<float> vEpsilon = Vector512.Create(epsilon);
            nuint end = length - (nuint)Vector512<float>.Count;
            for (; i <= end; i += (nuint)Vector512<float>.Count)
            {
                Vector512<float> wi = Vector512.LoadUnsafe(ref wRef, i);
                Vector512<float> d = Vector512.LoadUnsafe(ref gRef, i) + (vWeightDecay * wi);
                Vector512<float> mi = (vB1 * Vector512.LoadUnsafe(ref mRef, i)) + (vOneMinusB1 * d);
                Vector512<float> vi = (vB2 * Vector512.LoadUnsafe(ref vRef, i)) + (vOneMinusB2 * d * d);
                Vector512<float> step = (vStepSize * mi) / ((Vector512.Sqrt(vi) / vCorrection2Sqrt) + vEpsilon);
                (wi - step).StoreUnsafe(ref wRef, i);
                mi.StoreUnsafe(ref mRef, i);
                vi.StoreUnsafe(ref vRef, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && length - i >= (nuint)Vector256<float>.Count)
        {
            Vector256<float> vWeightDecay = Vector256.Create(weightDecay);
            Vector256<float> vB1 = Vector256.Create(b1);
            Vector256<float> vOneMinusB1 = Vector256.Create(oneMinusB1);
            Vector256<float> vB2 = Vector256.Create(b2);
            Vector256<float> vOneMinusB2 = Vector256.Create(oneMinusB2);
            Vector256<float> vStepSize = Vector256.Create(stepSize);
            Vector256<float> vCorrection2Sqrt = Vector256.Create(correction2Sqrt);
            Vector256<float> vEpsilon = Vector256.Create(epsilon);
            nuint end = length - (nuint)Vector256<float>.Count;
            for (; i <= end; i += (nuint)Vector256<float>.Count)
            {
                Vector256<float> wi = Vector256.LoadUnsafe(ref wRef, i);
                Vector256<float> d = Vector256.LoadUnsafe(ref gRef, i) + (vWeightDecay * wi);
                Vector256<float> mi = (vB1 * Vector256.LoadUnsafe(ref mRef, i)) + (vOneMinusB1 * d);
                Vector256<float> vi = (vB2 * Vector256.LoadUnsafe(ref vRef, i)) + (vOneMinusB2 * d * d);
                Vector256<float> step = (vStepSize * mi) / ((Vector256.Sqrt(vi) / vCorrection2Sqrt) + vEpsilon);
                (wi - step).StoreUnsafe(ref wRef, i);
                mi.StoreUnsafe(ref mRef, i);
                vi.StoreUnsafe(ref vRef, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && length - i >= (nuint)Vector128<float>.Count)
        {
            Vector128<float> vWeightDecay = Vector128.Create(weightDecay);
            Vector128<float> vB1 = Vector128.Create(b1);
            Vector128<float> vOneMinusB1 = Vector128.Create(oneMinusB1);
            Vector128<float> vB2 = Vector128.Create(b2);
            Vector128<float> vOneMinusB2 = Vector128.Create(oneMinusB2);
            Vector128<float> vStepSize = Vector128.Create(stepSize);
            Vector128<float> vCorrection2Sqrt = Vector128.Create(correction2Sqrt);
            Vector128<float> vEpsilon = Vector128.Create(epsilon);
            nuint end = length - (nuint)Vector128<float>.Count;
            for (; i <= end; i += (nuint)Vector128<float>.Count)
            {
                Vector128<float> wi = Vector128.LoadUnsafe(ref wRef, i);
                Vector128<float> d = Vector128.LoadUnsafe(ref gRef, i) + (vWeightDecay * wi);
                Vector128<float> mi = (vB1 * Vector128.LoadUnsafe(ref mRef, i)) + (vOneMinusB1 * d);
                Vector128<float> vi = (vB2 * Vector128.LoadUnsafe(ref vRef, i)) + (vOneMinusB2 * d * d);
                Vector128<float> step = (vStepSize * mi) / ((Vector128.Sqrt(vi) / vCorrection2Sqrt) + vEpsilon);
                (wi - step).StoreUnsafe(ref wRef, i);
                mi.StoreUnsafe(ref mRef, i);
                vi.StoreUnsafe(ref vRef, i);
            }
        }

        for (; i < length; i++)
        {
            float wi = Unsafe.Add(ref wRef, i);
            float d = Unsafe.Add(ref gRef, i) + (weightDecay * wi);
            float mi = (b1 * Unsafe.Add(ref mRef, i)) + (oneMinusB1 * d);
            float vi = (b2 * Unsafe.Add(ref vRef, i)) + (oneMinusB2 * d * d);
            float step = (stepSize * mi) / ((MathF.Sqrt(vi) / correction2Sqrt) + epsilon);
            Unsafe.Add(ref wRef, i) = wi - step;
            Unsafe.Add(ref mRef, i) = mi;
            Unsafe.Add(ref vRef, i) = vi;
        }
    }
}
