using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit;

/// <summary>
/// A 16-bit brain floating-point number (bfloat16): the sign, the 8-bit exponent and the top 7 fraction
/// bits of a <see cref="float"/>, so it has float's range with about 2–3 significant decimal digits.
/// </summary>
/// <remarks>
/// <para>
/// Conversion from <see cref="float"/> (and from <see cref="double"/> and <see cref="Half"/>) rounds to
/// the nearest bfloat16, ties to even, as IEEE 754 defines for every binary format: overflow gives
/// ±∞, values below the smallest subnormal round to ±0, NaN stays NaN (quiet, with its sign and the top
/// of its payload). Conversion to float is exact: the 16 bits are the float's top half.
/// </para>
/// <para>
/// Arithmetic widens to float, computes there and rounds the result once to bfloat16. For +, −, ×, ÷ and
/// √ that is the correctly rounded bfloat16 result, since float carries more than twice bfloat16's
/// precision plus two bits. NumKit's kernels do not compute in bfloat16: they widen on load, compute in
/// float and narrow on store. No <c>BFloat16</c> type ships in .NET 10 or in System.Numerics.Tensors 10,
/// so NumKit has its own.
/// </para>
/// </remarks>
public readonly struct BFloat16 : IBinaryFloatingPointIeee754<BFloat16>, IMinMaxValue<BFloat16>
{
    private const ushort SignMask = 0x8000;
    private const ushort ExponentMask = 0x7F80;
    private const ushort FractionMask = 0x007F;
    private const int ExponentBias = 127;

    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>The bfloat16 whose 16 bits are <paramref name="bits"/>.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>This value's 16 bits: sign, 8 exponent bits, 7 fraction bits.</summary>
    public ushort Bits => _bits;

    /// <inheritdoc/>
    public static BFloat16 Epsilon => new(0x0001);

    /// <inheritdoc/>
    public static BFloat16 NaN => new(0xFFC0);

    /// <inheritdoc/>
    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <inheritdoc/>
    public static BFloat16 PositiveInfinity => new(0x7F80);

    /// <inheritdoc/>
    public static BFloat16 NegativeZero => new(0x8000);

    /// <inheritdoc/>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <inheritdoc/>
    public static BFloat16 MinValue => new(0xFF7F);

    /// <inheritdoc/>
    public static BFloat16 One => new(0x3F80);

    /// <inheritdoc/>
    public static BFloat16 Zero => new(0x0000);

    /// <inheritdoc/>
    public static BFloat16 NegativeOne => new(0xBF80);

    /// <inheritdoc/>
    public static int Radix => 2;

    /// <inheritdoc/>
    public static BFloat16 AdditiveIdentity => Zero;

    /// <inheritdoc/>
    public static BFloat16 MultiplicativeIdentity => One;

    /// <inheritdoc/>
    public static BFloat16 E => (BFloat16)MathF.E;

    /// <inheritdoc/>
    public static BFloat16 Pi => (BFloat16)MathF.PI;

    /// <inheritdoc/>
    public static BFloat16 Tau => (BFloat16)MathF.Tau;

    /// <summary>Rounds <paramref name="value"/> to the nearest bfloat16, ties to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value) => new(RoundToNearestEven(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Rounds <paramref name="value"/> to the nearest bfloat16, ties to even (rounded once, not through float's rounding).</summary>
    public static explicit operator BFloat16(double value)
    {
        // Round to float with round-to-odd, then to bfloat16 with round-to-nearest-even: since float has more
        // than bfloat16's precision plus two bits, this gives the correctly rounded result of a single rounding.
        float f = (float)value;
        if (double.IsNaN(value) || (double)f == value)
        {
            return (BFloat16)f;
        }

        uint bits = BitConverter.SingleToUInt32Bits(f);
        if (Math.Abs((double)f) > Math.Abs(value))
        {
            bits--; // toward zero: the magnitude is the low 31 bits
        }

        return new(RoundToNearestEven(bits | 1));
    }

    /// <summary>Rounds <paramref name="value"/> to the nearest bfloat16, ties to even.</summary>
    public static explicit operator BFloat16(Half value) => (BFloat16)(float)value;

    /// <summary>The value as a float, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value._bits << 16);

    /// <summary>The value as a double, exactly.</summary>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>The value rounded to the nearest Half, ties to even.</summary>
    public static explicit operator Half(BFloat16 value) => (Half)(float)value;

    /// <summary>The top 16 bits of a float's <paramref name="bits"/>, rounded to nearest, ties to even; NaN stays a quiet NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort RoundToNearestEven(uint bits)
    {
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            // NaN: keep the sign and the top of the payload, and set the quiet bit so it cannot become ∞.
            return (ushort)((bits >> 16) | 0x0040);
        }

        // Adding 0x7FFF rounds up when the dropped half is above one half; the kept lsb breaks the tie to even.
        // A carry out of the fraction moves the exponent on, which is right, up to ∞.
        uint lsb = (bits >> 16) & 1;
        return (ushort)((bits + 0x7FFF + lsb) >> 16);
    }

    /// <inheritdoc/>
    public static BFloat16 operator +(BFloat16 left, BFloat16 right) => (BFloat16)((float)left + (float)right);

    /// <inheritdoc/>
    public static BFloat16 operator -(BFloat16 left, BFloat16 right) => (BFloat16)((float)left - (float)right);

    /// <inheritdoc/>
    public static BFloat16 operator *(BFloat16 left, BFloat16 right) => (BFloat16)((float)left * (float)right);

    /// <inheritdoc/>
    public static BFloat16 operator /(BFloat16 left, BFloat16 right) => (BFloat16)((float)left / (float)right);

    /// <inheritdoc/>
    public static BFloat16 operator %(BFloat16 left, BFloat16 right) => (BFloat16)((float)left % (float)right);

    /// <inheritdoc/>
    public static BFloat16 operator -(BFloat16 value) => new((ushort)(value._bits ^ SignMask));

    /// <inheritdoc/>
    public static BFloat16 operator +(BFloat16 value) => value;

    /// <inheritdoc/>
    public static BFloat16 operator ++(BFloat16 value) => value + One;

    /// <inheritdoc/>
    public static BFloat16 operator --(BFloat16 value) => value - One;

    /// <inheritdoc/>
    public static BFloat16 operator &(BFloat16 left, BFloat16 right) => new((ushort)(left._bits & right._bits));

    /// <inheritdoc/>
    public static BFloat16 operator |(BFloat16 left, BFloat16 right) => new((ushort)(left._bits | right._bits));

    /// <inheritdoc/>
    public static BFloat16 operator ^(BFloat16 left, BFloat16 right) => new((ushort)(left._bits ^ right._bits));

    /// <inheritdoc/>
    public static BFloat16 operator ~(BFloat16 value) => new((ushort)~value._bits);

    /// <inheritdoc/>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    /// <inheritdoc/>
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;

    /// <inheritdoc/>
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;

    /// <inheritdoc/>
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;

    /// <inheritdoc/>
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;

    /// <inheritdoc/>
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;

    /// <inheritdoc/>
    public static bool IsFinite(BFloat16 value) => (value._bits & ExponentMask) != ExponentMask;

    /// <inheritdoc/>
    public static bool IsInfinity(BFloat16 value) => (value._bits & 0x7FFF) == ExponentMask;

    /// <inheritdoc/>
    public static bool IsNaN(BFloat16 value) => (value._bits & 0x7FFF) > ExponentMask;

    /// <inheritdoc/>
    public static bool IsNegative(BFloat16 value) => (value._bits & SignMask) != 0;

    /// <inheritdoc/>
    public static bool IsPositive(BFloat16 value) => (value._bits & SignMask) == 0;

    /// <inheritdoc/>
    public static bool IsNegativeInfinity(BFloat16 value) => value._bits == 0xFF80;

    /// <inheritdoc/>
    public static bool IsPositiveInfinity(BFloat16 value) => value._bits == 0x7F80;

    /// <inheritdoc/>
    public static bool IsNormal(BFloat16 value)
    {
        int exponent = value._bits & ExponentMask;
        return exponent != 0 && exponent != ExponentMask;
    }

    /// <inheritdoc/>
    public static bool IsSubnormal(BFloat16 value) => (value._bits & ExponentMask) == 0 && (value._bits & FractionMask) != 0;

    /// <inheritdoc/>
    public static bool IsZero(BFloat16 value) => (value._bits & 0x7FFF) == 0;

    /// <inheritdoc/>
    public static bool IsCanonical(BFloat16 value) => true;

    /// <inheritdoc/>
    public static bool IsComplexNumber(BFloat16 value) => false;

    /// <inheritdoc/>
    public static bool IsImaginaryNumber(BFloat16 value) => false;

    /// <inheritdoc/>
    public static bool IsRealNumber(BFloat16 value) => !IsNaN(value);

    /// <inheritdoc/>
    public static bool IsInteger(BFloat16 value) => float.IsInteger((float)value);

    /// <inheritdoc/>
    public static bool IsEvenInteger(BFloat16 value) => float.IsEvenInteger((float)value);

    /// <inheritdoc/>
    public static bool IsOddInteger(BFloat16 value) => float.IsOddInteger((float)value);

    /// <inheritdoc/>
    public static bool IsPow2(BFloat16 value) => float.IsPow2((float)value);

    /// <inheritdoc/>
    public static BFloat16 Abs(BFloat16 value) => new((ushort)(value._bits & 0x7FFF));

    /// <inheritdoc/>
    public static BFloat16 BitIncrement(BFloat16 x)
    {
        ushort bits = x._bits;
        if ((bits & ExponentMask) == ExponentMask)
        {
            // NaN returns NaN; -∞ returns MinValue; +∞ returns +∞.
            return bits == 0xFF80 ? MinValue : x;
        }

        if (bits == SignMask)
        {
            return Epsilon; // -0 increments to the smallest positive value
        }

        return new((ushort)(IsNegative(x) ? bits - 1 : bits + 1));
    }

    /// <inheritdoc/>
    public static BFloat16 BitDecrement(BFloat16 x)
    {
        ushort bits = x._bits;
        if ((bits & ExponentMask) == ExponentMask)
        {
            // NaN returns NaN; +∞ returns MaxValue; -∞ returns -∞.
            return bits == 0x7F80 ? MaxValue : x;
        }

        if (bits == 0)
        {
            return new(0x8001); // +0 decrements to the smallest negative value
        }

        return new((ushort)(IsNegative(x) ? bits + 1 : bits - 1));
    }

    /// <inheritdoc/>
    public static BFloat16 FusedMultiplyAdd(BFloat16 left, BFloat16 right, BFloat16 addend)
        => (BFloat16)double.FusedMultiplyAdd((float)left, (float)right, (float)addend); // the product is exact in double: one rounding

    /// <inheritdoc/>
    public static int ILogB(BFloat16 x) => float.ILogB((float)x);

    /// <inheritdoc/>
    public static BFloat16 ScaleB(BFloat16 x, int n) => (BFloat16)float.ScaleB((float)x, n);

    /// <inheritdoc/>
    public static BFloat16 Round(BFloat16 x, int digits) => (BFloat16)float.Round((float)x, digits);

    /// <inheritdoc/>
    public static BFloat16 Round(BFloat16 x, MidpointRounding mode) => (BFloat16)float.Round((float)x, mode);

    /// <inheritdoc/>
    public static BFloat16 Round(BFloat16 x, int digits, MidpointRounding mode) => (BFloat16)float.Round((float)x, digits, mode);

    /// <inheritdoc/>
    public static BFloat16 RootN(BFloat16 x, int n) => (BFloat16)float.RootN((float)x, n);

    /// <inheritdoc/>
    public static (BFloat16 Sin, BFloat16 Cos) SinCos(BFloat16 x)
    {
        (float sin, float cos) = float.SinCos((float)x);
        return ((BFloat16)sin, (BFloat16)cos);
    }

    /// <inheritdoc/>
    public static (BFloat16 SinPi, BFloat16 CosPi) SinCosPi(BFloat16 x)
    {
        (float sin, float cos) = float.SinCosPi((float)x);
        return ((BFloat16)sin, (BFloat16)cos);
    }

    /// <inheritdoc/>
    public static BFloat16 Clamp(BFloat16 value, BFloat16 min, BFloat16 max) => (BFloat16)float.Clamp((float)value, (float)min, (float)max);

    /// <inheritdoc/>
    public static int Sign(BFloat16 value) => float.Sign((float)value);

    /// <inheritdoc/>
    public static BFloat16 Lerp(BFloat16 value1, BFloat16 value2, BFloat16 amount) => (BFloat16)float.Lerp((float)value1, (float)value2, (float)amount);

    /// <inheritdoc/>
    public static BFloat16 Acos(BFloat16 x) => (BFloat16)float.Acos((float)x);

    /// <inheritdoc/>
    public static BFloat16 AcosPi(BFloat16 x) => (BFloat16)float.AcosPi((float)x);

    /// <inheritdoc/>
    public static BFloat16 Asin(BFloat16 x) => (BFloat16)float.Asin((float)x);

    /// <inheritdoc/>
    public static BFloat16 AsinPi(BFloat16 x) => (BFloat16)float.AsinPi((float)x);

    /// <inheritdoc/>
    public static BFloat16 Atan(BFloat16 x) => (BFloat16)float.Atan((float)x);

    /// <inheritdoc/>
    public static BFloat16 AtanPi(BFloat16 x) => (BFloat16)float.AtanPi((float)x);

    /// <inheritdoc/>
    public static BFloat16 Cos(BFloat16 x) => (BFloat16)float.Cos((float)x);

    /// <inheritdoc/>
    public static BFloat16 CosPi(BFloat16 x) => (BFloat16)float.CosPi((float)x);

    /// <inheritdoc/>
    public static BFloat16 Sin(BFloat16 x) => (BFloat16)float.Sin((float)x);

    /// <inheritdoc/>
    public static BFloat16 SinPi(BFloat16 x) => (BFloat16)float.SinPi((float)x);

    /// <inheritdoc/>
    public static BFloat16 Tan(BFloat16 x) => (BFloat16)float.Tan((float)x);

    /// <inheritdoc/>
    public static BFloat16 TanPi(BFloat16 x) => (BFloat16)float.TanPi((float)x);

    /// <inheritdoc/>
    public static BFloat16 Acosh(BFloat16 x) => (BFloat16)float.Acosh((float)x);

    /// <inheritdoc/>
    public static BFloat16 Asinh(BFloat16 x) => (BFloat16)float.Asinh((float)x);

    /// <inheritdoc/>
    public static BFloat16 Atanh(BFloat16 x) => (BFloat16)float.Atanh((float)x);

    /// <inheritdoc/>
    public static BFloat16 Cosh(BFloat16 x) => (BFloat16)float.Cosh((float)x);

    /// <inheritdoc/>
    public static BFloat16 Sinh(BFloat16 x) => (BFloat16)float.Sinh((float)x);

    /// <inheritdoc/>
    public static BFloat16 Tanh(BFloat16 x) => (BFloat16)float.Tanh((float)x);

    /// <inheritdoc/>
    public static BFloat16 Exp(BFloat16 x) => (BFloat16)float.Exp((float)x);

    /// <inheritdoc/>
    public static BFloat16 ExpM1(BFloat16 x) => (BFloat16)float.ExpM1((float)x);

    /// <inheritdoc/>
    public static BFloat16 Exp2(BFloat16 x) => (BFloat16)float.Exp2((float)x);

    /// <inheritdoc/>
    public static BFloat16 Exp2M1(BFloat16 x) => (BFloat16)float.Exp2M1((float)x);

    /// <inheritdoc/>
    public static BFloat16 Exp10(BFloat16 x) => (BFloat16)float.Exp10((float)x);

    /// <inheritdoc/>
    public static BFloat16 Exp10M1(BFloat16 x) => (BFloat16)float.Exp10M1((float)x);

    /// <inheritdoc/>
    public static BFloat16 Log(BFloat16 x) => (BFloat16)float.Log((float)x);

    /// <inheritdoc/>
    public static BFloat16 LogP1(BFloat16 x) => (BFloat16)float.LogP1((float)x);

    /// <inheritdoc/>
    public static BFloat16 Log2(BFloat16 x) => (BFloat16)float.Log2((float)x);

    /// <inheritdoc/>
    public static BFloat16 Log2P1(BFloat16 x) => (BFloat16)float.Log2P1((float)x);

    /// <inheritdoc/>
    public static BFloat16 Log10(BFloat16 x) => (BFloat16)float.Log10((float)x);

    /// <inheritdoc/>
    public static BFloat16 Log10P1(BFloat16 x) => (BFloat16)float.Log10P1((float)x);

    /// <inheritdoc/>
    public static BFloat16 Cbrt(BFloat16 x) => (BFloat16)float.Cbrt((float)x);

    /// <inheritdoc/>
    public static BFloat16 Sqrt(BFloat16 x) => (BFloat16)float.Sqrt((float)x);

    /// <inheritdoc/>
    public static BFloat16 Ceiling(BFloat16 x) => (BFloat16)float.Ceiling((float)x);

    /// <inheritdoc/>
    public static BFloat16 Floor(BFloat16 x) => (BFloat16)float.Floor((float)x);

    /// <inheritdoc/>
    public static BFloat16 Truncate(BFloat16 x) => (BFloat16)float.Truncate((float)x);

    /// <inheritdoc/>
    public static BFloat16 Round(BFloat16 x) => (BFloat16)float.Round((float)x);

    /// <inheritdoc/>
    public static BFloat16 ReciprocalEstimate(BFloat16 x) => (BFloat16)float.ReciprocalEstimate((float)x);

    /// <inheritdoc/>
    public static BFloat16 ReciprocalSqrtEstimate(BFloat16 x) => (BFloat16)float.ReciprocalSqrtEstimate((float)x);

    /// <inheritdoc/>
    public static BFloat16 Atan2(BFloat16 y, BFloat16 x) => (BFloat16)float.Atan2((float)y, (float)x);

    /// <inheritdoc/>
    public static BFloat16 Atan2Pi(BFloat16 y, BFloat16 x) => (BFloat16)float.Atan2Pi((float)y, (float)x);

    /// <inheritdoc/>
    public static BFloat16 Pow(BFloat16 x, BFloat16 y) => (BFloat16)float.Pow((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 Hypot(BFloat16 x, BFloat16 y) => (BFloat16)float.Hypot((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 Ieee754Remainder(BFloat16 left, BFloat16 right) => (BFloat16)float.Ieee754Remainder((float)left, (float)right);

    /// <inheritdoc/>
    public static BFloat16 Max(BFloat16 x, BFloat16 y) => (BFloat16)float.Max((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 MaxNumber(BFloat16 x, BFloat16 y) => (BFloat16)float.MaxNumber((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 Min(BFloat16 x, BFloat16 y) => (BFloat16)float.Min((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 MinNumber(BFloat16 x, BFloat16 y) => (BFloat16)float.MinNumber((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 MaxMagnitude(BFloat16 x, BFloat16 y) => (BFloat16)float.MaxMagnitude((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 MaxMagnitudeNumber(BFloat16 x, BFloat16 y) => (BFloat16)float.MaxMagnitudeNumber((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 MinMagnitude(BFloat16 x, BFloat16 y) => (BFloat16)float.MinMagnitude((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 MinMagnitudeNumber(BFloat16 x, BFloat16 y) => (BFloat16)float.MinMagnitudeNumber((float)x, (float)y);

    /// <inheritdoc/>
    public static BFloat16 CopySign(BFloat16 value, BFloat16 sign) => (BFloat16)float.CopySign((float)value, (float)sign);

    /// <inheritdoc/>
    public static BFloat16 Log(BFloat16 x, BFloat16 newBase) => (BFloat16)float.Log((float)x, (float)newBase);

    /// <inheritdoc/>
    public static BFloat16 DegreesToRadians(BFloat16 degrees) => (BFloat16)float.DegreesToRadians((float)degrees);

    /// <inheritdoc/>
    public static BFloat16 RadiansToDegrees(BFloat16 radians) => (BFloat16)float.RadiansToDegrees((float)radians);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        BFloat16 other => CompareTo(other),
        _ => throw new ArgumentException("The object is not a BFloat16.", nameof(obj)),
    };

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <summary>The value as float formats it (round-trips: every bfloat16 is a float).</summary>
    public override string ToString() => ((float)this).ToString(CultureInfo.CurrentCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => ((float)this).TryFormat(destination, out charsWritten, format, provider);

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => ((float)this).TryFormat(utf8Destination, out bytesWritten, format, provider);

    // Parsing goes through double, then rounds once to bfloat16.

    /// <inheritdoc/>
    public static BFloat16 Parse(string s, IFormatProvider? provider) => (BFloat16)double.Parse(s, provider);

    /// <inheritdoc/>
    public static BFloat16 Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => (BFloat16)double.Parse(s, provider);

    /// <inheritdoc/>
    public static BFloat16 Parse(string s, NumberStyles style, IFormatProvider? provider) => (BFloat16)double.Parse(s, style, provider);

    /// <inheritdoc/>
    public static BFloat16 Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider) => (BFloat16)double.Parse(s, style, provider);

    /// <inheritdoc/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out BFloat16 result)
        => Parsed(double.TryParse(s, provider, out double value), value, out result);

    /// <inheritdoc/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out BFloat16 result)
        => Parsed(double.TryParse(s, provider, out double value), value, out result);

    /// <inheritdoc/>
    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out BFloat16 result)
        => Parsed(double.TryParse(s, style, provider, out double value), value, out result);

    /// <inheritdoc/>
    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out BFloat16 result)
        => Parsed(double.TryParse(s, style, provider, out double value), value, out result);

    private static bool Parsed(bool ok, double value, out BFloat16 result)
    {
        result = ok ? (BFloat16)value : default;
        return ok;
    }

    /// <inheritdoc/>
    int IFloatingPoint<BFloat16>.GetExponentByteCount() => sizeof(sbyte);

    /// <inheritdoc/>
    int IFloatingPoint<BFloat16>.GetExponentShortestBitLength()
    {
        int exponent = Exponent;
        return exponent >= 0 ? (sizeof(sbyte) * 8) - sbyte.LeadingZeroCount((sbyte)exponent) : (sizeof(sbyte) * 8) + 1 - sbyte.LeadingZeroCount((sbyte)~exponent);
    }

    /// <inheritdoc/>
    int IFloatingPoint<BFloat16>.GetSignificandBitLength() => 8;

    /// <inheritdoc/>
    int IFloatingPoint<BFloat16>.GetSignificandByteCount() => sizeof(ushort);

    /// <inheritdoc/>
    bool IFloatingPoint<BFloat16>.TryWriteExponentBigEndian(Span<byte> destination, out int bytesWritten)
        => TryWriteByte(destination, (byte)(sbyte)Exponent, out bytesWritten);

    /// <inheritdoc/>
    bool IFloatingPoint<BFloat16>.TryWriteExponentLittleEndian(Span<byte> destination, out int bytesWritten)
        => TryWriteByte(destination, (byte)(sbyte)Exponent, out bytesWritten);

    /// <inheritdoc/>
    bool IFloatingPoint<BFloat16>.TryWriteSignificandBigEndian(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < 2)
        {
            bytesWritten = 0;
            return false;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(destination, Significand);
        bytesWritten = 2;
        return true;
    }

    /// <inheritdoc/>
    bool IFloatingPoint<BFloat16>.TryWriteSignificandLittleEndian(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < 2)
        {
            bytesWritten = 0;
            return false;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(destination, Significand);
        bytesWritten = 2;
        return true;
    }

    // The unbiased exponent, as IEEE 754 and Half define it (subnormals and zero report the minimum exponent, -126).
    private int Exponent
    {
        get
        {
            int biased = (_bits & ExponentMask) >> 7;
            return biased == 0 ? 1 - ExponentBias : biased - ExponentBias;
        }
    }

    // The significand with its implicit leading bit (absent for subnormals and zero).
    private ushort Significand
    {
        get
        {
            int fraction = _bits & FractionMask;
            return (ushort)((_bits & ExponentMask) == 0 ? fraction : fraction | 0x80);
        }
    }

    private static bool TryWriteByte(Span<byte> destination, byte value, out int bytesWritten)
    {
        if (destination.IsEmpty)
        {
            bytesWritten = 0;
            return false;
        }

        destination[0] = value;
        bytesWritten = 1;
        return true;
    }

    // Conversions to and from the other number types go through float, which knows them all.

    /// <inheritdoc/>
    static bool INumberBase<BFloat16>.TryConvertFromChecked<TOther>(TOther value, out BFloat16 result) => TryConvertFrom(value, out result);

    /// <inheritdoc/>
    static bool INumberBase<BFloat16>.TryConvertFromSaturating<TOther>(TOther value, out BFloat16 result) => TryConvertFrom(value, out result);

    /// <inheritdoc/>
    static bool INumberBase<BFloat16>.TryConvertFromTruncating<TOther>(TOther value, out BFloat16 result) => TryConvertFrom(value, out result);

    /// <inheritdoc/>
    static bool INumberBase<BFloat16>.TryConvertToChecked<TOther>(BFloat16 value, [MaybeNullWhen(false)] out TOther result)
    {
        if (IsKnown<TOther>())
        {
            result = TOther.CreateChecked((float)value);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc/>
    static bool INumberBase<BFloat16>.TryConvertToSaturating<TOther>(BFloat16 value, [MaybeNullWhen(false)] out TOther result)
    {
        if (IsKnown<TOther>())
        {
            result = TOther.CreateSaturating((float)value);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc/>
    static bool INumberBase<BFloat16>.TryConvertToTruncating<TOther>(BFloat16 value, [MaybeNullWhen(false)] out TOther result)
    {
        if (IsKnown<TOther>())
        {
            result = TOther.CreateTruncating((float)value);
            return true;
        }

        result = default;
        return false;
    }

    private static bool TryConvertFrom<TOther>(TOther value, out BFloat16 result)
        where TOther : INumberBase<TOther>
    {
        if (typeof(TOther) == typeof(double))
        {
            result = (BFloat16)(double)(object)value; // one rounding, not two
            return true;
        }

        if (IsKnown<TOther>())
        {
            result = (BFloat16)double.CreateTruncating(value);
            return true;
        }

        result = default;
        return false;
    }

    // The runtime's primitive number types, which float and double convert to and from themselves.
    private static bool IsKnown<TOther>()
        => typeof(TOther) == typeof(float) || typeof(TOther) == typeof(double) || typeof(TOther) == typeof(Half)
        || typeof(TOther) == typeof(decimal) || typeof(TOther) == typeof(byte) || typeof(TOther) == typeof(sbyte)
        || typeof(TOther) == typeof(short) || typeof(TOther) == typeof(ushort) || typeof(TOther) == typeof(int)
        || typeof(TOther) == typeof(uint) || typeof(TOther) == typeof(long) || typeof(TOther) == typeof(ulong)
        || typeof(TOther) == typeof(nint) || typeof(TOther) == typeof(nuint) || typeof(TOther) == typeof(char)
        || typeof(TOther) == typeof(Int128) || typeof(TOther) == typeof(UInt128);
}
