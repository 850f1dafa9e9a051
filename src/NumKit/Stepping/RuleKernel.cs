using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NumKit.Stepping;

/// <summary>Calls a rule's packed kernel for the element type <typeparamref name="T"/>.</summary>
/// <typeparam name="TRule">The update rule.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class RuleKernel<TRule, T>
    where TRule : struct, IOptimizerRule<TRule>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Whether rules have a kernel for <typeparamref name="T"/>.</summary>
    public static bool IsSupported => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>One kernel call over <paramref name="w"/>, with its state buffers packed <paramref name="stateStride"/> apart in <paramref name="state"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step(in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stateStride, Span<double> scalars)
    {
        // typeof(T) is a JIT-time constant, so only one of these branches exists in the compiled code.
        if (typeof(T) == typeof(float))
        {
            TRule.Step(in rule, t, As<float>(w), As<float>(g), As<float>(state), stateStride, scalars);
        }
        else
        {
            TRule.Step(in rule, t, As<double>(w), As<double>(g), As<double>(state), stateStride, scalars);
        }
    }

    /// <summary>Pass <paramref name="pass"/> of a rule with reductions over <paramref name="w"/> (a tensor, or a slice of one on a chunk boundary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StepPass(int pass, in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stateStride, ReadOnlySpan<double> scalars, ReadOnlySpan<double> tensorValues, Span<double> partials)
    {
        if (typeof(T) == typeof(float))
        {
            TRule.StepPass(pass, in rule, t, As<float>(w), As<float>(g), As<float>(state), stateStride, scalars, tensorValues, partials);
        }
        else
        {
            TRule.StepPass(pass, in rule, t, As<double>(w), As<double>(g), As<double>(state), stateStride, scalars, tensorValues, partials);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<TTo> As<TTo>(Span<T> span) where TTo : struct
        => MemoryMarshal.CreateSpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<TTo> As<TTo>(ReadOnlySpan<T> span) where TTo : struct
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);
}
