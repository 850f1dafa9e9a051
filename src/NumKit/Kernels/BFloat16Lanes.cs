using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NumKit.Numerics;

namespace NumKit.Kernels;

/// <summary>
/// bfloat16 conversions of one block of floats at any width (<c>Vector512</c>, <c>Vector256</c>, <c>Vector128</c> or
/// one float), for the loops that convert whole spans (<see cref="StorageConversion"/>) and for the generated loops
/// that widen and narrow inside their own iteration (the bfloat16 <see cref="IElementStorage"/> types). One
/// definition per width of each rounding, so every path rounds each element the same way.
/// </summary>
internal static unsafe class BFloat16Lanes
{
    /// <summary>Loads the V.Count bfloat16 values at <paramref name="source"/> as floats (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Widen<TVector>(ushort* source)
        where TVector : struct
    {
        // Each bfloat16 goes to the high half of its float's lane and zeros to the low half, in one shuffle after the
        // load where there is one: a word permute (vpermw) at 512 bits, whose even lanes pick a word of the zeroed upper
        // half of the 256-bit load; a byte shuffle (vpshufb, 0x80 writes a zero byte) at 256 bits, of the 128 bits
        // broadcast to both halves (vbroadcasti128 is a load, no shuffle), and at 128 bits of a 64-bit load.
        // Was a zero-extending load (vpmovzxwd) and a shift: one operation more per block, ~3% of an all-bfloat16 Adam step.
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            if (Avx512BW.IsSupported)
            {
                Vector512<ushort> spread = Vector512.Create((ushort)16, 0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16, 8, 16, 9, 16, 10, 16, 11, 16, 12, 16, 13, 16, 14, 16, 15);
                return Reinterpret<Vector512<ushort>, TVector>(Avx512BW.PermuteVar32x16(Vector256.Load(source).ToVector512(), spread));
            }

            Vector512<uint> bits = Avx512F.IsSupported ? Avx512F.ConvertToVector512UInt32(Vector256.Load(source)) : Vector512.WidenLower(Vector256.Load(source).ToVector512Unsafe());
            return Reinterpret<Vector512<uint>, TVector>(Vector512.ShiftLeft(bits, 16));
        }

        if (typeof(TVector) == typeof(Vector256<float>))
        {
            if (Avx2.IsSupported)
            {
                Vector256<byte> spread = Vector256.Create((byte)0x80, 0x80, 0, 1, 0x80, 0x80, 2, 3, 0x80, 0x80, 4, 5, 0x80, 0x80, 6, 7, 0x80, 0x80, 8, 9, 0x80, 0x80, 10, 11, 0x80, 0x80, 12, 13, 0x80, 0x80, 14, 15);
                return Reinterpret<Vector256<byte>, TVector>(Avx2.Shuffle(Avx2.BroadcastVector128ToVector256((byte*)source), spread));
            }

            Vector256<uint> bits = Vector256.WidenLower(Vector128.Load(source).ToVector256Unsafe());
            return Reinterpret<Vector256<uint>, TVector>(Vector256.ShiftLeft(bits, 16));
        }

        if (typeof(TVector) == typeof(Vector128<float>))
        {
            Vector128<ushort> four = Vector128.CreateScalarUnsafe(*(ulong*)source).AsUInt16();
            if (Ssse3.IsSupported)
            {
                Vector128<byte> spread = Vector128.Create((byte)0x80, 0x80, 0, 1, 0x80, 0x80, 2, 3, 0x80, 0x80, 4, 5, 0x80, 0x80, 6, 7);
                return Reinterpret<Vector128<byte>, TVector>(Ssse3.Shuffle(four.AsByte(), spread));
            }

            return Reinterpret<Vector128<uint>, TVector>(Vector128.ShiftLeft(Vector128.WidenLower(four), 16));
        }

        if (typeof(TVector) == typeof(float))
        {
            return Reinterpret<uint, TVector>((uint)*source << 16);
        }

        throw new NotSupportedException($"No bfloat16 widening to {typeof(TVector).Name}.");
    }

    /// <summary>
    /// Stores each float of <paramref name="value"/> at <paramref name="destination"/> rounded to the nearest bfloat16,
    /// ties to even, and returns the stored values as floats (exact; what a load of them would give, without the load).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector NarrowToNearestEven<TVector>(TVector value, ushort* destination)
        where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<uint> rounded = Round(Reinterpret<TVector, Vector512<uint>>(value));
            StoreHighHalves(rounded, destination);
            return Reinterpret<Vector512<uint>, TVector>(rounded & Vector512.Create(0xFFFF_0000u));
        }

        if (typeof(TVector) == typeof(Vector256<float>))
        {
            Vector256<uint> rounded = Round(Reinterpret<TVector, Vector256<uint>>(value));
            StoreHighHalves(rounded, destination);
            return Reinterpret<Vector256<uint>, TVector>(rounded & Vector256.Create(0xFFFF_0000u));
        }

        if (typeof(TVector) == typeof(Vector128<float>))
        {
            Vector128<uint> rounded = Round(Reinterpret<TVector, Vector128<uint>>(value));
            StoreHighHalves(rounded, destination);
            return Reinterpret<Vector128<uint>, TVector>(rounded & Vector128.Create(0xFFFF_0000u));
        }

        if (typeof(TVector) == typeof(float))
        {
            ushort rounded = BFloat16.RoundToNearestEven(Reinterpret<TVector, uint>(value));
            *destination = rounded;
            return Reinterpret<uint, TVector>((uint)rounded << 16);
        }

        throw new NotSupportedException($"No bfloat16 narrowing from {typeof(TVector).Name}.");
    }

    /// <summary>
    /// Stores each float of <paramref name="value"/> at <paramref name="destination"/> rounded stochastically: lane i
    /// draws the bits of element <paramref name="firstIndex"/> + i under <paramref name="key"/> (see <see cref="CounterRandom"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowStochastic<TVector>(TVector value, ushort* destination, uint key, uint firstIndex)
        where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<uint> random = Mix(Vector512.Create(key) ^ (Vector512.Create(firstIndex) + Lanes512));
            StoreHighHalves(RoundStochastic(Reinterpret<TVector, Vector512<uint>>(value), random), destination);
        }
        else if (typeof(TVector) == typeof(Vector256<float>))
        {
            Vector256<uint> random = Mix(Vector256.Create(key) ^ (Vector256.Create(firstIndex) + Lanes256));
            StoreHighHalves(RoundStochastic(Reinterpret<TVector, Vector256<uint>>(value), random), destination);
        }
        else if (typeof(TVector) == typeof(Vector128<float>))
        {
            Vector128<uint> random = Mix(Vector128.Create(key) ^ (Vector128.Create(firstIndex) + Lanes128));
            StoreHighHalves(RoundStochastic(Reinterpret<TVector, Vector128<uint>>(value), random), destination);
        }
        else if (typeof(TVector) == typeof(float))
        {
            *destination = StorageConversion.RoundStochastic(Reinterpret<TVector, uint>(value), CounterRandom.Bits(key, (int)firstIndex));
        }
        else
        {
            throw new NotSupportedException($"No bfloat16 narrowing from {typeof(TVector).Name}.");
        }
    }

    // 0, 1, 2, ... in each lane (Vector512<T>.Indices is .NET 9 and later).
    public static Vector512<uint> Lanes512 => Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    public static Vector256<uint> Lanes256 => Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);

    public static Vector128<uint> Lanes128 => Vector128.Create(0u, 1, 2, 3);

    /// <summary>CounterRandom.Mix (lowbias32) in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Mix(Vector512<uint> x)
    {
        x ^= Vector512.ShiftRightLogical(x, 16);
        x *= Vector512.Create(0x7FEB352Du);
        x ^= Vector512.ShiftRightLogical(x, 15);
        x *= Vector512.Create(0x846CA68Bu);
        return x ^ Vector512.ShiftRightLogical(x, 16);
    }

    /// <inheritdoc cref="Mix(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7FEB352Du);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846CA68Bu);
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    /// <inheritdoc cref="Mix(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Mix(Vector128<uint> x)
    {
        x ^= Vector128.ShiftRightLogical(x, 16);
        x *= Vector128.Create(0x7FEB352Du);
        x ^= Vector128.ShiftRightLogical(x, 15);
        x *= Vector128.Create(0x846CA68Bu);
        return x ^ Vector128.ShiftRightLogical(x, 16);
    }

    // The roundings leave each bfloat16 in the high half of its lane (the low half is what rounding dropped, plus
    // carries): no shift back down, since the stores below pick the high halves out directly. A NaN keeps its sign
    // and the top of its payload, with the quiet bit (0x0040 in bfloat16, 0x0040_0000 here) set so it cannot become ∞:
    // the rounding is done in every lane and QuietNaNs puts the NaN lanes back.

    /// <summary>StorageConversion.RoundStochastic in every lane: the random bits' low half added below the kept bits (the bfloat16 is the high half); NaN quieted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> RoundStochastic(Vector512<uint> bits, Vector512<uint> random)
        => QuietNaNs(bits + (random & Vector512.Create(0xFFFFu)), bits);

    /// <inheritdoc cref="RoundStochastic(Vector512{uint}, Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> RoundStochastic(Vector256<uint> bits, Vector256<uint> random)
        => QuietNaNs(bits + (random & Vector256.Create(0xFFFFu)), bits);

    /// <inheritdoc cref="RoundStochastic(Vector512{uint}, Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> RoundStochastic(Vector128<uint> bits, Vector128<uint> random)
        => QuietNaNs(bits + (random & Vector128.Create(0xFFFFu)), bits);

    // Round to nearest even is bits + 0x7FFF + lsb (lsb: the lowest kept bit, bit 16), high half kept. The carry into
    // the high half is lo + 0x7FFF + lsb >= 0x10000, i.e. lo + lsb > 0x8000, i.e. (lo | lsb) > 0x8000 (lsb only
    // decides the tie lo = 0x8000), so (bits | lsb) + 0x7FFF has the same high half (checked for all 2^32 bit
    // patterns): the OR and the AND that isolates lsb are one vpternlogd, one add fewer per 16 floats.

    /// <summary>Round to nearest even on the bits of floats (BFloat16.RoundToNearestEven in every lane), the bfloat16 in the high half of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Round(Vector512<uint> bits)
    {
        Vector512<uint> lsb = Vector512.ShiftRightLogical(bits, 16) & Vector512<uint>.One;
        return QuietNaNs((bits | lsb) + Vector512.Create(0x7FFFu), bits);
    }

    /// <inheritdoc cref="Round(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Round(Vector256<uint> bits)
    {
        Vector256<uint> lsb = Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One;
        return QuietNaNs((bits | lsb) + Vector256.Create(0x7FFFu), bits);
    }

    /// <inheritdoc cref="Round(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Round(Vector128<uint> bits)
    {
        Vector128<uint> lsb = Vector128.ShiftRightLogical(bits, 16) & Vector128<uint>.One;
        return QuietNaNs((bits | lsb) + Vector128.Create(0x7FFFu), bits);
    }

    // rounded where bits is not a NaN, bits | 0x0040_0000 (the NaN quieted) where it is. With AVX-512 that is one
    // vfixupimmps: it classifies each float of bits and, by the table (one nibble per class), leaves rounded alone
    // (0) or writes QNaN(bits) (2: bits with the quiet bit set) for the quiet (class 0) and signalling (class 1) NaNs.
    // Its only other effects are exception flags, and control 0 raises none. Without AVX-512: a float comparison
    // (equal to itself where not NaN, the same lanes as (bits & 0x7FFFFFFF) > 0x7F800000 is false for) and a select.
    // (The compare into a mask register and the masked add that were here before cost 6-8% of an all-bfloat16 Adam step.)
    private const int QuietNaNClasses = 0x22;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> QuietNaNs(Vector512<uint> rounded, Vector512<uint> bits)
        => Avx512F.IsSupported
            ? Avx512F.Fixup(rounded.AsSingle(), bits.AsSingle(), Vector512.Create(QuietNaNClasses), 0).AsUInt32()
            : Vector512.ConditionalSelect(Vector512.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32(), rounded, bits | Vector512.Create(0x0040_0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> QuietNaNs(Vector256<uint> rounded, Vector256<uint> bits)
        => Avx512F.VL.IsSupported
            ? Avx512F.VL.Fixup(rounded.AsSingle(), bits.AsSingle(), Vector256.Create(QuietNaNClasses), 0).AsUInt32()
            : Vector256.ConditionalSelect(Vector256.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32(), rounded, bits | Vector256.Create(0x0040_0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> QuietNaNs(Vector128<uint> rounded, Vector128<uint> bits)
        => Avx512F.VL.IsSupported
            ? Avx512F.VL.Fixup(rounded.AsSingle(), bits.AsSingle(), Vector128.Create(QuietNaNClasses), 0).AsUInt32()
            : Vector128.ConditionalSelect(Vector128.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32(), rounded, bits | Vector128.Create(0x0040_0000u));

    // The high half of each of the 16 lanes, as 16 ushorts at destination: one word permute (vpermw) picks them into
    // the lower 256 bits, instead of a shift down and a narrowing of each half.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreHighHalves(Vector512<uint> rounded, ushort* destination)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<ushort> odd = Vector512.Create((ushort)1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
            Avx512BW.PermuteVar32x16(rounded.AsUInt16(), odd).GetLower().Store(destination);
        }
        else
        {
            Vector512<uint> high = Vector512.ShiftRightLogical(rounded, 16);
            Vector256.Narrow(high.GetLower(), high.GetUpper()).Store(destination);
        }
    }

    // The high halves of 8 lanes as 8 ushorts: a byte shuffle gathers each 128-bit lane's four into its low 64 bits
    // (vpshufb), a qword permute joins the two (vpermq) — two shuffles and no shift, where a shift, an extract and a
    // pack were three operations.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreHighHalves(Vector256<uint> rounded, ushort* destination)
    {
        if (Avx2.IsSupported)
        {
            Vector256<byte> gather = Vector256.Create((byte)2, 3, 6, 7, 10, 11, 14, 15, 2, 3, 6, 7, 10, 11, 14, 15, 2, 3, 6, 7, 10, 11, 14, 15, 2, 3, 6, 7, 10, 11, 14, 15);
            Vector256<ulong> gathered = Avx2.Shuffle(rounded.AsByte(), gather).AsUInt64();
            Avx2.Permute4x64(gathered, 0b_00_00_10_00).GetLower().AsUInt16().Store(destination);
        }
        else
        {
            Vector256<uint> high = Vector256.ShiftRightLogical(rounded, 16);
            Vector128.Narrow(high.GetLower(), high.GetUpper()).Store(destination);
        }
    }

    // The high halves of 4 lanes as 4 ushorts: one byte shuffle into the low 64 bits, one 64-bit store.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreHighHalves(Vector128<uint> rounded, ushort* destination)
    {
        Vector128<ushort> packed;
        if (Ssse3.IsSupported)
        {
            packed = Ssse3.Shuffle(rounded.AsByte(), Vector128.Create((byte)2, 3, 6, 7, 10, 11, 14, 15, 2, 3, 6, 7, 10, 11, 14, 15)).AsUInt16();
        }
        else
        {
            Vector128<uint> high = Vector128.ShiftRightLogical(rounded, 16);
            packed = Vector128.Narrow(high, high);
        }

        *(ulong*)destination = packed.AsUInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo Reinterpret<TFrom, TTo>(TFrom value)
        where TFrom : struct
        where TTo : struct
        => Unsafe.As<TFrom, TTo>(ref value);
}
