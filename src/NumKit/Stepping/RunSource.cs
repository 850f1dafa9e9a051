using NumKit.Kernels;

namespace NumKit.Stepping;

/// <summary>
/// What every thread of a step over stored values shares (<see cref="StoredRuns"/> walks it): the tiles, where each
/// buffer lives, this step's stochastic rounding keys, and which state storage the generated loop converts itself
/// (<see cref="LoopStorage"/>); buffers stored otherwise go through float copies on the thread's stack.
/// </summary>
internal unsafe struct RunSource
{
    public byte* Arena;
    public Segment* Segments;
    public int BufferCount;
    public Tile* Tiles;

    /// <summary>The longest tile: each buffer's float copy on the stack has this many elements.</summary>
    public int TileLength;

    /// <summary>The state storage the loop's TS converts: a buffer stored so is read in place, any other through a float copy.</summary>
    public StateStorage LoopStorage;

    /// <summary>Per buffer, the stochastic rounding key of this step.</summary>
    public uint* Keys;

    /// <summary>The parameters and gradients, <see cref="ElementSize"/> bytes each.</summary>
    public byte* W;
    public byte* G;
    public int ElementSize;

    /// <summary>The parameters' companion (the float32 master copy or the 16-bit compensation), indexed as the parameters; null without one.</summary>
    public byte* Companion;
    public int CompanionSize;

    /// <summary>The stochastic rounding key of the parameters at this step.</summary>
    public uint ParameterKey;

    /// <summary>Whether every buffer of the tile's tensor is stored as the loop converts (no float copy needed).</summary>
    public readonly bool IsDirect(Tile* tile)
    {
        for (int k = 0; k < BufferCount; k++)
        {
            if (Segments[tile->FirstSegment + k].Storage != LoopStorage)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The run of <paramref name="length"/> parameters from <paramref name="tile"/>'s start: buffers in place, or widened into <paramref name="scratch"/>.</summary>
    public readonly StoredRun Prepare(Tile* tile, int length, float* scratch, StoredSpan* states)
    {
        for (int k = 0; k < BufferCount; k++)
        {
            ref readonly Segment segment = ref Segments[tile->FirstSegment + k];
            if (segment.Storage == LoopStorage)
            {
                states[k] = new StoredSpan(Arena + segment.Values + ((long)CompactState.ElementSize(segment.Storage) * tile->Within), null, Keys[k], tile->Start);
            }
            else
            {
                float* copy = scratch + ((long)k * TileLength);
                CompactState.Widen(Arena, in segment, tile->Within, new System.Span<float>(copy, length));
                states[k] = new StoredSpan(copy, null, 0, tile->Start);
            }
        }

        var parameters = new StoredSpan(W + ((long)ElementSize * tile->Start), Companion is null ? null : Companion + ((long)CompanionSize * tile->Start), ParameterKey, tile->Start);
        var gradients = new StoredSpan(G + ((long)ElementSize * tile->Start), null, 0, tile->Start);
        return new StoredRun((nuint)length, parameters, gradients, states);
    }

    /// <summary>Rounds tile <paramref name="index"/>'s float copies back into their storage.</summary>
    public readonly void Finish(int index, float* scratch)
    {
        Tile* tile = Tiles + index;
        for (int k = 0; k < BufferCount; k++)
        {
            ref readonly Segment segment = ref Segments[tile->FirstSegment + k];
            if (segment.Storage != LoopStorage)
            {
                CompactState.Narrow(Arena, in segment, tile->Within, new System.ReadOnlySpan<float>(scratch + ((long)k * TileLength), tile->Length), Keys[k], tile->Start);
            }
        }
    }
}
