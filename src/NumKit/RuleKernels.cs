using System;
using System.Numerics;
using NumKit.Kernels;
using NumKit.Stepping;

namespace NumKit;

/// <summary>
/// A rule's raw kernel for every element type: float and double run the generated kernel as it is; the 16-bit
/// <see cref="Half"/> and <see cref="BFloat16"/> are widened tile by tile into float on the stack, stepped by the
/// rule's float kernel, and rounded back to nearest even — parameters and state alike.
/// </summary>
/// <remarks>
/// For an optimizer that owns its state and can keep it compactly, or keep a master copy or compensation for 16-bit
/// parameters, use <see cref="Optimizer{TRule, T}"/>. Here every buffer is the caller's, in the element type's
/// precision, and allocation-free.
/// </remarks>
public static class RuleKernels
{
    /// <summary>
    /// Applies step <paramref name="t"/> of <typeparamref name="TRule"/> to <paramref name="w"/>, with its state
    /// buffers packed <paramref name="stateStride"/> apart in <paramref name="state"/> (as <see cref="IOptimizerRule{TSelf}.Step(in TSelf, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, Span{double})"/>).
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, Half or BFloat16.</exception>
    /// <exception cref="ArgumentException">A span is too short, or the spans overlap; nothing is written.</exception>
    public static void Step<TRule, T>(in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stateStride, Span<double> scalarState)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (RuleKernel<TRule, T>.IsSupported)
        {
            RuleKernel<TRule, T>.Step(in rule, t, w, g, state, stateStride, scalarState);
            return;
        }

        if (!ParameterConversion.IsLowPrecision<T>())
        {
            throw new NotSupportedException($"Rule kernels run over float, double, Half or BFloat16, not {typeof(T).Name}.");
        }

        int buffers = TRule.StateNames.Count;
        int length = w.Length;
        Span<double> scalarsBefore = stackalloc double[scalarState.Length];
        scalarState.CopyTo(scalarsBefore);

        // The float kernel's checks, on the caller's spans, before anything is written (it sees only stack tiles).
        KernelGuard.RequireStep(t);
        KernelGuard.RequireLength(g.Length, length, "g");
        KernelGuard.RequirePackedState(state.Length, buffers, length, stateStride, nameof(state));
        KernelGuard.RequireScalarState(scalarState.Length, TRule.ScalarStateNames.Count, nameof(scalarState));
        KernelGuard.RequireDisjoint<T>(w, g, "w", "g");
        KernelGuard.RequireDisjoint<T>(w, state, "w", "state");
        KernelGuard.RequireDisjoint<T>(g, state, "g", "state");

        int tileLength = CompactState.TileLengthFor(buffers + 2);
        Span<float> tile = stackalloc float[(buffers + 2) * tileLength];
        if (length == 0)
        {
            TRule.Step(in rule, t, Span<float>.Empty, ReadOnlySpan<float>.Empty, Span<float>.Empty, 0, scalarState);
            return;
        }

        for (int start = 0; start < length; start += tileLength)
        {
            int n = Math.Min(tileLength, length - start);
            Span<float> wf = tile.Slice(0, n);
            Span<float> gf = tile.Slice(tileLength, n);
            Span<float> packed = tile.Slice(2 * tileLength, buffers * n);
            ParameterConversion.Widen<T>(w.Slice(start, n), wf);
            ParameterConversion.Widen<T>(g.Slice(start, n), gf);
            for (int k = 0; k < buffers; k++)
            {
                ParameterConversion.Widen<T>(state.Slice((k * stateStride) + start, n), packed.Slice(k * n, n));
            }

            // Each tile advances the per-step scalar state from the same start, as one call over all would.
            scalarsBefore.CopyTo(scalarState);
            TRule.Step(in rule, t, wf, gf, packed, n, scalarState);
            ParameterConversion.NarrowToNearest<T>(wf, w.Slice(start, n));
            for (int k = 0; k < buffers; k++)
            {
                ParameterConversion.NarrowToNearest<T>(packed.Slice(k * n, n), state.Slice((k * stateStride) + start, n));
            }
        }
    }
}
