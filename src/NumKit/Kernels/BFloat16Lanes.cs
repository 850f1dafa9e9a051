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
        if (typeof(TVector) == typeof(Vector256<float>))
        {
            // One zero-extending load (vpmovzxwd) where the machine has it.
            Vector256<uint> bits = Avx2.IsSupported ? Avx2.ConvertToVector256Int32(source).AsUInt32() : Vector256.WidenLower(Vector128.Load(source).ToVector256Unsafe());
            return Reinterpret<Vector256<uint>, TVector>(Vector256.ShiftLeft(bits, 16));
        }

        if (typeof(TVector) == typeof(Vector128<float>))
        {
            Vector128<uint> bits = Sse41.IsSupported ? Sse41.ConvertToVector128Int32(source).AsUInt32() : Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)source).AsUInt16());
            return Reinterpret<Vector128<uint>, TVector>(Vector128.ShiftLeft(bits, 16));
        }

        if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<uint> bits = Vector512.WidenLower(Vector256.Load(source).ToVector512Unsafe());
            return Reinterpret<Vector512<uint>, TVector>(Vector512.ShiftLeft(bits, 16));
        }

        if (typeof(TVector) == typeof(float))
        {
            return Reinterpret<uint, TVector>((uint)*source << 16);
        }

        throw new NotSupportedException($"No bfloat16 widening to {typeof(TVector).Name}.");
    }

    /// <summary>Stores each float of <paramref name="value"/> at <paramref name="destination"/> rounded to the nearest bfloat16, ties to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowToNearestEven<TVector>(TVector value, ushort* destination)
        where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector256<float>))
        {
            Pack(Round(Reinterpret<TVector, Vector256<uint>>(value))).Store(destination);
        }
        else if (typeof(TVector) == typeof(Vector128<float>))
        {
            StoreLower(Round(Reinterpret<TVector, Vector128<uint>>(value)), destination);
        }
        else if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<uint> rounded = Round(Reinterpret<TVector, Vector512<uint>>(value));
            Vector256.Narrow(rounded.GetLower(), rounded.GetUpper()).Store(destination);
        }
        else if (typeof(TVector) == typeof(float))
        {
            *destination = BFloat16.RoundToNearestEven(Reinterpret<TVector, uint>(value));
        }
        else
        {
            throw new NotSupportedException($"No bfloat16 narrowing from {typeof(TVector).Name}.");
        }
    }

    /// <summary>
    /// Stores each float of <paramref name="value"/> at <paramref name="destination"/> rounded stochastically: lane i
    /// draws the bits of element <paramref name="firstIndex"/> + i under <paramref name="key"/> (see <see cref="CounterRandom"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NarrowStochastic<TVector>(TVector value, ushort* destination, uint key, uint firstIndex)
        where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector256<float>))
        {
            Vector256<uint> random = Mix(Vector256.Create(key) ^ (Vector256.Create(firstIndex) + Lanes256));
            Pack(RoundStochastic(Reinterpret<TVector, Vector256<uint>>(value), random)).Store(destination);
        }
        else if (typeof(TVector) == typeof(Vector128<float>))
        {
            Vector128<uint> random = Mix(Vector128.Create(key) ^ (Vector128.Create(firstIndex) + Lanes128));
            StoreLower(RoundStochastic(Reinterpret<TVector, Vector128<uint>>(value), random), destination);
        }
        else if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<uint> random = Mix(Vector512.Create(key) ^ (Vector512.Create(firstIndex) + Lanes512));
            Vector512<uint> rounded = RoundStochastic(Reinterpret<TVector, Vector512<uint>>(value), random);
            Vector256.Narrow(rounded.GetLower(), rounded.GetUpper()).Store(destination);
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

    /// <summary>StorageConversion.RoundStochastic in every lane: the random bits' low half added below the kept bits, then truncated; NaN quieted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> RoundStochastic(Vector512<uint> bits, Vector512<uint> random)
    {
        Vector512<uint> rounded = Vector512.ShiftRightLogical(bits + (random & Vector512.Create(0xFFFFu)), 16);
        return Vector512.ConditionalSelect(IsOrdered(bits), rounded, Vector512.ShiftRightLogical(bits, 16) | Vector512.Create(0x40u));
    }

    /// <inheritdoc cref="RoundStochastic(Vector512{uint}, Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> RoundStochastic(Vector256<uint> bits, Vector256<uint> random)
    {
        Vector256<uint> rounded = Vector256.ShiftRightLogical(bits + (random & Vector256.Create(0xFFFFu)), 16);
        return Vector256.ConditionalSelect(IsOrdered(bits), rounded, Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(0x40u));
    }

    /// <inheritdoc cref="RoundStochastic(Vector512{uint}, Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> RoundStochastic(Vector128<uint> bits, Vector128<uint> random)
    {
        Vector128<uint> rounded = Vector128.ShiftRightLogical(bits + (random & Vector128.Create(0xFFFFu)), 16);
        return Vector128.ConditionalSelect(IsOrdered(bits), rounded, Vector128.ShiftRightLogical(bits, 16) | Vector128.Create(0x40u));
    }

    /// <summary>Round to nearest even on the bits of floats, into the low 16 bits; a NaN keeps its sign and top payload, with the quiet bit set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Round(Vector512<uint> bits)
    {
        Vector512<uint> high = Vector512.ShiftRightLogical(bits, 16);
        Vector512<uint> rounded = Vector512.ShiftRightLogical(bits + Vector512.Create(0x7FFFu) + (high & Vector512<uint>.One), 16);
        return Vector512.ConditionalSelect(IsOrdered(bits), rounded, high | Vector512.Create(0x40u));
    }

    /// <inheritdoc cref="Round(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Round(Vector256<uint> bits)
    {
        Vector256<uint> high = Vector256.ShiftRightLogical(bits, 16);
        Vector256<uint> rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + (high & Vector256<uint>.One), 16);
        return Vector256.ConditionalSelect(IsOrdered(bits), rounded, high | Vector256.Create(0x40u));
    }

    /// <inheritdoc cref="Round(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Round(Vector128<uint> bits)
    {
        Vector128<uint> high = Vector128.ShiftRightLogical(bits, 16);
        Vector128<uint> rounded = Vector128.ShiftRightLogical(bits + Vector128.Create(0x7FFFu) + (high & Vector128<uint>.One), 16);
        return Vector128.ConditionalSelect(IsOrdered(bits), rounded, high | Vector128.Create(0x40u));
    }

    // All ones where the float is not NaN (one float comparison; the same lanes as (bits & 0x7FFFFFFF) > 0x7F800000 is false for).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> IsOrdered(Vector512<uint> bits) => Vector512.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> IsOrdered(Vector256<uint> bits) => Vector256.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> IsOrdered(Vector128<uint> bits) => Vector128.Equals(bits.AsSingle(), bits.AsSingle()).AsUInt32();

    // Eight rounded values (each below 0x10000) as eight ushorts: one saturating pack, which cannot saturate here,
    // instead of Narrow's masking of each half first.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Pack(Vector256<uint> rounded)
        => Sse41.IsSupported ? Sse41.PackUnsignedSaturate(rounded.GetLower().AsInt32(), rounded.GetUpper().AsInt32()) : Vector128.Narrow(rounded.GetLower(), rounded.GetUpper());

    // Four rounded values as four ushorts at destination.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLower(Vector128<uint> rounded, ushort* destination)
    {
        Vector128<ushort> packed = Sse41.IsSupported ? Sse41.PackUnsignedSaturate(rounded.AsInt32(), rounded.AsInt32()) : Vector128.Narrow(rounded, rounded);
        *(ulong*)destination = packed.AsUInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo Reinterpret<TFrom, TTo>(TFrom value)
        where TFrom : struct
        where TTo : struct
        => Unsafe.As<TFrom, TTo>(ref value);
}
