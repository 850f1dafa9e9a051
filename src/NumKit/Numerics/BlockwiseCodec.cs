using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NumKit.Kernels;

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
        fixed (float* search = map.NearestSearch)
        {
            if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
            {
                i = EncodeNearest512(x, code, length, Vector512.Create(max), search);
            }

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

    /// <summary>
    /// Writes the stochastically rounded code of <c>values[i] / max</c> (<paramref name="max"/> &gt; 0) into
    /// <paramref name="codes"/>[i], with the random bits of parameter index <paramref name="firstIndex"/> + i under
    /// <paramref name="key"/> (<see cref="DynamicQuantizationMap.EncodeStochastic"/>, <see cref="CounterRandom"/>).
    /// </summary>
    public static void EncodeStochastic(ReadOnlySpan<float> values, float max, Span<byte> codes, DynamicQuantizationMap map, uint key, int firstIndex)
    {
        int length = values.Length;
        int i = 0;
        fixed (float* x = values)
        fixed (byte* code = codes)
        fixed (float* search = map.FloorSearch)
        fixed (float* table = map.PinnedCodes)
        {
            if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && VectorPaths.Allows(512))
            {
                i = EncodeStochastic512(x, code, length, Vector512.Create(max), search, table[0], key, (uint)firstIndex);
            }

            if (Avx2.IsSupported && VectorPaths.Allows(256))
            {
                i = EncodeStochastic256(x, code, i, length, Vector256.Create(max), map, table, key, (uint)firstIndex);
            }

            for (; i < length; i++)
            {
                code[i] = map.EncodeStochastic(x[i] / max, CounterRandom.Bits(key, firstIndex + i));
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
                if (Avx512Vbmi.IsSupported)
                {
                    fixed (byte* planes = map.BytePlanes)
                    {
                        i = Decode512Planes(code, x, length, planes, Vector512.Create(max));
                    }
                }

                i += Decode512(code + i, x + i, length - i, table, Vector512.Create(max));
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

    // 64 codes at a time: each byte of the 64 values looked up in its own 256-byte plane of the codes' bits (two
    // 128-entry byte permutes, chosen by the code's top bit), the four byte planes interleaved into floats. The
    // interleave (bytes to words to doublewords, within each 128-bit lane) leaves the values in a 4 × 4 transposed order
    // of 4-value groups, so the codes are first permuted into that order. Each value is then the code's float times the
    // absmax, as in every other path.
    private static int Decode512Planes(byte* code, float* x, int length, byte* planes, Vector512<float> scale)
    {
        Vector512<byte> p0a = Vector512.Load(planes), p0b = Vector512.Load(planes + 64), p0c = Vector512.Load(planes + 128), p0d = Vector512.Load(planes + 192);
        Vector512<byte> p1a = Vector512.Load(planes + 256), p1b = Vector512.Load(planes + 320), p1c = Vector512.Load(planes + 384), p1d = Vector512.Load(planes + 448);
        Vector512<byte> p2a = Vector512.Load(planes + 512), p2b = Vector512.Load(planes + 576), p2c = Vector512.Load(planes + 640), p2d = Vector512.Load(planes + 704);
        Vector512<byte> p3a = Vector512.Load(planes + 768), p3b = Vector512.Load(planes + 832), p3c = Vector512.Load(planes + 896), p3d = Vector512.Load(planes + 960);
        Vector512<byte> order = TransposedGroups;
        int i = 0;
        for (; i + 64 <= length; i += 64)
        {
            Vector512<byte> codes = Avx512Vbmi.PermuteVar64x8(Vector512.Load(code + i), order);
            Vector512<byte> upper = Vector512.LessThan(codes.AsSByte(), Vector512<sbyte>.Zero).AsByte();
            Vector512<byte> b0 = Vector512.ConditionalSelect(upper, Avx512Vbmi.PermuteVar64x8x2(p0c, codes, p0d), Avx512Vbmi.PermuteVar64x8x2(p0a, codes, p0b));
            Vector512<byte> b1 = Vector512.ConditionalSelect(upper, Avx512Vbmi.PermuteVar64x8x2(p1c, codes, p1d), Avx512Vbmi.PermuteVar64x8x2(p1a, codes, p1b));
            Vector512<byte> b2 = Vector512.ConditionalSelect(upper, Avx512Vbmi.PermuteVar64x8x2(p2c, codes, p2d), Avx512Vbmi.PermuteVar64x8x2(p2a, codes, p2b));
            Vector512<byte> b3 = Vector512.ConditionalSelect(upper, Avx512Vbmi.PermuteVar64x8x2(p3c, codes, p3d), Avx512Vbmi.PermuteVar64x8x2(p3a, codes, p3b));
            Vector512<ushort> low01 = Avx512BW.UnpackLow(b0, b1).AsUInt16(), high01 = Avx512BW.UnpackHigh(b0, b1).AsUInt16();
            Vector512<ushort> low23 = Avx512BW.UnpackLow(b2, b3).AsUInt16(), high23 = Avx512BW.UnpackHigh(b2, b3).AsUInt16();
            (Avx512BW.UnpackLow(low01, low23).AsSingle() * scale).Store(x + i);
            (Avx512BW.UnpackHigh(low01, low23).AsSingle() * scale).Store(x + i + 16);
            (Avx512BW.UnpackLow(high01, high23).AsSingle() * scale).Store(x + i + 32);
            (Avx512BW.UnpackHigh(high01, high23).AsSingle() * scale).Store(x + i + 48);
        }

        return i;
    }

    // Byte 16L + 4r + q of the permuted codes is code 16r + 4L + q: after the interleave, output register r's lane L
    // holds values 16r + 4L .. 16r + 4L + 3, so register r is values 16r .. 16r + 15 in order.
    private static Vector512<byte> TransposedGroups => Vector512.Create(TransposedGroupBytes);

    private static ReadOnlySpan<byte> TransposedGroupBytes =>
    [
        0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51,
        4, 5, 6, 7, 20, 21, 22, 23, 36, 37, 38, 39, 52, 53, 54, 55,
        8, 9, 10, 11, 24, 25, 26, 27, 40, 41, 42, 43, 56, 57, 58, 59,
        12, 13, 14, 15, 28, 29, 30, 31, 44, 45, 46, 47, 60, 61, 62, 63,
    ];

    // The nearest code of 16 values at a time by a branch-free binary search over the thresholds, its tables in
    // nineteen registers (DynamicQuantizationMap.BuildSearchTable): level 0 compares with one threshold, levels 1-4 pick
    // theirs with one 16-entry permute, level 5 with one 32-entry permute, levels 6 and 7 with two and four chosen by the
    // decisions of levels 5 and 6. The decisions gather in reverse (level L's in bit L, the tables' index, set under the
    // comparison's mask) and one bit reversal per 16 codes (two byte shuffles) turns them into the code: the number of thresholds below
    // the value, as the scalar search's, bit for bit.
    private static int EncodeNearest512(float* x, byte* code, int length, Vector512<float> scale, float* search)
    {
        Vector512<float> t0 = Vector512.Create(search[0]);
        Vector512<float> t1 = Vector512.Load(search + 16), t2 = Vector512.Load(search + 32), t3 = Vector512.Load(search + 48), t4 = Vector512.Load(search + 64);
        Vector512<float> t5a = Vector512.Load(search + 80), t5b = Vector512.Load(search + 96);
        Vector512<float> t6a = Vector512.Load(search + 112), t6b = Vector512.Load(search + 128), t6c = Vector512.Load(search + 144), t6d = Vector512.Load(search + 160);
        Vector512<float> t7a = Vector512.Load(search + 176), t7b = Vector512.Load(search + 192), t7c = Vector512.Load(search + 208), t7d = Vector512.Load(search + 224);
        Vector512<float> t7e = Vector512.Load(search + 240), t7f = Vector512.Load(search + 256), t7g = Vector512.Load(search + 272), t7h = Vector512.Load(search + 288);
        int i = 0;
        for (; i + 16 <= length; i += 16)
        {
            Vector512<float> s = Vector512.Load(x + i) / scale;
            Vector512<int> decisions = Vector512.GreaterThan(s, t0).AsInt32() & Vector512<int>.One;
            decisions = Decide(Vector512.GreaterThan(s, Avx512F.PermuteVar16x32(t1, decisions)), decisions, 2);
            decisions = Decide(Vector512.GreaterThan(s, Avx512F.PermuteVar16x32(t2, decisions)), decisions, 4);
            decisions = Decide(Vector512.GreaterThan(s, Avx512F.PermuteVar16x32(t3, decisions)), decisions, 8);
            decisions = Decide(Vector512.GreaterThan(s, Avx512F.PermuteVar16x32(t4, decisions)), decisions, 16);
            Vector512<float> level5 = Vector512.GreaterThan(s, Avx512F.PermuteVar16x32x2(t5a, decisions, t5b));
            decisions = Decide(level5, decisions, 32);
            Vector512<float> level6 = Vector512.GreaterThan(
                s,
                Vector512.ConditionalSelect(level5, Avx512F.PermuteVar16x32x2(t6c, decisions, t6d), Avx512F.PermuteVar16x32x2(t6a, decisions, t6b)));
            Vector512<float> threshold7 = Vector512.ConditionalSelect(
                level6,
                Vector512.ConditionalSelect(level5, Avx512F.PermuteVar16x32x2(t7g, decisions, t7h), Avx512F.PermuteVar16x32x2(t7e, decisions, t7f)),
                Vector512.ConditionalSelect(level5, Avx512F.PermuteVar16x32x2(t7c, decisions, t7d), Avx512F.PermuteVar16x32x2(t7a, decisions, t7b)));
            decisions = Decide(level6, decisions, 64);
            decisions = Decide(Vector512.GreaterThan(s, threshold7), decisions, 128);
            Reverse(Avx512F.ConvertToVector128Byte(decisions)).Store(code + i);
        }

        return i;
    }

    // The decisions with bit set where the comparison was taken (one OR under the comparison's mask).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Decide(Vector512<float> taken, Vector512<int> decisions, int bit)
        => Vector512.ConditionalSelect(taken.AsInt32(), decisions | Vector512.Create(bit), decisions);

    // Each byte's bits in reverse order: its low nibble reversed into the high one and its high nibble reversed into
    // the low one, each by a 16-entry byte shuffle.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reverse(Vector128<byte> bytes)
    {
        Vector128<byte> low = bytes & Vector128.Create((byte)0x0F);
        Vector128<byte> high = Vector128.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F);
        Vector128<byte> reversedLow = Vector128.Create((byte)0x00, 0x80, 0x40, 0xC0, 0x20, 0xA0, 0x60, 0xE0, 0x10, 0x90, 0x50, 0xD0, 0x30, 0xB0, 0x70, 0xF0);
        Vector128<byte> reversedHigh = Vector128.Create((byte)0x0, 0x8, 0x4, 0xC, 0x2, 0xA, 0x6, 0xE, 0x1, 0x9, 0x5, 0xD, 0x3, 0xB, 0x7, 0xF);
        return Ssse3.Shuffle(reversedLow, low) | Ssse3.Shuffle(reversedHigh, high);
    }

    // The stochastically rounded code of 16 values at a time: the same binary search over the codes 1..255 (x ≥ code
    // taken) finds the floor code, and the last code each lane passed (the floor's value) and the last it did not (the
    // next code's) come out of the search too; then the scalar rounding, operation for operation.
    private static int EncodeStochastic512(float* x, byte* code, int length, Vector512<float> scale, float* search, float lowest, uint key, uint firstIndex)
    {
        Vector512<float> t0 = Vector512.Create(search[0]);
        Vector512<float> t1 = Vector512.Load(search + 16), t2 = Vector512.Load(search + 32), t3 = Vector512.Load(search + 48), t4 = Vector512.Load(search + 64);
        Vector512<float> t5a = Vector512.Load(search + 80), t5b = Vector512.Load(search + 96);
        Vector512<float> t6a = Vector512.Load(search + 112), t6b = Vector512.Load(search + 128), t6c = Vector512.Load(search + 144), t6d = Vector512.Load(search + 160);
        Vector512<float> t7a = Vector512.Load(search + 176), t7b = Vector512.Load(search + 192), t7c = Vector512.Load(search + 208), t7d = Vector512.Load(search + 224);
        Vector512<float> t7e = Vector512.Load(search + 240), t7f = Vector512.Load(search + 256), t7g = Vector512.Load(search + 272), t7h = Vector512.Load(search + 288);
        Vector512<uint> keys = Vector512.Create(key);
        Vector512<uint> index = Vector512.Create(firstIndex) + BFloat16Lanes.Lanes512;
        int i = 0;
        for (; i + 16 <= length; i += 16, index += Vector512.Create(16u))
        {
            Vector512<float> s = Vector512.Load(x + i) / scale;

            // low: the last key passed (the floor code's value; code 0's when none); high: the last key not passed (the
            // next code's value; +∞ when every key was passed).
            Vector512<float> taken = Vector512.GreaterThanOrEqual(s, t0);
            Vector512<float> low = Vector512.ConditionalSelect(taken, t0, Vector512.Create(lowest));
            Vector512<float> high = Vector512.ConditionalSelect(taken, Vector512.Create(float.PositiveInfinity), t0);
            Vector512<int> decisions = taken.AsInt32() & Vector512<int>.One;

            Vector512<float> key1 = Avx512F.PermuteVar16x32(t1, decisions);
            taken = Vector512.GreaterThanOrEqual(s, key1);
            (low, high) = (Vector512.ConditionalSelect(taken, key1, low), Vector512.ConditionalSelect(taken, high, key1));
            decisions = Decide(taken, decisions, 2);

            Vector512<float> key2 = Avx512F.PermuteVar16x32(t2, decisions);
            taken = Vector512.GreaterThanOrEqual(s, key2);
            (low, high) = (Vector512.ConditionalSelect(taken, key2, low), Vector512.ConditionalSelect(taken, high, key2));
            decisions = Decide(taken, decisions, 4);

            Vector512<float> key3 = Avx512F.PermuteVar16x32(t3, decisions);
            taken = Vector512.GreaterThanOrEqual(s, key3);
            (low, high) = (Vector512.ConditionalSelect(taken, key3, low), Vector512.ConditionalSelect(taken, high, key3));
            decisions = Decide(taken, decisions, 8);

            Vector512<float> key4 = Avx512F.PermuteVar16x32(t4, decisions);
            taken = Vector512.GreaterThanOrEqual(s, key4);
            (low, high) = (Vector512.ConditionalSelect(taken, key4, low), Vector512.ConditionalSelect(taken, high, key4));
            decisions = Decide(taken, decisions, 16);

            Vector512<float> key5 = Avx512F.PermuteVar16x32x2(t5a, decisions, t5b);
            Vector512<float> level5 = Vector512.GreaterThanOrEqual(s, key5);
            (low, high) = (Vector512.ConditionalSelect(level5, key5, low), Vector512.ConditionalSelect(level5, high, key5));
            decisions = Decide(level5, decisions, 32);

            Vector512<float> key6 = Vector512.ConditionalSelect(level5, Avx512F.PermuteVar16x32x2(t6c, decisions, t6d), Avx512F.PermuteVar16x32x2(t6a, decisions, t6b));
            Vector512<float> level6 = Vector512.GreaterThanOrEqual(s, key6);
            (low, high) = (Vector512.ConditionalSelect(level6, key6, low), Vector512.ConditionalSelect(level6, high, key6));

            Vector512<float> key7 = Vector512.ConditionalSelect(
                level6,
                Vector512.ConditionalSelect(level5, Avx512F.PermuteVar16x32x2(t7g, decisions, t7h), Avx512F.PermuteVar16x32x2(t7e, decisions, t7f)),
                Vector512.ConditionalSelect(level5, Avx512F.PermuteVar16x32x2(t7c, decisions, t7d), Avx512F.PermuteVar16x32x2(t7a, decisions, t7b)));
            decisions = Decide(level6, decisions, 64);
            taken = Vector512.GreaterThanOrEqual(s, key7);
            (low, high) = (Vector512.ConditionalSelect(taken, key7, low), Vector512.ConditionalSelect(taken, high, key7));
            decisions = Decide(taken, decisions, 128);

            // u = (random >> 8) / 2^24, exact; up when s - low > u × (high - low). At the top code high is +∞ and the
            // comparison is false (u × ∞ is ∞, or NaN when u = 0), as the scalar's early return. Up adds one to the
            // floor code: its mask's byte (0xFF) subtracted.
            Vector512<uint> random = BFloat16Lanes.Mix(keys ^ index);
            Vector512<float> u = Vector512.ConvertToSingle(Vector512.ShiftRightLogical(random, 8).AsInt32()) * Vector512.Create(1f / (1 << 24));
            Vector512<float> up = Vector512.GreaterThan(s - low, u * (high - low));
            (Reverse(Avx512F.ConvertToVector128Byte(decisions)) - Avx512F.ConvertToVector128Byte(up.AsInt32())).Store(code + i);
        }

        return i;
    }

    // The stochastically rounded code of 8 values at a time with AVX2 gathers (machines without AVX-512): the nearest
    // code by the gathered search, the floor from it as the scalar FloorCode does, the two codes around the value
    // gathered, then the scalar rounding, operation for operation.
    private static int EncodeStochastic256(float* x, byte* code, int i, int length, Vector256<float> scale, DynamicQuantizationMap map, float* table, uint key, uint firstIndex)
    {
        int steps = map.MaxSteps;
        fixed (byte* start = map.StartTable)
        fixed (float* thresholds = map.Thresholds)
        {
            Vector256<uint> keys = Vector256.Create(key);
            for (; i + 8 <= length; i += 8)
            {
                Vector256<float> scaled = Vector256.Load(x + i) / scale;
                Vector256<int> nearest = EncodeScaled(scaled, start, thresholds, steps).AsInt32();
                Vector256<float> nearestValue = Avx2.GatherVector256(table, nearest, 4);
                Vector256<int> floor = nearest + (Vector256.LessThan(scaled, nearestValue).AsInt32() & ~Vector256.Equals(nearest, Vector256<int>.Zero));
                Vector256<int> top = Vector256.Equals(floor, Vector256.Create(255));
                Vector256<float> low = Avx2.GatherVector256(table, floor, 4);
                Vector256<float> high = Vector256.ConditionalSelect(
                    top.AsSingle(),
                    Vector256.Create(float.PositiveInfinity),
                    Avx2.GatherVector256(table, Vector256.Min(floor + Vector256<int>.One, Vector256.Create(255)), 4));
                Vector256<uint> random = BFloat16Lanes.Mix(keys ^ (Vector256.Create(firstIndex + (uint)i) + BFloat16Lanes.Lanes256));
                Vector256<float> u = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(random, 8).AsInt32()) * Vector256.Create(1f / (1 << 24));
                Vector256<int> found = floor - Vector256.GreaterThan(scaled - low, u * (high - low)).AsInt32();
                for (int lane = 0; lane < 8; lane++)
                {
                    code[i + lane] = (byte)found[lane];
                }
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Encode(float* x, Vector256<float> scale, byte* start, float* thresholds, int steps)
        => EncodeScaled(Vector256.Load(x) / scale, start, thresholds, steps);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> EncodeScaled(Vector256<float> scaled, byte* start, float* thresholds, int steps)
    {
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
