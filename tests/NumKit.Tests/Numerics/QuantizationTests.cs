using NumKit.Tests.Kernels;
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

    public static TheoryData<int> Paths => new() { 512, 256, 128, 0 };

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void Vector_encoding_and_decoding_give_the_scalar_codes_and_values_on_every_path(int path)
    {
        if (!EveryPath.CanRun(path))
        {
            return; // reported as skipped, with the reason
        }

        // Lengths 0 to past two blocks, values over every decade of both maps, exact codes, midpoints and
        // their neighbours, zeros, a NaN block: each code must be the scalar search's, each value code × absmax.
        var random = new Random(path + 5);
        using var limit = VectorPaths.Limit(path);
        foreach (int length in new[] { 0, 1, 3, 7, 8, 15, 16, 31, 33, 64, 100, 255, 256, 257, 300, 512, 600 })
        {
            float[] values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = (i % 4) switch
                {
                    0 => (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, -random.Next(9))),
                    1 => DynamicQuantizationMap.Signed.Codes[random.Next(256)] * 0.37f,
                    2 => Midpoint(DynamicQuantizationMap.Unsigned, random.Next(255)),
                    _ => random.Next(3) == 0 ? 0f : (float)random.NextDouble() * 1e-3f,
                };
            }

            if (length > 300)
            {
                values[290] = float.NaN;
            }

            int blocks = Blockwise8Bit.BlockCount(length);
            var codes = new byte[length];
            var absmax = new float[blocks];
            var decoded = new float[length];
            Blockwise8Bit.QuantizeAdaptive(values, codes, absmax);
            Blockwise8Bit.DequantizeAdaptive(codes, absmax, decoded);
            for (int i = 0; i < length; i++)
            {
                float stored = absmax[i / 256];
                DynamicQuantizationMap map = float.IsNegative(stored) ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;
                float max = Math.Abs(stored);
                byte expected = max == 0f ? map.Encode(0f) : map.Encode(values[i] / max);
                Assert.True(expected == codes[i], $"path {path}, length {length}, element {i} ({values[i]:R} / {max:R}): code {codes[i]}, scalar {expected}");
                Assert.Equal(BitConverter.SingleToUInt32Bits(map.Codes[codes[i]] * max), BitConverter.SingleToUInt32Bits(decoded[i]));
            }

            if (length > 300)
            {
                Assert.True(float.IsNaN(absmax[1]), "a block holding NaN has a NaN absmax, so it decodes to NaN");
            }
        }
    }

    // The floats every encoder must get right: each code and each midpoint with the 64 floats either side, ±0, ±1,
    // the ends of every bfloat16 interval in [-1, 1] and its middle, the smallest normals and subnormals, NaN, and
    // random floats spread over every decade.
    private static float[] BoundaryAndRandomFloats(DynamicQuantizationMap map, int randomCount, int seed)
    {
        var values = new List<float> { 0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, 1.17549435e-38f, -1.17549435e-38f, float.NaN };
        ReadOnlySpan<float> codes = map.Codes;
        for (int c = 0; c < 256; c++)
        {
            foreach (float center in c < 255 ? new[] { codes[c], Midpoint(map, c), map.Thresholds[c] } : new[] { codes[c] })
            {
                float up = center, down = center;
                values.Add(center);
                for (int k = 0; k < 64; k++)
                {
                    up = MathF.BitIncrement(up);
                    down = MathF.BitDecrement(down);
                    values.Add(up);
                    values.Add(down);
                }
            }
        }

        for (uint top = 0; top <= 0xBF80; top++)
        {
            if ((top & 0x7FFF) <= 0x3F80)
            {
                foreach (uint low in new uint[] { 0, 1, 0x8000, 0xFFFE, 0xFFFF })
                {
                    values.Add(BitConverter.UInt32BitsToSingle((top << 16) | low));
                }
            }
        }

        var random = new Random(seed);
        for (int i = 0; i < randomCount; i++)
        {
            values.Add((float)((random.NextDouble() * 2 - 1) * Math.Pow(10, -random.Next(9))));
            values.Add(BitConverter.UInt32BitsToSingle((uint)random.Next(0x3F80_0001) | (random.Next(2) == 0 ? 0 : 0x8000_0000u)));
        }

        return values.Where(x => float.IsNaN(x) || MathF.Abs(x) <= 1f).Where(x => map.IsSigned || !float.IsNegative(x) || x == 0).ToArray();
    }

    [PathTheory]
    [MemberData(nameof(Paths))]
    public void The_vector_encoders_give_the_scalar_codes_for_every_boundary_float_and_many_random_ones(int path)
    {
        if (!EveryPath.CanRun(path))
        {
            return; // reported as skipped, with the reason
        }

        foreach (DynamicQuantizationMap map in new[] { DynamicQuantizationMap.Signed, DynamicQuantizationMap.Unsigned })
        {
            // Scaled by absmax 1 (an exact division), so the encoders see each float itself.
            float[] values = BoundaryAndRandomFloats(map, 200_000, path + (map.IsSigned ? 1 : 2));
            var nearest = new byte[values.Length];
            var stochastic = new byte[values.Length];
            const uint key = 0x5EED_1234;
            const int firstIndex = 1_000_003;
            using (VectorPaths.Limit(path))
            {
                BlockwiseCodec.Encode(values, 1f, nearest, map);
                BlockwiseCodec.EncodeStochastic(values, 1f, stochastic, map, key, firstIndex);
            }

            for (int i = 0; i < values.Length; i++)
            {
                byte expected = map.Encode(values[i]);
                Assert.True(expected == nearest[i], $"path {path}, {(map.IsSigned ? "signed" : "unsigned")}, {values[i]:R} (0x{BitConverter.SingleToUInt32Bits(values[i]):X8}): nearest {nearest[i]}, scalar {expected}");
                expected = map.EncodeStochastic(values[i], CounterRandom.Bits(key, firstIndex + i));
                Assert.True(expected == stochastic[i], $"path {path}, {(map.IsSigned ? "signed" : "unsigned")}, {values[i]:R} (0x{BitConverter.SingleToUInt32Bits(values[i]):X8}): stochastic {stochastic[i]}, scalar {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Signs))]
    public void Stochastic_encoding_picks_one_of_the_two_codes_around_a_value_with_probability_by_distance(bool signed)
    {
        // Against the definition, independently: the floor by a scan over the codes, then the upper code with
        // probability (x - floor) / gap — each draw checked exactly, and the mean over many keys unbiased.
        DynamicQuantizationMap map = Map(signed);
        float[] codes = map.Codes.ToArray();
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            float x = trial switch
            {
                0 => 1f,
                1 => 0f,
                2 => codes[0],
                3 => codes[77],
                _ => (float)((signed ? random.NextDouble() * 2 - 1 : random.NextDouble()) * Math.Pow(10, -random.Next(7))),
            };
            int floor = 0;
            for (int c = 1; c < 256; c++)
            {
                if (codes[c] <= x)
                {
                    floor = c;
                }
            }

            Assert.Equal(floor, map.FloorCode(x));
            const int draws = 4000;
            double sum = 0;
            for (int d = 0; d < draws; d++)
            {
                uint bits = CounterRandom.Bits(CounterRandom.Key(7, trial, 0), d);
                int code = map.EncodeStochastic(x, bits);
                bool up = floor < 255 && x - codes[floor] > (bits >> 8) / 16777216f * (codes[floor + 1] - codes[floor]);
                Assert.Equal(up ? floor + 1 : floor, code);
                sum += codes[code];
            }

            if (floor < 255)
            {
                double gap = codes[floor + 1] - codes[floor];
                double p = (x - codes[floor]) / gap;
                double standardError = gap * Math.Sqrt(p * (1 - p) / draws);
                Assert.True(Math.Abs((sum / draws) - x) <= (5 * standardError) + (gap * 1e-6), $"{x:R}: mean {sum / draws:R}, gap {gap:R}");
            }
        }

        // A code is its own stochastic code whatever the bits (the gap's share is 0), so a block's absmax survives.
        for (int c = 0; c < 256; c++)
        {
            Assert.Equal(c, map.EncodeStochastic(codes[c], 0xFFFF_FFFF));
            Assert.Equal(c, map.EncodeStochastic(codes[c], 0));
        }
    }

    [Fact]
    public void Stochastic_blockwise_quantization_keeps_each_blocks_absmax_and_draws_by_parameter_index()
    {
        var random = new Random(4);
        float[] values = Enumerable.Range(0, 700).Select(i => (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, -(i % 4)))).ToArray();
        var codes = new byte[700];
        var absmax = new float[3];
        var decoded = new float[700];
        Blockwise8Bit.QuantizeAdaptiveStochastic(values, codes, absmax, key: 21, firstIndex: 5000);
        Blockwise8Bit.DequantizeAdaptive(codes, absmax, decoded);
        for (int i = 0; i < 700; i++)
        {
            float stored = absmax[i / 256];
            float max = Math.Abs(stored);
            DynamicQuantizationMap map = float.IsNegative(stored) ? DynamicQuantizationMap.Signed : DynamicQuantizationMap.Unsigned;
            Assert.Equal(map.EncodeStochastic(values[i] / max, CounterRandom.Bits(21, 5000 + i)), codes[i]);
            if (values[i] == max)
            {
                Assert.Equal(values[i], decoded[i]);
            }
        }
    }

    private static float Midpoint(DynamicQuantizationMap map, int code) => (float)(((double)map.Codes[code] + map.Codes[code + 1]) / 2);

    [Theory]
    [MemberData(nameof(Signs))]
    public void The_vector_encoders_fixed_steps_cover_every_floats_search(bool signed)
    {
        // The vector encoder takes MaxSteps steps past its table's start for every lane; the scalar search must
        // never need more, over every float with the same top bits as a value in [-1, 1] (checked at both ends
        // of every bfloat16 interval and in its middle).
        DynamicQuantizationMap map = Map(signed);
        Assert.InRange(map.MaxSteps, 1, 4);
        for (uint top = 0; top <= 0xBF80; top++)
        {
            if ((top & 0x7FFF) > 0x3F80)
            {
                continue;
            }

            foreach (uint low in new uint[] { 0, 0x8000, 0xFFFF })
            {
                float x = BitConverter.UInt32BitsToSingle((top << 16) | low);
                int start = map.StartTable[(int)top];
                int code = map.Encode(x);
                Assert.True(code - start <= map.MaxSteps, $"{x:R}: start {start}, code {code}, MaxSteps {map.MaxSteps}");
            }
        }
    }
}
