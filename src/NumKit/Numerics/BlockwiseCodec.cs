using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NumKit.Numerics;

/// <summary>
/// The inner loops of 8-bit blockwise quantization, vectorised: encoding a block's scaled values to the
/// nearest codes of a <see cref="DynamicQuantizationMap"/>, and decoding codes times the block's absmax.
/// </summary>
/// <remarks>
/// <para>
/// Encoding runs the scalar <see cref="DynamicQuantizationMap.Encode"/> search in every lane at once: the
/// start of the search is gathered from the map's table indexed by the scaled value's top 16 bits, then
/// <see cref="DynamicQuantizationMap.MaxSteps"/> times the threshold at the lane's code is gathered and the
/// code moves up by one where the value is above it. A lane whose search has ended compares false from then
/// on (its threshold is above it), so every lane ends at the scalar search's code. Dividing by the absmax is
/// one IEEE division per element in every path, so the scaled values, and the codes, are the same bits.
/// </para>
/// <para>
/// Lookups are AVX2 gathers (.NET 10 has no AVX-512 gather), at 256 bits — on AVX-512 machines too — or 128
/// bits when <see cref="VectorPaths"/> limits kernels to that; the rest, and machines without AVX2, run the
/// scalar loop. Decoding is exact (a code's value times the absmax, one rounding), so it too gives the same
/// bits on every path.
/// </para>
/// </remarks>
internal static unsafe class BlockwiseCodec
{
    /// <summary>Writes the code of <c>values[i] / max</c> (<paramref name="max"/> &gt; 0) into <paramref name="codes"/>[i].</summary>
    public static void Encode(ReadOnlySpan<float> values, float max, Span<byte> codes, DynamicQuantizationMap map)
    {
        int length = values.Length;
        int steps = map.MaxSteps;
        int i = 0;
        fixed (float* x = values)
        fixed (byte* code = codes)
        fixed (byte* start = map.StartTable)
        fixed (float* thresholds = map.Thresholds)
        {
            if (Avx2.IsSupported && VectorPaths.Allows(256))
            {
                Vector256<float> scale = Vector256.Create(max);
                for (; i + 32 <= length; i += 32)
                {
                    Vector256<ushort> low = Vector256.Narrow(Encode(x + i, scale, start, thresholds, steps), Encode(x + i + 8, scale, start, thresholds, steps));
                    Vector256<ushort> high = Vector256.Narrow(Encode(x + i + 16, scale, start, thresholds, steps), Encode(x + i + 24, scale, start, thresholds, steps));
                    Vector256.Narrow(low, high).Store(code + i);
                }
            }

            if (Avx2.IsSupported && VectorPaths.Allows(128))
            {
                Vector128<float> scale = Vector128.Create(max);
                for (; i + 16 <= length; i += 16)
                {
                    Vector128<ushort> low = Vector128.Narrow(Encode(x + i, scale, start, thresholds, steps), Encode(x + i + 4, scale, start, thresholds, steps));
                    Vector128<ushort> high = Vector128.Narrow(Encode(x + i + 8, scale, start, thresholds, steps), Encode(x + i + 12, scale, start, thresholds, steps));
                    Vector128.Narrow(low, high).Store(code + i);
                }
            }

            for (; i < length; i++)
            {
                code[i] = map.Encode(x[i] / max);
            }
        }
    }

    /// <summary>Writes <c>map.Codes[codes[i]] * max</c> into <paramref name="values"/>[i].</summary>
    public static void Decode(ReadOnlySpan<byte> codes, float max, Span<float> values, DynamicQuantizationMap map)
    {
        int length = values.Length;
        int i = 0;
        fixed (byte* code = codes)
        fixed (float* x = values)
        fixed (float* table = map.PinnedCodes)
        {
            if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && VectorPaths.Allows(512) && length >= 64)
            {
                i = Decode512(code, x, length, table, Vector512.Create(max));
            }

            if (Avx2.IsSupported && VectorPaths.Allows(256))
            {
                Vector256<float> scale = Vector256.Create(max);
                for (; i + 8 <= length; i += 8)
                {
                    (Avx2.GatherVector256(table, Avx2.ConvertToVector256Int32(code + i), 4) * scale).Store(x + i);
                }
            }

            if (Avx2.IsSupported && VectorPaths.Allows(128))
            {
                Vector128<float> scale = Vector128.Create(max);
                for (; i + 4 <= length; i += 4)
                {
                    Vector128<int> index = Sse41.ConvertToVector128Int32(Vector128.CreateScalar(*(uint*)(code + i)).AsByte());
                    (Avx2.GatherVector128(table, index, 4) * scale).Store(x + i);
                }
            }

            for (; i < length; i++)
            {
                x[i] = table[code[i]] * max;
            }
        }
    }

    // The 256 codes in sixteen registers; each lane's value picked by two-table permutes on the code's low five
    // bits, then by its bits 5, 6 and 7 — no memory access per element (.NET has no AVX-512 gather).
    private static int Decode512(byte* code, float* x, int length, float* table, Vector512<float> scale)
    {
        Vector512<float> t0 = Vector512.Load(table), t1 = Vector512.Load(table + 16), t2 = Vector512.Load(table + 32), t3 = Vector512.Load(table + 48);
        Vector512<float> t4 = Vector512.Load(table + 64), t5 = Vector512.Load(table + 80), t6 = Vector512.Load(table + 96), t7 = Vector512.Load(table + 112);
        Vector512<float> t8 = Vector512.Load(table + 128), t9 = Vector512.Load(table + 144), t10 = Vector512.Load(table + 160), t11 = Vector512.Load(table + 176);
        Vector512<float> t12 = Vector512.Load(table + 192), t13 = Vector512.Load(table + 208), t14 = Vector512.Load(table + 224), t15 = Vector512.Load(table + 240);
        int i = 0;
        for (; i + 16 <= length; i += 16)
        {
            Vector512<int> index = Avx512F.ConvertToVector512Int32(Vector128.Load(code + i));
            Vector512<float> bit5 = Vector512.Equals(index & Vector512.Create(32), Vector512.Create(32)).AsSingle();
            Vector512<float> bit6 = Vector512.Equals(index & Vector512.Create(64), Vector512.Create(64)).AsSingle();
            Vector512<float> bit7 = Vector512.Equals(index & Vector512.Create(128), Vector512.Create(128)).AsSingle();
            Vector512<float> low = Vector512.ConditionalSelect(
                bit6,
                Vector512.ConditionalSelect(bit5, Avx512F.PermuteVar16x32x2(t6, index, t7), Avx512F.PermuteVar16x32x2(t4, index, t5)),
                Vector512.ConditionalSelect(bit5, Avx512F.PermuteVar16x32x2(t2, index, t3), Avx512F.PermuteVar16x32x2(t0, index, t1)));
            Vector512<float> high = Vector512.ConditionalSelect(
                bit6,
                Vector512.ConditionalSelect(bit5, Avx512F.PermuteVar16x32x2(t14, index, t15), Avx512F.PermuteVar16x32x2(t12, index, t13)),
                Vector512.ConditionalSelect(bit5, Avx512F.PermuteVar16x32x2(t10, index, t11), Avx512F.PermuteVar16x32x2(t8, index, t9)));
            (Vector512.ConditionalSelect(bit7, high, low) * scale).Store(x + i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Encode(float* x, Vector256<float> scale, byte* start, float* thresholds, int steps)
    {
        Vector256<float> scaled = Vector256.Load(x) / scale;
        Vector256<int> top = Vector256.ShiftRightLogical(scaled.AsInt32(), 16);
        Vector256<int> code = Avx2.GatherVector256((int*)start, top, 1) & Vector256.Create(0xFF);
        for (int s = 0; s < steps; s++)
        {
            code -= Vector256.GreaterThan(scaled, Avx2.GatherVector256(thresholds, code, 4)).AsInt32();
        }

        return code.AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Encode(float* x, Vector128<float> scale, byte* start, float* thresholds, int steps)
    {
        Vector128<float> scaled = Vector128.Load(x) / scale;
        Vector128<int> top = Vector128.ShiftRightLogical(scaled.AsInt32(), 16);
        Vector128<int> code = Avx2.GatherVector128((int*)start, top, 1) & Vector128.Create(0xFF);
        for (int s = 0; s < steps; s++)
        {
            code -= Vector128.GreaterThan(scaled, Avx2.GatherVector128(thresholds, code, 4)).AsInt32();
        }

        return code.AsUInt32();
    }
}
