namespace NumKit.Tests.Numerics;

public class BFloat16Tests
{
    // The IEEE 754 definition, written out independently of the bit trick NumKit uses: the two bfloat16
    // values either side of x (x's top 16 bits, and the next one away from zero), the nearer wins, a tie
    // goes to the one with an even last bit; beyond the largest finite value, rounding goes to ∞ when x is
    // at least halfway to the next power of two (2^128).
    private static ushort Reference(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        if (float.IsNaN(x))
        {
            return ushort.MaxValue; // any NaN: checked with IsNaN below
        }

        ushort down = (ushort)(bits >> 16);           // toward zero
        ushort up = (ushort)(down + 1);               // away from zero (0x7F7F + 1 is ∞, as it should be)
        double value = Math.Abs((double)x);
        double lower = Math.Abs((double)BitConverter.UInt32BitsToSingle((uint)down << 16));
        double upper = (down & 0x7FFF) == 0x7F7F
            ? Math.Pow(2, 128)                        // the "next" value past MaxValue, for the halfway test
            : Math.Abs((double)BitConverter.UInt32BitsToSingle((uint)up << 16));
        if ((bits & 0xFFFF) == 0)
        {
            return down;                              // exact (also ±0 and ±∞)
        }

        double below = value - lower;
        double above = upper - value;
        return below < above ? down : above < below ? up : (down & 1) == 0 ? down : up;
    }

    public static IEnumerable<object[]> SpecialValues()
    {
        yield return new object[] { 0.0f, (ushort)0x0000 };
        yield return new object[] { -0.0f, (ushort)0x8000 };
        yield return new object[] { float.PositiveInfinity, (ushort)0x7F80 };
        yield return new object[] { float.NegativeInfinity, (ushort)0xFF80 };
        yield return new object[] { 1.0f, (ushort)0x3F80 };
        yield return new object[] { -2.0f, (ushort)0xC000 };
        yield return new object[] { float.MaxValue, (ushort)0x7F80 };                                 // rounds up past MaxValue: ∞
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x7F7F7FFF), (ushort)0x7F7F };    // just below the halfway point: MaxValue
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x7F7F8000), (ushort)0x7F80 };    // the tie above MaxValue (odd) goes to even: ∞
        yield return new object[] { float.Epsilon, (ushort)0x0000 };                                  // the smallest float subnormal is far below bfloat16's
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x00010000), (ushort)0x0001 };    // bfloat16's smallest subnormal, exact
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x00008000), (ushort)0x0000 };    // half of it: a tie, to even (0)
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x00018000), (ushort)0x0002 };    // 1.5 of it: a tie, to even (2)
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x007FFFFF), (ushort)0x0080 };    // the largest float subnormal rounds up to the smallest normal
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x3F808000), (ushort)0x3F80 };    // 1 + 2^-8: a tie, to even
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x3F818000), (ushort)0x3F82 };    // 1 + 3·2^-8: a tie, to even (up)
        yield return new object[] { BitConverter.UInt32BitsToSingle(0x3F808001), (ushort)0x3F81 };    // just above the tie
        yield return new object[] { BitConverter.UInt32BitsToSingle(0xBF808001), (ushort)0xBF81 };    // the same, negative
    }

    [Theory]
    [MemberData(nameof(SpecialValues))]
    public void Every_special_value_rounds_as_IEEE_754_defines(float x, ushort expected)
    {
        Assert.Equal(expected, ((BFloat16)x).Bits);
        Assert.Equal(expected, Reference(x));
    }

    [Fact]
    public void NaN_stays_NaN_with_its_sign_even_when_only_low_payload_bits_are_set()
    {
        foreach (uint bits in new uint[] { 0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FBFFFFF, 0x7FFFFFFF, 0x7F80FFFF })
        {
            BFloat16 b = (BFloat16)BitConverter.UInt32BitsToSingle(bits);
            Assert.True(BFloat16.IsNaN(b), $"{bits:x8} -> {b.Bits:x4}");
            Assert.Equal(bits >> 31, (uint)b.Bits >> 15);
        }

        Assert.True(BFloat16.IsNaN(BFloat16.NaN));
        Assert.True(float.IsNaN((float)BFloat16.NaN));
    }

    [Fact]
    public void Every_bfloat16_and_the_floats_around_it_round_as_the_definition_says()
    {
        uint[] lows = { 0x0000, 0x0001, 0x3FFF, 0x7FFF, 0x8000, 0x8001, 0xBFFF, 0xFFFF };
        var random = new Random(10);
        for (uint top = 0; top <= 0xFFFF; top++)
        {
            if ((top & 0x7FFF) > 0x7F80)
            {
                continue; // NaN patterns: tested above
            }

            foreach (uint low in lows.Append((uint)random.Next(0x10000)))
            {
                float x = BitConverter.UInt32BitsToSingle((top << 16) | low);
                if (float.IsNaN(x))
                {
                    continue;
                }

                Assert.Equal(Reference(x), ((BFloat16)x).Bits);
            }

            // Widening is exact: the 16 bits are the float's top half.
            Assert.Equal(top << 16, BitConverter.SingleToUInt32Bits((float)BFloat16.FromBits((ushort)top)));
        }
    }

    [Fact]
    public void From_double_rounds_once_not_through_float()
    {
        // 1 + 2^-8 + 2^-40: float rounds it to the tie 1 + 2^-8 (which would then go to even, 1.0), but it is above
        // the tie, so the correctly rounded bfloat16 is 1 + 2^-7.
        double x = 1 + Math.Pow(2, -8) + Math.Pow(2, -40);
        Assert.Equal((ushort)0x3F81, ((BFloat16)x).Bits);
        Assert.Equal((ushort)0x3F80, ((BFloat16)(float)x).Bits);
        Assert.Equal((ushort)0x7F80, ((BFloat16)1e300).Bits);
        Assert.Equal((ushort)0x8000, ((BFloat16)(-1e-300)).Bits);
        Assert.True(BFloat16.IsNaN((BFloat16)double.NaN));
    }

    private static T Create<T>(double value)
        where T : System.Numerics.INumberBase<T>
        => T.CreateTruncating(value);

    [Fact]
    public void Constants_classification_and_arithmetic_follow_float()
    {
        Assert.Equal(3.3895314e38f, (float)BFloat16.MaxValue);
        Assert.Equal(-3.3895314e38f, (float)BFloat16.MinValue);
        Assert.Equal(9.1835e-41f, (float)BFloat16.Epsilon, 1e-44f);
        Assert.True(BFloat16.IsSubnormal(BFloat16.Epsilon));
        Assert.True(BFloat16.IsNormal(BFloat16.One));
        Assert.False(BFloat16.IsFinite(BFloat16.PositiveInfinity));
        Assert.True(BFloat16.IsNegative(BFloat16.NegativeZero));
        Assert.Equal(BFloat16.Zero, BFloat16.NegativeZero);
        Assert.False(BFloat16.NaN == BFloat16.NaN);
        Assert.True(BFloat16.NaN.Equals(BFloat16.NaN));
        Assert.Equal(BFloat16.MaxValue, BFloat16.BitDecrement(BFloat16.PositiveInfinity));
        Assert.Equal(BFloat16.Epsilon, BFloat16.BitIncrement(BFloat16.Zero));
        Assert.Equal(BFloat16.FromBits(0x8001), BFloat16.BitDecrement(BFloat16.Zero));
        Assert.Equal((BFloat16)3.0f, BFloat16.One + BFloat16.One + BFloat16.One);
        Assert.Equal((BFloat16)(1.0f / 3.0f), BFloat16.One / (BFloat16)3.0f);
        Assert.Equal((BFloat16)0.5f, Create<BFloat16>(0.5));
        Assert.Equal(2, int.CreateTruncating((BFloat16)2.75f));
        Assert.Equal("0.5", ((BFloat16)0.5f).ToString(null, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((BFloat16)0.1f, BFloat16.Parse("0.1", System.Globalization.CultureInfo.InvariantCulture));
    }
}
