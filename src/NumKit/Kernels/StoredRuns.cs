using System.ComponentModel;
using NumKit.Stepping;

namespace NumKit.Kernels;

/// <summary>
/// The runs of parameters one thread's share of a step over stored values walks, handed out one by one to the
/// generated loop (<see cref="Next"/>). A run is a stretch of one tensor whose every state buffer the loop reads
/// and writes where it is stored — consecutive tiles of a tensor make one run — or, when a buffer's storage is one
/// the loop does not convert itself (8-bit blockwise, or a mix of storages), a single tile whose such buffers are
/// widened into float on this thread's stack before the loop and rounded back when the next run is asked for.
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>: public only so generated code can reach it, hidden, free to change.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public unsafe struct StoredRuns
{
    private readonly RunSource* _source;
    private readonly float* _scratch;
    private readonly StoredSpan* _states;
    private readonly int _end;
    private int _next;
    private int _pending;

    internal StoredRuns(RunSource* source, int firstTile, int endTile, float* scratch, StoredSpan* states)
    {
        _source = source;
        _next = firstTile;
        _end = endTile;
        _scratch = scratch;
        _states = states;
        _pending = -1;
    }

    /// <summary>Finishes the previous run (rounds its float copies back into their storage) and hands out the next; false after the last.</summary>
    public bool Next(out StoredRun run)
    {
        ref RunSource source = ref *_source;
        if (_pending >= 0)
        {
            source.Finish(_pending, _scratch);
            _pending = -1;
        }

        if (_next >= _end)
        {
            run = default;
            return false;
        }

        int first = _next++;
        Tile* tile = source.Tiles + first;
        int length = tile->Length;
        if (source.IsDirect(tile))
        {
            // Every buffer is read where it is stored: the tensor's following tiles join this run.
            while (_next < _end && source.Tiles[_next].FirstSegment == tile->FirstSegment && source.Tiles[_next].Start == tile->Start + length)
            {
                length += source.Tiles[_next++].Length;
            }
        }
        else
        {
            _pending = first;
        }

        run = source.Prepare(tile, length, _scratch, _states);
        return true;
    }
}
