using System;

namespace NumKit.Numerics;

/// <summary>
/// bitsandbytes' dynamic quantization map: 256 values in [-1, 1] (signed) or [0, 1] (unsigned) with a
/// dynamic exponent — fine steps near 1, ever coarser decades down to 1e-7 — and the encoder that
/// finds the nearest one.
/// </summary>
/// <remarks>
/// <para>
/// Built as <c>bitsandbytes.functional.create_dynamic_map(signed, max_exponent_bits=7, total_bits=8)</c>
/// builds it (Dettmers, "8-Bit Approximations for Parallelism in Deep Learning"): for each decade i = 0..6,
/// the midpoints of <c>torch.linspace(0.1, 1, k + 1)</c> (k = 2^i signed, 2^(i+1) unsigned) scaled by
/// 10^(i-6), negated too when signed; then 0 and 1; sorted. Every step is float32 arithmetic as torch
/// does it (fused multiply-adds included), so each code is bitsandbytes' value bit for bit (tests/NumKit.Tests/Golden/dynamic_maps.json
/// holds the values libtorch computes). The signed map has no -1: its most negative code is about -0.993.
/// </para>
/// <para>
/// Encoding picks the nearest code (a value exactly between two goes to the lower one). A table indexed by
/// the value's bfloat16 bits gives, in one load, how many midpoints lie below that bfloat16 interval; a
/// step or two over the midpoints inside it finishes the search.
/// </para>
/// </remarks>
internal sealed class DynamicQuantizationMap
{
    private readonly float[] _codes;
    private readonly double[] _midpoints;
    private readonly byte[] _start;

    private DynamicQuantizationMap(bool signed)
    {
        IsSigned = signed;
        _codes = Build(signed);
        _midpoints = new double[255];
        for (int c = 0; c < 255; c++)
        {
            _midpoints[c] = ((double)_codes[c] + _codes[c + 1]) / 2; // exact in double
        }

        _start = BuildStartTable(_midpoints);
    }

    /// <summary>The signed map, for state that changes sign (such as Adam's m).</summary>
    public static DynamicQuantizationMap Signed { get; } = new(signed: true);

    /// <summary>The unsigned map, for state that is never negative (such as Adam's v).</summary>
    public static DynamicQuantizationMap Unsigned { get; } = new(signed: false);

    /// <summary>Whether this is the signed map.</summary>
    public bool IsSigned { get; }

    /// <summary>The 256 values, ascending.</summary>
    public ReadOnlySpan<float> Codes => _codes;

    /// <summary>The value code <paramref name="code"/> stands for.</summary>
    public float Decode(byte code) => _codes[code];

    /// <summary>The code nearest <paramref name="x"/> (a value in [-1, 1]); ties go to the lower code.</summary>
    public byte Encode(float x)
    {
        int code = _start[BitConverter.SingleToUInt32Bits(x) >> 16];
        double value = x;
        while (code < 255 && value > _midpoints[code])
        {
            code++;
        }

        return (byte)code;
    }

    private static float[] Build(bool signed)
    {
        const int maxExponentBits = 7;
        const int nonSignBits = 7; // the Python's "total_bits - (1 if signed else 1)"
        var data = new System.Collections.Generic.List<float>(256);
        for (int i = 0; i < maxExponentBits; i++)
        {
            int fractionItems = signed ? (1 << (i + nonSignBits - maxExponentBits)) + 1 : (1 << (i + nonSignBits - maxExponentBits + 1)) + 1;
            float scale = (float)Math.Pow(10, -(maxExponentBits - 1) + i); // Python's 10 ** k, then float32 as torch takes a scalar
            for (int j = 0; j + 1 < fractionItems; j++)
            {
                float mean = (Linspace(0.1f, 1f, fractionItems, j) + Linspace(0.1f, 1f, fractionItems, j + 1)) / 2.0f;
                data.Add(mean * scale);
                if (signed)
                {
                    data.Add(mean * -scale);
                }
            }
        }

        data.Add(0f);
        data.Add(1f);
        data.Sort();
        return data.ToArray();
    }

    // torch.linspace(start, end, steps)[index] in float32, as libtorch's CPU kernel computes it: the first half
    // counts up from start, the second half down from end, with step = (end - start) / (steps - 1). libtorch is
    // compiled with floating-point contraction, so each multiply-add is one fused, singly rounded operation
    // (with a separate multiply and add, 24 of the 129 points of linspace(0.1, 1, 129) differ in the last bit).
    private static float Linspace(float start, float end, int steps, int index)
    {
        float step = (end - start) / (steps - 1);
        return index < steps / 2
            ? MathF.FusedMultiplyAdd(step, index, start)
            : MathF.FusedMultiplyAdd(-step, steps - index - 1, end);
    }

    // For every bfloat16 bit pattern, how many midpoints lie below every float whose top 16 bits it is.
    private static byte[] BuildStartTable(double[] midpoints)
    {
        var start = new byte[1 << 16];
        for (int bits = 0; bits < start.Length; bits++)
        {
            int magnitude = bits & 0x7FFF;
            if (magnitude >= 0x7F80)
            {
                continue; // ∞ and NaN: never a normalized value; start at 0 and let the search run
            }

            // The smallest float with these top bits: the pattern itself when positive; when negative, just above
            // the next pattern out (a bound below every such float is all the search needs).
            double lowest = (bits & 0x8000) == 0
                ? BitConverter.UInt32BitsToSingle((uint)bits << 16)
                : -(double)BitConverter.UInt32BitsToSingle((uint)(magnitude + 1) << 16);
            int below = 0;
            while (below < midpoints.Length && midpoints[below] < lowest)
            {
                below++;
            }

            start[bits] = (byte)below;
        }

        return start;
    }
}
