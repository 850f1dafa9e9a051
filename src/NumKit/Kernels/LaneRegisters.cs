using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// One reduction's lanes (<see cref="ReductionLanes"/>: 64 bytes, element i of a chunk in lane i mod
/// <see cref="ReductionLanes.Lanes{T}"/>) held in vector registers while a generated sweep runs, instead of
/// being loaded, added to and stored back for every block: one vector of 512 bits, two of 256 or four of 128.
/// </summary>
/// <remarks>
/// <para>
/// Why: through memory, each block's add waits for the previous block's store to the same 64 bytes (a
/// store-to-load chain per vector when one vector is the whole lane set). In registers, the vector the next
/// block adds to is always <c>_next</c>; after each add the vectors rotate, so with two or four vectors per lane
/// set each lane still adds its own elements in index order — exactly the additions (and the bits) of
/// <see cref="ReductionLanes.Add"/> and <see cref="ReductionLanes.MaxAbs"/>, whatever the width. The scalar
/// width (16 or 8 "vectors" per lane set) keeps its lanes in memory, through those methods.
/// </para>
/// <para>
/// Use: <see cref="Load"/> at the sweep's first index, one <see cref="Add"/> or <see cref="MaxAbs"/> per block
/// in index order, <see cref="Store"/> at the index where the sweep stopped. Part of <c>NumKit.Kernels</c>, the
/// building blocks of generated code: hidden from IntelliSense and free to change in any version.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct LaneRegisters<T, TVector, V>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TVector : struct
    where V : struct, ISimd<V, TVector, T>
{
    // The lanes the next block adds to, then those of the blocks after it (with 256 or 128 bits).
    private TVector _next;
    private TVector _second;
    private TVector _third;
    private TVector _fourth;

    // The sizes below are constants once the JIT knows T and V, so every branch on them folds away.
    // (Written out, not as a property: a property call in a large sweep can be left un-inlined.)

    /// <summary>Loads the lanes the blocks from <paramref name="index"/> (a multiple of V.Count from the chunk's start) add to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LaneRegisters<T, TVector, V> Load(ref T lanes, nuint index)
    {
        LaneRegisters<T, TVector, V> registers = default;
        nuint mask = (64 / (nuint)Unsafe.SizeOf<T>()) - 1;
        nuint count = (nuint)V.Count;
        if (V.Count * Unsafe.SizeOf<T>() >= 16)
        {
            registers._next = V.Load(ref lanes, index & mask);
            if (V.Count * Unsafe.SizeOf<T>() <= 32)
            {
                registers._second = V.Load(ref lanes, (index + count) & mask);
            }

            if (V.Count * Unsafe.SizeOf<T>() == 16)
            {
                registers._third = V.Load(ref lanes, (index + (2 * count)) & mask);
                registers._fourth = V.Load(ref lanes, (index + (3 * count)) & mask);
            }
        }

        return registers;
    }

    /// <summary>Adds the block <paramref name="x"/> at <paramref name="index"/> to its lanes (as <see cref="ReductionLanes.Add"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ref T lanes, nuint index, TVector x)
    {
        if (V.Count * Unsafe.SizeOf<T>() < 16)
        {
            ReductionLanes.Add<T, TVector, V>(ref lanes, index, x);
            return;
        }

        Rotate(V.Add(_next, x));
    }

    /// <summary>Keeps the larger of each lane and |<paramref name="x"/>| (as <see cref="ReductionLanes.MaxAbs"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MaxAbs(ref T lanes, nuint index, TVector x)
    {
        if (V.Count * Unsafe.SizeOf<T>() < 16)
        {
            ReductionLanes.MaxAbs<T, TVector, V>(ref lanes, index, x);
            return;
        }

        Rotate(V.Max(_next, V.Abs(x)));
    }

    /// <summary>Writes the lanes back, <paramref name="index"/> being where the sweep stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(ref T lanes, nuint index)
    {
        nuint mask = (64 / (nuint)Unsafe.SizeOf<T>()) - 1;
        nuint count = (nuint)V.Count;
        if (V.Count * Unsafe.SizeOf<T>() >= 16)
        {
            V.Store(_next, ref lanes, index & mask);
            if (V.Count * Unsafe.SizeOf<T>() <= 32)
            {
                V.Store(_second, ref lanes, (index + count) & mask);
            }

            if (V.Count * Unsafe.SizeOf<T>() == 16)
            {
                V.Store(_third, ref lanes, (index + (2 * count)) & mask);
                V.Store(_fourth, ref lanes, (index + (3 * count)) & mask);
            }
        }
    }

    // The block just added to _next's lanes; the next block's lanes come first.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Rotate(TVector updated)
    {
        if (V.Count * Unsafe.SizeOf<T>() == 64)
        {
            _next = updated;
        }
        else if (V.Count * Unsafe.SizeOf<T>() == 32)
        {
            _next = _second;
            _second = updated;
        }
        else
        {
            _next = _second;
            _second = _third;
            _third = _fourth;
            _fourth = updated;
        }
    }
}
