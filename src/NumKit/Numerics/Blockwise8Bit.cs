using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

            BlockwiseCodec.Encode(blockValues, max, blockCodes, map);
        }
    }

    /// <summary>Decodes <paramref name="codes"/> with their blocks' <paramref name="absmax"/> into <paramref name="values"/>.</summary>
    public static void Dequantize(ReadOnlySpan<byte> codes, ReadOnlySpan<float> absmax, Span<float> values, DynamicQuantizationMap map)
    {
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            float max = absmax[block];
            BlockwiseCodec.Decode(codes.Slice(start, length), max, values.Slice(start, length), map);
        }
    }

    // The largest magnitude (NaN when any value is NaN) and whether any value is below zero, in one pass. Magnitudes
    // are compared as their bits (for non-negative floats the same order, NaN above ∞), so a vector's lanes reduce in
    // any order to the same result on every path; "below zero" is an IEEE comparison (NaN and -0 are not).
    private static (float Max, bool Negative) MaxMagnitudeAndSign(ReadOnlySpan<float> values)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        int length = values.Length;
        int i = 0;
        uint max = 0;
        bool negative = false;
        if (Vector512.IsHardwareAccelerated && VectorPaths.Allows(512) && length >= 16)
        {
            Vector512<uint> maxes = Vector512<uint>.Zero;
            Vector512<float> negatives = Vector512<float>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                maxes = Vector512.Max(maxes, v.AsUInt32() & Vector512.Create(0x7FFF_FFFFu));
                negatives |= Vector512.LessThan(v, Vector512<float>.Zero);
            }

            Vector256<uint> half = Vector256.Max(maxes.GetLower(), maxes.GetUpper());
            Vector128<uint> quarter = Vector128.Max(half.GetLower(), half.GetUpper());
            max = Math.Max(Math.Max(quarter[0], quarter[1]), Math.Max(quarter[2], quarter[3]));
            negative = negatives != Vector512<float>.Zero;
        }
        else if (Vector256.IsHardwareAccelerated && VectorPaths.Allows(256) && length >= 8)
        {
            Vector256<uint> maxes = Vector256<uint>.Zero;
            Vector256<float> negatives = Vector256<float>.Zero;
            for (; i + 8 <= length; i += 8)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)i);
                maxes = Vector256.Max(maxes, v.AsUInt32() & Vector256.Create(0x7FFF_FFFFu));
                negatives |= Vector256.LessThan(v, Vector256<float>.Zero);
            }

            Vector128<uint> quarter = Vector128.Max(maxes.GetLower(), maxes.GetUpper());
            max = Math.Max(Math.Max(quarter[0], quarter[1]), Math.Max(quarter[2], quarter[3]));
            negative = negatives != Vector256<float>.Zero;
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref x, i);
            max = Math.Max(max, BitConverter.SingleToUInt32Bits(v) & 0x7FFF_FFFFu);
            negative |= v < 0f;
        }

        return (max > 0x7F80_0000u ? float.NaN : BitConverter.UInt32BitsToSingle(max), negative);
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
        => QuantizeBlocks(values, codes, absmax, stochastic: false, key: 0, firstIndex: 0);

    /// <summary>
    /// Quantizes as <see cref="QuantizeAdaptive"/>, rounding each scaled value stochastically between the two codes
    /// around it (<see cref="DynamicQuantizationMap.EncodeStochastic"/>) with the random bits of its parameter index
    /// (<paramref name="firstIndex"/> + its position) under <paramref name="key"/>. The block's largest magnitude is a
    /// code exactly, so the absmax survives as it does when rounding to nearest.
    /// </summary>
    public static void QuantizeAdaptiveStochastic(ReadOnlySpan<float> values, Span<byte> codes, Span<float> absmax, uint key, int firstIndex)
        => QuantizeBlocks(values, codes, absmax, stochastic: true, key, firstIndex);

    // Both roundings: the block's map and absmax are chosen the same way; only the encoding of its values differs.
    private static void QuantizeBlocks(ReadOnlySpan<float> values, Span<byte> codes, Span<float> absmax, bool stochastic, uint key, int firstIndex)
    {
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            ReadOnlySpan<float> blockValues = values.Slice(start, length);
            Span<byte> blockCodes = codes.Slice(start, length);
            (float max, bool signed) = MaxMagnitudeAndSign(blockValues);
            DynamicQuantizationMap map = signed ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;
            absmax[block] = signed ? -max : max;
            if (max == 0f)
            {
                blockCodes.Fill(map.Encode(0f));
            }
            else if (stochastic)
            {
                BlockwiseCodec.EncodeStochastic(blockValues, max, blockCodes, map, key, firstIndex + start);
            }
            else
            {
                BlockwiseCodec.Encode(blockValues, max, blockCodes, map);
            }
        }
    }

    /// <summary>Decodes what <see cref="QuantizeAdaptive"/> or <see cref="QuantizeAdaptiveStochastic"/> wrote.</summary>
    public static void DequantizeAdaptive(ReadOnlySpan<byte> codes, ReadOnlySpan<float> absmax, Span<float> values)
    {
        for (int block = 0, start = 0; start < values.Length; block++, start += BlockSize)
        {
            int length = Math.Min(BlockSize, values.Length - start);
            float stored = absmax[block];
            bool signed = float.IsNegative(stored);
            DynamicQuantizationMap map = signed ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;
            float max = Math.Abs(stored);
            BlockwiseCodec.Decode(codes.Slice(start, length), max, values.Slice(start, length), map);
        }
    }
}
