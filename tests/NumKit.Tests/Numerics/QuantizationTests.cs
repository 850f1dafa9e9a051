using System.Text.Json;
using NumKit.Numerics;

namespace NumKit.Tests.Numerics;

public class QuantizationTests
{
    private static float[] Golden(string name)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "dynamic_maps.json")));
        return json.RootElement.GetProperty(name).EnumerateArray()
            .Select(e => BitConverter.UInt32BitsToSingle(Convert.ToUInt32(e.GetString()![2..], 16))).ToArray();
    }

    public static TheoryData<bool> Signs => new() { true, false };

    private static DynamicQuantizationMap Map(bool signed) => signed ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;

    [Theory]
    [MemberData(nameof(Signs))]
    public void Every_code_is_bitsandbytes_value_bit_for_bit(bool signed)
    {
        float[] expected = Golden(signed ? "signed" : "unsigned");
        Assert.Equal(256, expected.Length);
        ReadOnlySpan<float> codes = Map(signed).Codes;
        for (int c = 0; c < 256; c++)
        {
            Assert.True(BitConverter.SingleToUInt32Bits(expected[c]) == BitConverter.SingleToUInt32Bits(codes[c]),
                $"code {c}: bitsandbytes {expected[c]:R}, NumKit {codes[c]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Signs))]
    public void Every_code_encodes_to_itself_and_every_value_to_its_nearest_code(bool signed)
    {
        DynamicQuantizationMap map = Map(signed);
        float[] codes = map.Codes.ToArray();
        for (int c = 0; c < 256; c++)
        {
            int found = map.Encode(codes[c]);
            Assert.True(codes[found] == codes[c], $"code {c} ({codes[c]:R}) encodes to {found} ({codes[found]:R})");
        }

        // Brute force: the nearest code by distance, ties to the lower. Values over the whole range, the
        // midpoints themselves and their neighbours, and tiny ones.
        var random = new Random(3);
        var values = new List<float>();
        for (int i = 0; i < 20000; i++)
        {
            float x = (float)(random.NextDouble() * (signed ? 2 : 1) - (signed ? 1 : 0));
            values.Add(x);
            values.Add(x * 1e-4f);
        }

        for (int c = 0; c < 255; c++)
        {
            float mid = (float)(((double)codes[c] + codes[c + 1]) / 2);
            values.AddRange(new[] { mid, MathF.BitIncrement(mid), MathF.BitDecrement(mid) });
        }

        foreach (float x in values)
        {
            int nearest = 0;
            for (int c = 1; c < 256; c++)
            {
                if (Math.Abs((double)codes[c] - x) < Math.Abs((double)codes[nearest] - x))
                {
                    nearest = c;
                }
            }

            int encoded = map.Encode(x);
            Assert.True(Math.Abs((double)codes[encoded] - x) == Math.Abs((double)codes[nearest] - x), $"{x:R}: encoded {encoded} ({codes[encoded]:R}), nearest {nearest} ({codes[nearest]:R})");
        }
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 1)]
    [InlineData(true, 255)]
    [InlineData(true, 256)]
    [InlineData(true, 1000)]
    [InlineData(false, 513)]
    public void Blockwise_round_trip_is_within_one_code_of_each_blocks_scale(bool signed, int length)
    {
        DynamicQuantizationMap map = Map(signed);
        var random = new Random(length);
        float[] values = Enumerable.Range(0, length).Select(i => (float)((signed ? random.NextDouble() * 2 - 1 : random.NextDouble()) * Math.Pow(10, -(i % 5)))).ToArray();
        if (length > 300)
        {
            Array.Clear(values, 256, 256); // a block of zeros
        }

        int blocks = Blockwise8Bit.BlockCount(length);
        var codes = new byte[length];
        var absmax = new float[blocks];
        var decoded = new float[length];
        Blockwise8Bit.Quantize(values, codes, absmax, map);
        Blockwise8Bit.Dequantize(codes, absmax, decoded, map);
        for (int b = 0; b < blocks; b++)
        {
            float[] block = values.Skip(b * 256).Take(256).ToArray();
            Assert.Equal(block.Max(Math.Abs), absmax[b]);
        }

        for (int i = 0; i < length; i++)
        {
            float max = absmax[i / 256];
            if (max == 0)
            {
                Assert.Equal(0f, decoded[i]);
                continue;
            }

            // The code chosen is the one nearest the scaled value, and decoding is code × absmax.
            double scaled = values[i] / max;
            int code = codes[i];
            Assert.Equal(map.Codes[code] * max, decoded[i]);
            if (code > 0)
            {
                Assert.True(Math.Abs(scaled - map.Codes[code]) <= Math.Abs(scaled - map.Codes[code - 1]) + 1e-7, $"element {i}");
            }

            if (code < 255)
            {
                Assert.True(Math.Abs(scaled - map.Codes[code]) <= Math.Abs(scaled - map.Codes[code + 1]) + 1e-7, $"element {i}");
            }
        }
    }
}
