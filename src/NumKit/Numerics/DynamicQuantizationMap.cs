using System;

namespace NumKit.Numerics;

/// <summary>
/// bitsandbytes' dynamic quantization map: 256 values in [-1, 1] (signed) or [0, 1] (unsigned) with a
/// dynamic exponent — fine steps near 1, ever coarser decades down to 1e-7 — and the encoder that
/// finds the nearest one.
/// </summary>
/// <remarks>
/// <para>
/// Built as <c>bitsandbytes.functional.create_dynamic_map(signed, max_exponent_bits=7, total_bits=8)</c>
/// builds it (Dettmers, "8-Bit Approximations for Parallelism in Deep Learning"): for each decade i = 0..6,
/// the midpoints of <c>torch.linspace(0.1, 1, k + 1)</c> (k = 2^i signed, 2^(i+1) unsigned) scaled by
/// 10^(i-6), negated too when signed; then 0 and 1; sorted. Every step is float32 arithmetic as torch
/// does it (fused multiply-adds included), so each code is bitsandbytes' value bit for bit (tests/NumKit.Tests/Golden/dynamic_maps.json
/// holds the values libtorch computes). The signed map has no -1: its most negative code is about -0.993.
/// </para>
/// <para>
/// Encoding picks the nearest code (a value exactly between two goes to the lower one). A table indexed by
/// the value's bfloat16 bits gives, in one load, how many midpoints lie below that bfloat16 interval; a
/// step or two over the midpoints inside it finishes the search.
/// </para>
/// <para>
/// Stochastic encoding (<see cref="EncodeStochastic"/>) picks one of the two codes around the value, the upper
/// with probability equal to the value's distance from the lower over the distance between them, so the
/// decoded value is the value itself on average: an update smaller than half a code (v = 0.999 v + 0.001 g²)
/// survives as often as its size says instead of being rounded away every time.
/// </para>
/// </remarks>
internal sealed class DynamicQuantizationMap
{
    private readonly float[] _codes;
    private readonly float[] _thresholds;
    private readonly byte[] _start;
    private readonly float[] _nearestSearch;
    private readonly float[] _floorSearch;
    private readonly byte[] _bytePlanes;

    private DynamicQuantizationMap(bool signed)
    {
        IsSigned = signed;
        _codes = GC.AllocateArray<float>(256, pinned: true);
        Build(signed).CopyTo(_codes, 0);
        var midpoints = new double[255];
        for (int c = 0; c < 255; c++)
        {
            midpoints[c] = ((double)_codes[c] + _codes[c + 1]) / 2; // exact in double
        }

        // x > midpoint ⇔ x > the largest float not above it: when the midpoint is no float, no float lies
        // between the two. So the search compares floats, as a vector does. The 256th threshold is +∞, so a
        // step from code 255 stays there.
        _thresholds = GC.AllocateArray<float>(256, pinned: true);
        for (int c = 0; c < 255; c++)
        {
            float nearest = (float)midpoints[c];
            _thresholds[c] = nearest > midpoints[c] ? MathF.BitDecrement(nearest) : nearest;
        }

        _thresholds[255] = float.PositiveInfinity;

        // Three bytes past the end, so a vector gather may read the table four bytes at a time.
        _start = GC.AllocateArray<byte>((1 << 16) + 3, pinned: true);
        BuildStartTable(midpoints, _start);
        MaxSteps = CountMaxSteps(midpoints, _start);

        // The binary searches' tables: candidate code c is above x's nearest code when x > threshold[c - 1], and at
        // or below x's floor code when x >= code[c].
        _nearestSearch = BuildSearchTable(c => _thresholds[c - 1]);
        _floorSearch = BuildSearchTable(c => _codes[c]);

        // Byte k of every code's bits, for k = 0..3 (little-endian), 256 bytes each: a decoder's byte permutes.
        _bytePlanes = GC.AllocateArray<byte>(1024, pinned: true);
        for (int c = 0; c < 256; c++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(_codes[c]);
            for (int k = 0; k < 4; k++)
            {
                _bytePlanes[(256 * k) + c] = (byte)(bits >> (8 * k));
            }
        }
    }

    /// <summary>The signed map, for state that changes sign (such as Adam's m).</summary>
    public static DynamicQuantizationMap Signed { get; } = new(signed: true);

    /// <summary>The unsigned map, for state that is never negative (such as Adam's v).</summary>
    public static DynamicQuantizationMap Unsigned { get; } = new(signed: false);

    /// <summary>Whether this is the signed map.</summary>
    public bool IsSigned { get; }

    /// <summary>The 256 values, ascending.</summary>
    public ReadOnlySpan<float> Codes => _codes;

    /// <summary>The value code <paramref name="code"/> stands for.</summary>
    public float Decode(byte code) => _codes[code];

    /// <summary>The code nearest <paramref name="x"/> (a value in [-1, 1]); ties go to the lower code.</summary>
    public byte Encode(float x)
    {
        int code = _start[BitConverter.SingleToUInt32Bits(x) >> 16];
        while (x > _thresholds[code])
        {
            code++;
        }

        return (byte)code;
    }

    /// <summary>
    /// The largest code whose value is not above <paramref name="x"/>: the lower of the two codes around it (0 below
    /// the lowest code, and for NaN; 255 at 1).
    /// </summary>
    public byte FloorCode(float x)
    {
        byte nearest = Encode(x);
        return nearest == 0 || _codes[nearest] <= x ? nearest : (byte)(nearest - 1);
    }

    /// <summary>
    /// The code of <paramref name="x"/> (a value in [-1, 1]) rounded stochastically with the 32 random bits
    /// <paramref name="random"/>: with f the floor code, code f + 1 when
    /// <c>x - code[f] &gt; u × (code[f + 1] - code[f])</c>, u = (random &gt;&gt; 8) / 2²⁴ in [0, 1) — the upper code
    /// with probability (x - code[f]) / (code[f + 1] - code[f]) — and f otherwise (always at 1, below the lowest code, and for NaN).
    /// Each operation is one IEEE float operation, so a vector encoder computes the same codes.
    /// </summary>
    public byte EncodeStochastic(float x, uint random)
    {
        int floor = FloorCode(x);
        if (floor == 255)
        {
            return 255;
        }

        float low = _codes[floor];
        float gap = _codes[floor + 1] - low;
        return x - low > UnitInterval(random) * gap ? (byte)(floor + 1) : (byte)floor;
    }

    /// <summary>The top 24 of 32 random bits as a float in [0, 1), exactly: the u of <see cref="EncodeStochastic"/>.</summary>
    public static float UnitInterval(uint random) => (random >> 8) * (1f / (1 << 24));

    /// <summary>
    /// The tables of a branch-free binary search over the 255 thresholds (<see cref="Encode"/>'s codes), by level;
    /// see <see cref="BuildSearchTable"/>. Pinned.
    /// </summary>
    internal float[] NearestSearch => _nearestSearch;

    /// <summary>The tables of a binary search over the codes 1..255 (<see cref="FloorCode"/>), laid out as <see cref="NearestSearch"/>. Pinned.</summary>
    internal float[] FloorSearch => _floorSearch;

    /// <summary>Byte k (0 = lowest) of code c's float bits at [256 k + c]. Pinned.</summary>
    internal byte[] BytePlanes => _bytePlanes;

    /// <summary>Where level <paramref name="level"/> (0 to 7) of a search table starts: levels 0-4 take 16 floats each, 5 takes 32, 6 64, 7 128.</summary>
    internal static int SearchLevelOffset(int level) => level <= 5 ? 16 * level : level == 6 ? 112 : 176;

    /// <summary>
    /// The most steps <see cref="Encode"/>'s search takes past its table's start, over every float: a vector
    /// encoder takes this many steps for every lane (a lane past its code stays there), so it finds the same codes.
    /// </summary>
    public int MaxSteps { get; }

    /// <summary>The 256 codes, pinned: a vector decoder reads them by address.</summary>
    internal float[] PinnedCodes => _codes;

    /// <summary>
    /// For each code c, the largest float that does not encode above c (x encodes above c exactly when
    /// x &gt; threshold[c]); the last is +∞. Pinned.
    /// </summary>
    internal float[] Thresholds => _thresholds;

    /// <summary>
    /// Indexed by a float's top 16 bits (its bfloat16 bits): how many thresholds lie below every float with
    /// those top bits — where the search starts. Pinned, and three bytes longer so a 4-byte gather stays inside.
    /// </summary>
    internal byte[] StartTable => _start;

    // A binary search finds a code bit by bit, from 128 down to 1: at level L (bit B = 128 >> L) the code found so far,
    // idx, has its bits above B decided, and the candidate idx + B is taken when x passes key(idx + B). The table of
    // level L holds key(idx + B) for each of the 2^L ways the decisions so far can have gone, indexed by those decisions
    // in reverse order (level 0's in bit 0, level 1's in bit 1, ...): the index a vector permute takes is then the
    // decisions so far as they accumulate, with no shift, and levels 6 and 7 choose among their 32-entry permutes by
    // the decisions of levels 5 and 6 (bits 5 and 6 of the index).
    private static float[] BuildSearchTable(Func<int, float> key)
    {
        float[] table = GC.AllocateArray<float>(304, pinned: true);
        for (int level = 0; level < 8; level++)
        {
            int bit = 128 >> level;
            for (int decisions = 0; decisions < 1 << level; decisions++)
            {
                int idx = 0;
                for (int l = 0; l < level; l++)
                {
                    idx += ((decisions >> l) & 1) * (128 >> l);
                }

                table[SearchLevelOffset(level) + decisions] = key(idx + bit);
            }
        }

        return table;
    }

    private static float[] Build(bool signed)
    {
        const int maxExponentBits = 7;
        const int nonSignBits = 7; // the Python's "total_bits - (1 if signed else 1)"
        var data = new System.Collections.Generic.List<float>(256);
        for (int i = 0; i < maxExponentBits; i++)
        {
            int fractionItems = signed ? (1 << (i + nonSignBits - maxExponentBits)) + 1 : (1 << (i + nonSignBits - maxExponentBits + 1)) + 1;
            float scale = (float)Math.Pow(10, -(maxExponentBits - 1) + i); // Python's 10 ** k, then float32 as torch takes a scalar
            for (int j = 0; j + 1 < fractionItems; j++)
            {
                float mean = (Linspace(0.1f, 1f, fractionItems, j) + Linspace(0.1f, 1f, fractionItems, j + 1)) / 2.0f;
                data.Add(mean * scale);
                if (signed)
                {
                    data.Add(mean * -scale);
                }
            }
        }

        data.Add(0f);
        data.Add(1f);
        data.Sort();
        return data.ToArray();
    }

    // torch.linspace(start, end, steps)[index] in float32, as libtorch's CPU kernel computes it: the first half
    // counts up from start, the second half down from end, with step = (end - start) / (steps - 1). libtorch is
    // compiled with floating-point contraction, so each multiply-add is one fused, singly rounded operation
    // (with a separate multiply and add, 24 of the 129 points of linspace(0.1, 1, 129) differ in the last bit).
    private static float Linspace(float start, float end, int steps, int index)
    {
        float step = (end - start) / (steps - 1);
        return index < steps / 2
            ? MathF.FusedMultiplyAdd(step, index, start)
            : MathF.FusedMultiplyAdd(-step, steps - index - 1, end);
    }

    // For every bfloat16 bit pattern, how many midpoints lie below every float whose top 16 bits it is.
    private static void BuildStartTable(double[] midpoints, byte[] start)
    {
        for (int bits = 0; bits < 1 << 16; bits++)
        {
            int magnitude = bits & 0x7FFF;
            if (magnitude >= 0x7F80)
            {
                continue; // ∞ and NaN: never a normalized value; start at 0 and let the search run
            }

            // The smallest float with these top bits: the pattern itself when positive; when negative, just above
            // the next pattern out (a bound below every such float is all the search needs).
            double lowest = (bits & 0x8000) == 0
                ? BitConverter.UInt32BitsToSingle((uint)bits << 16)
                : -(double)BitConverter.UInt32BitsToSingle((uint)(magnitude + 1) << 16);
            int below = 0;
            while (below < midpoints.Length && midpoints[below] < lowest)
            {
                below++;
            }

            start[bits] = (byte)below;
        }
    }

    // The most midpoints any float passes after its start: those in [lowest, highest] of its top-bits pattern.
    private static int CountMaxSteps(double[] midpoints, byte[] start)
    {
        int most = 0;
        for (int bits = 0; bits < 1 << 16; bits++)
        {
            int magnitude = bits & 0x7FFF;
            if (magnitude >= 0x7F80)
            {
                continue; // NaN passes no midpoint; ±∞ is never a scaled value (the block's absmax is finite or the block is NaN)
            }

            double highest = (bits & 0x8000) == 0
                ? BitConverter.UInt32BitsToSingle(((uint)bits << 16) | 0xFFFF)
                : -(double)BitConverter.UInt32BitsToSingle((uint)magnitude << 16);
            int code = start[bits];
            while (code < midpoints.Length && highest > midpoints[code])
            {
                code++;
            }

            most = Math.Max(most, code - start[bits]);
        }

        return most;
    }
}
