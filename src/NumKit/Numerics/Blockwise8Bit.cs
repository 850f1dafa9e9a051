using System;

namespace NumKit.Numerics;

/// <summary>
/// 8-bit blockwise quantization, as bitsandbytes' 8-bit optimizers store their state: values in blocks
/// of <see cref="BlockSize"/>, each block scaled by its largest magnitude (its absmax, kept as a float) and
/// every scaled value stored as the code of the nearest <see cref="DynamicQuantizationMap"/> entry.
/// </summary>
/// <remarks>
/// A block of 256 values costs 256 bytes plus a 4-byte absmax: 8.125 bits per value. Decoding is
/// <c>code value × absmax</c>. The largest value of each block is stored exactly (the map holds 1); a
/// block of zeros has absmax 0 and decodes to zeros. Non-finite values have no code: a block holding
/// one decodes to NaN, so keep the optimizer's non-finite guard on.
/// </remarks>
internal static class Blockwise8Bit
{
    /// <summary>How many values share one absmax.</summary>
    public const int BlockSize = 256;

    /// <summary>How many blocks <paramref name="length"/> values take (the last may be partial).</summary>
    public static int BlockCount(int length) => (length + BlockSize - 1) / BlockSize;

    /// <summary>Quantizes <paramref name="values"/> into <paramref name="codes"/> and one absmax per block.</summary>
    public static void Quantize(ReadOnlySpan<float> values, Span<byte> codes, Span<float> absmax, DynamicQuantizationMap map)
    {
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            ReadOnlySpan<float> blockValues = values.Slice(start, length);
            Span<byte> blockCodes = codes.Slice(start, length);
            float max = MaxMagnitude(blockValues);
            absmax[block] = max;
            if (max == 0f)
            {
                blockCodes.Fill(map.Encode(0f));
                continue;
            }

            for (int i = 0; i < length; i++)
            {
                blockCodes[i] = map.Encode(blockValues[i] / max);
            }
        }
    }

    /// <summary>Decodes <paramref name="codes"/> with their blocks' <paramref name="absmax"/> into <paramref name="values"/>.</summary>
    public static void Dequantize(ReadOnlySpan<byte> codes, ReadOnlySpan<float> absmax, Span<float> values, DynamicQuantizationMap map)
    {
        ReadOnlySpan<float> table = map.Codes;
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            float max = absmax[block];
            ReadOnlySpan<byte> blockCodes = codes.Slice(start, length);
            Span<float> blockValues = values.Slice(start, length);
            for (int i = 0; i < length; i++)
            {
                blockValues[i] = table[blockCodes[i]] * max;
            }
        }
    }

    private static float MaxMagnitude(ReadOnlySpan<float> values)
    {
        // NaN propagates (MaxMagnitude of TensorPrimitives returns NaN when any value is NaN).
        return values.IsEmpty ? 0f : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));
    }

    /// <summary>
    /// Quantizes as <see cref="Quantize"/>, choosing the map per block: the unsigned map (finer, since all
    /// its codes are non-negative) for a block with no negative value, the signed map otherwise. The choice is
    /// kept in the sign of the block's absmax (negative: signed map), so it costs no extra byte.
    /// </summary>
    public static void QuantizeAdaptive(ReadOnlySpan<float> values, Span<byte> codes, Span<float> absmax)
    {
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            ReadOnlySpan<float> blockValues = values.Slice(start, length);
            Span<byte> blockCodes = codes.Slice(start, length);
            float max = MaxMagnitude(blockValues);
            bool signed = System.Numerics.Tensors.TensorPrimitives.Min(blockValues) < 0f;
            DynamicQuantizationMap map = signed ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;
            absmax[block] = signed ? -max : max;
            if (max == 0f)
            {
                blockCodes.Fill(map.Encode(0f));
                continue;
            }

            for (int i = 0; i < length; i++)
            {
                blockCodes[i] = map.Encode(blockValues[i] / max);
            }
        }
    }

    /// <summary>Decodes what <see cref="QuantizeAdaptive"/> wrote.</summary>
    public static void DequantizeAdaptive(ReadOnlySpan<byte> codes, ReadOnlySpan<float> absmax, Span<float> values)
    {
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            float stored = absmax[block];
            bool signed = float.IsNegative(stored);
            ReadOnlySpan<float> table = (signed ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned).Codes;
            float max = Math.Abs(stored);
            ReadOnlySpan<byte> blockCodes = codes.Slice(start, length);
            Span<float> blockValues = values.Slice(start, length);
            for (int i = 0; i < length; i++)
            {
                blockValues[i] = table[blockCodes[i]] * max;
            }
        }
    }
}
