using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NumKit.Checkpoints;
using NumKit.Kernels;
using NumKit.Numerics;

namespace NumKit.Stepping;

/// <summary>
/// An optimizer's state when some buffer is not plain float32: every (tensor, buffer) pair is a region of
/// one pinned byte arena in its own storage. A step walks the parameters in tiles: a generated rule's stored
/// kernel reads and writes bfloat16 and float32 buffers where they are (consecutive tiles of a tensor make one
/// run, <see cref="NumKit.Kernels.StoredRuns"/>); any other buffer, and every buffer of a rule without a stored
/// kernel, is widened tile by tile to float on the stack and narrowed back after the kernel has run over it.
/// </summary>
/// <remarks>
/// <para>
/// A tile is at most <see cref="TileLength"/> parameters of one tensor, starting at a multiple of
/// <see cref="TileLength"/> from the tensor's start, so 8-bit blocks never straddle tiles (and the threads of a
/// split step take whole tiles). Its float copies, where it needs them, live on the stack of the thread that steps it — <see cref="TileBytes"/>
/// for all buffers together, so they and the tile's parameters and gradients stay in a 32 KiB L1 — and
/// main memory sees only the compact bytes: that is what makes a compact step faster than a float32 one
/// once the step is bound by memory bandwidth. The longest tile that fits keeps the per-tile costs (one
/// kernel call, its checks and per-step values) small next to the tile's work.
/// </para>
/// <para>
/// Each tile's result depends only on its own elements (and, for stochastic rounding, on the seed, the
/// step, the buffer and each element's index in the parameters), never on which thread or vector width
/// stepped it: the same bits at every thread count and on every vector path.
/// </para>
/// </remarks>
internal sealed unsafe class CompactState
{
    /// <summary>The bytes of float copies one tile may take on the stack, all buffers together: half of a 32 KiB L1.</summary>
    public const int TileBytes = 16 * 1024;

    /// <summary>The most parameters any tile holds.</summary>
    public const int MaxTileLength = 4096;

    private const int Alignment = 64;

    private readonly byte[] _arena;
    private readonly byte* _base;
    private readonly ParameterLayout _layout;

    public CompactState(ParameterLayout layout, int[] groupOf, GroupRange[] ranges, int bufferCount, StateStorage[] configured, int blockwiseMinimumSize, int parameterCopies = 0)
    {
        _layout = layout;
        BufferCount = bufferCount;
        Configured = configured;
        BlockwiseMinimumSize = blockwiseMinimumSize;
        TileLength = TileLengthFor(bufferCount + parameterCopies); // 16-bit parameters: their widened values and gradients too
        Segments = GC.AllocateArray<Segment>(layout.Count * bufferCount, pinned: true);
        long bytes = 0;
        for (int j = 0; j < layout.Count; j++)
        {
            int group = groupOf[j];
            int length = layout[j].Length;
            for (int k = 0; k < bufferCount; k++)
            {
                StateStorage storage = configured[(group * bufferCount) + k];
                if (IsBlockwise(storage) && length < blockwiseMinimumSize)
                {
                    storage = StateStorage.Float32; // as bitsandbytes: small tensors keep float32 state
                }

                bytes = Align(bytes);
                var segment = new Segment { Storage = storage, Length = length, Values = (nint)bytes };
                bytes += (long)length * ElementSize(storage);
                if (IsBlockwise(storage))
                {
                    bytes = Align(bytes);
                    segment.Absmax = (nint)bytes;
                    bytes += 4L * Blockwise8Bit.BlockCount(length);
                }

                Segments[(j * bufferCount) + k] = segment;
            }
        }

        if (bytes > Array.MaxLength - Alignment)
        {
            throw new ArgumentOutOfRangeException("layout", layout.ParameterCount, $"The state of {layout.ParameterCount} parameters does not fit in one array.");
        }

        Bytes = bytes;
        _arena = GC.AllocateArray<byte>((int)bytes + Alignment, pinned: true);
        byte* start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_arena));
        _base = start + ((Alignment - ((nint)start % Alignment)) % Alignment);
        TilesByRange = BuildTiles(layout, groupOf, ranges, bufferCount, TileLength);
        LoopStorageByRange = new StateStorage[ranges.Length];
        for (int r = 0; r < ranges.Length; r++)
        {
            LoopStorageByRange[r] = LoopStorageOf(TilesByRange[r]);
        }
    }

    /// <summary>
    /// For each group range, the state storage a generated stored kernel converts in its loop: the range's one storage
    /// when every buffer of its tensors has it and it is float32 or bfloat16; otherwise float32, and the buffers stored
    /// differently (8-bit blockwise, or one bfloat16 among float32 ones) go through float copies tile by tile.
    /// </summary>
    public StateStorage[] LoopStorageByRange { get; }

    /// <summary>The most parameters one tile holds: a multiple of the 8-bit block, its float copies within <see cref="TileBytes"/>.</summary>
    public int TileLength { get; }

    /// <summary>How many state buffers the rule has.</summary>
    public int BufferCount { get; }

    /// <summary>The storage asked for, per group and buffer (<c>group * BufferCount + k</c>).</summary>
    public StateStorage[] Configured { get; }

    /// <summary>Tensors smaller than this keep float32 where 8-bit was asked for.</summary>
    public int BlockwiseMinimumSize { get; }

    /// <summary>Every (tensor, buffer) region, at <c>tensor * BufferCount + k</c>; pinned, so a step can hand out its address.</summary>
    public Segment[] Segments { get; }

    /// <summary>For each group range of the plan, its tiles in layout order; each array pinned.</summary>
    public Tile[][] TilesByRange { get; }

    /// <summary>The bytes the state takes (without alignment padding at the arena's start).</summary>
    public long Bytes { get; }

    /// <summary>The arena's first byte: segment offsets count from here.</summary>
    public byte* Base => _base;

    /// <summary>The float32 values of tensor <paramref name="tensor"/>'s buffer <paramref name="k"/>, or false when it is stored otherwise.</summary>
    public bool TryGetFloat32(int tensor, int k, out Span<float> values)
    {
        Segment segment = Segments[(tensor * BufferCount) + k];
        values = segment.Storage == StateStorage.Float32 ? new Span<float>(_base + segment.Values, segment.Length) : default;
        return segment.Storage == StateStorage.Float32;
    }

    /// <summary>The storage tensor <paramref name="tensor"/>'s buffer <paramref name="k"/> actually has.</summary>
    public StateStorage StorageOf(int tensor, int k) => Segments[(tensor * BufferCount) + k].Storage;

    /// <summary>Writes tensor <paramref name="tensor"/>'s buffer <paramref name="k"/> widened to float into <paramref name="destination"/>.</summary>
    public void CopyTo(int tensor, int k, Span<float> destination)
    {
        Segment segment = Segments[(tensor * BufferCount) + k];
        for (int within = 0; within < segment.Length; within += TileLength)
        {
            int length = Math.Min(TileLength, segment.Length - within);
            Widen(_base, in segment, within, destination.Slice(within, length));
        }
    }

    /// <summary>Sets every value of tensor <paramref name="tensor"/>'s buffer <paramref name="k"/> to <paramref name="value"/> (rounded to its storage).</summary>
    public void Fill(int tensor, int k, float value)
    {
        Segment segment = Segments[(tensor * BufferCount) + k];
        Span<float> tile = stackalloc float[MaxTileLength];
        tile.Fill(value);
        for (int within = 0; within < segment.Length; within += TileLength)
        {
            int length = Math.Min(TileLength, segment.Length - within);
            Narrow(_base, in segment, within, tile.Slice(0, length), key: 0, firstIndex: 0);
        }
    }

    /// <summary>Copies every byte of <paramref name="other"/>, which has the same layout.</summary>
    public void CopyFrom(CompactState other) => new ReadOnlySpan<byte>(other._base, (int)Bytes).CopyTo(new Span<byte>(_base, (int)Bytes));

    /// <summary>Writes tensor <paramref name="tensor"/>'s buffer <paramref name="k"/> as stored: values (and, for 8-bit, absmax per block), little-endian.</summary>
    public void Write(BinaryWriter writer, int tensor, int k)
    {
        Segment segment = Segments[(tensor * BufferCount) + k];
        switch (segment.Storage)
        {
            case StateStorage.Float32:
                CheckpointFormat.WriteValues<float>(writer, new ReadOnlySpan<float>(_base + segment.Values, segment.Length));
                break;
            case StateStorage.BFloat16:
            case StateStorage.BFloat16Stochastic:
                CheckpointFormat.WriteValues<BFloat16>(writer, new ReadOnlySpan<BFloat16>(_base + segment.Values, segment.Length));
                break;
            default:
                writer.Write(new ReadOnlySpan<byte>(_base + segment.Values, segment.Length));
                CheckpointFormat.WriteValues<float>(writer, new ReadOnlySpan<float>(_base + segment.Absmax, Blockwise8Bit.BlockCount(segment.Length)));
                break;
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote into tensor <paramref name="tensor"/>'s buffer <paramref name="k"/>.</summary>
    public void Read(BinaryReader reader, int tensor, int k)
    {
        Segment segment = Segments[(tensor * BufferCount) + k];
        switch (segment.Storage)
        {
            case StateStorage.Float32:
                CheckpointFormat.ReadValues<float>(reader, new Span<float>(_base + segment.Values, segment.Length));
                break;
            case StateStorage.BFloat16:
            case StateStorage.BFloat16Stochastic:
                CheckpointFormat.ReadValues<BFloat16>(reader, new Span<BFloat16>(_base + segment.Values, segment.Length));
                break;
            default:
                reader.BaseStream.ReadExactly(new Span<byte>(_base + segment.Values, segment.Length));
                CheckpointFormat.ReadValues<float>(reader, new Span<float>(_base + segment.Absmax, Blockwise8Bit.BlockCount(segment.Length)));
                break;
        }
    }

    /// <summary>The name a checkpoint records for buffer <paramref name="k"/>: its storage, per group when groups differ.</summary>
    public string DescribeBuffer(int k, int groupCount) => Describe(Configured, BufferCount, BlockwiseMinimumSize, k, groupCount);

    /// <summary>The name of buffer <paramref name="k"/>'s storage under <paramref name="configured"/> (such as "bfloat16" or "blockwise8bit (float32 below 4096)").</summary>
    public static string Describe(StateStorage[] configured, int bufferCount, int blockwiseMinimumSize, int k, int groupCount)
    {
        var names = new string[groupCount];
        for (int group = 0; group < groupCount; group++)
        {
            names[group] = Name(configured[(group * bufferCount) + k], blockwiseMinimumSize);
        }

        if (Array.TrueForAll(names, name => name == names[0]))
        {
            return names[0];
        }

        var parts = new List<string>();
        for (int group = 0; group < groupCount; group++)
        {
            parts.Add($"{names[group]} in group {group}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>The name of one storage.</summary>
    public static string Name(StateStorage storage, int blockwiseMinimumSize) => storage switch
    {
        StateStorage.Float32 => "float32",
        StateStorage.BFloat16 => "bfloat16",
        StateStorage.BFloat16Stochastic => "bfloat16 (stochastic rounding)",
        StateStorage.Blockwise8Bit => $"blockwise8bit (float32 below {blockwiseMinimumSize})",
        StateStorage.Blockwise8BitStochastic => $"blockwise8bit, stochastic rounding (float32 below {blockwiseMinimumSize})",
        _ => storage.ToString(),
    };

    /// <summary>Widens <paramref name="destination"/>.Length values of a segment, from <paramref name="within"/> (a multiple of the 8-bit block), to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(byte* arena, in Segment segment, int within, Span<float> destination)
    {
        switch (segment.Storage)
        {
            case StateStorage.Float32:
                new ReadOnlySpan<float>(arena + segment.Values + (4L * within), destination.Length).CopyTo(destination);
                break;
            case StateStorage.BFloat16:
            case StateStorage.BFloat16Stochastic:
                StorageConversion.Widen(new ReadOnlySpan<BFloat16>(arena + segment.Values + (2L * within), destination.Length), destination);
                break;
            default:
                Blockwise8Bit.DequantizeAdaptive(
                    new ReadOnlySpan<byte>(arena + segment.Values + within, destination.Length),
                    new ReadOnlySpan<float>(arena + segment.Absmax + (4L * (within / Blockwise8Bit.BlockSize)), Blockwise8Bit.BlockCount(destination.Length)),
                    destination);
                break;
        }
    }

    /// <summary>Narrows <paramref name="source"/> into a segment from <paramref name="within"/>; stochastic rounding draws with <paramref name="key"/> from parameter index <paramref name="firstIndex"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Narrow(byte* arena, in Segment segment, int within, ReadOnlySpan<float> source, uint key, int firstIndex)
    {
        switch (segment.Storage)
        {
            case StateStorage.Float32:
                source.CopyTo(new Span<float>(arena + segment.Values + (4L * within), source.Length));
                break;
            case StateStorage.BFloat16:
                StorageConversion.NarrowToNearestEven(source, new Span<BFloat16>(arena + segment.Values + (2L * within), source.Length));
                break;
            case StateStorage.BFloat16Stochastic:
                StorageConversion.NarrowStochastic(source, new Span<BFloat16>(arena + segment.Values + (2L * within), source.Length), key, firstIndex);
                break;
            case StateStorage.Blockwise8BitStochastic:
                Blockwise8Bit.QuantizeAdaptiveStochastic(
                    source,
                    new Span<byte>(arena + segment.Values + within, source.Length),
                    new Span<float>(arena + segment.Absmax + (4L * (within / Blockwise8Bit.BlockSize)), Blockwise8Bit.BlockCount(source.Length)),
                    key,
                    firstIndex);
                break;
            default:
                Blockwise8Bit.QuantizeAdaptive(
                    source,
                    new Span<byte>(arena + segment.Values + within, source.Length),
                    new Span<float>(arena + segment.Absmax + (4L * (within / Blockwise8Bit.BlockSize)), Blockwise8Bit.BlockCount(source.Length)));
                break;
        }
    }

    /// <summary>Whether a storage is 8-bit blockwise (either rounding): one byte per value and an absmax per block.</summary>
    public static bool IsBlockwise(StateStorage storage) => storage is StateStorage.Blockwise8Bit or StateStorage.Blockwise8BitStochastic;

    /// <summary>Bytes per element of a storage's values (8-bit's absmax comes on top).</summary>
    public static int ElementSize(StateStorage storage) => storage switch
    {
        StateStorage.Float32 => 4,
        StateStorage.BFloat16 or StateStorage.BFloat16Stochastic => 2,
        _ => 1,
    };

    /// <summary>The tile length for <paramref name="floatCopies"/> float copies per parameter: <see cref="TileBytes"/> shared, in whole 8-bit blocks, 256 to <see cref="MaxTileLength"/>.</summary>
    public static int TileLengthFor(int floatCopies)
        => Math.Clamp(TileBytes / (4 * Math.Max(1, floatCopies)) / Blockwise8Bit.BlockSize * Blockwise8Bit.BlockSize, Blockwise8Bit.BlockSize, MaxTileLength);

    private StateStorage LoopStorageOf(Tile[] tiles)
    {
        StateStorage? common = null;
        foreach (Tile tile in tiles)
        {
            for (int k = 0; k < BufferCount; k++)
            {
                StateStorage storage = Segments[tile.FirstSegment + k].Storage;
                if (common is { } seen && seen != storage)
                {
                    return StateStorage.Float32;
                }

                common = storage;
            }
        }

        return common is StateStorage.BFloat16 or StateStorage.BFloat16Stochastic ? common.Value : StateStorage.Float32;
    }

    private static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    private static Tile[][] BuildTiles(ParameterLayout layout, int[] groupOf, GroupRange[] ranges, int bufferCount, int tileLength)
    {
        var tilesByRange = new Tile[ranges.Length][];
        for (int r = 0; r < ranges.Length; r++)
        {
            var tiles = new List<Tile>();
            for (int j = 0; j < layout.Count; j++)
            {
                ParameterTensor tensor = layout[j];
                if (groupOf[j] != ranges[r].Group || tensor.Offset < ranges[r].Start || tensor.Offset + tensor.Length > ranges[r].Start + ranges[r].Length)
                {
                    continue;
                }

                for (int within = 0; within < tensor.Length; within += tileLength)
                {
                    tiles.Add(new Tile
                    {
                        Start = tensor.Offset + within,
                        Length = Math.Min(tileLength, tensor.Length - within),
                        Within = within,
                        FirstSegment = j * bufferCount,
                    });
                }
            }

            tilesByRange[r] = GC.AllocateArray<Tile>(tiles.Count, pinned: true);
            tiles.CopyTo(tilesByRange[r]);
        }

        return tilesByRange;
    }
}

/// <summary>Where one (tensor, buffer) pair's state lives in the arena, and how it is stored.</summary>
internal struct Segment
{
    public StateStorage Storage;
    public int Length;

    /// <summary>Byte offset of the values from the arena's base.</summary>
    public nint Values;

    /// <summary>Byte offset of the per-block absmax floats (8-bit only).</summary>
    public nint Absmax;
}

/// <summary>One tile: <see cref="Length"/> parameters from parameter index <see cref="Start"/>, <see cref="Within"/> into their tensor.</summary>
internal struct Tile
{
    public int Start;
    public int Length;
    public int Within;

    /// <summary>The index of the tensor's first segment (buffer 0); buffer k is k after it.</summary>
    public int FirstSegment;
}
