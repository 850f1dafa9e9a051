using System;
using System.Runtime.CompilerServices;
using NumKit.Kernels;
using NumKit.Numerics;

namespace NumKit.Stepping;

/// <summary>
/// One step of a rule over compact state: tile by tile, each buffer's tile widened to float on the stack,
/// the rule's float kernel run on it, and the results narrowed back — on this thread or split by tiles
/// across the worker team.
/// </summary>
/// <typeparam name="TRule">The update rule.</typeparam>
internal static unsafe class CompactStep<TRule>
    where TRule : struct, IOptimizerRule<TRule>
{
    /// <summary>Steps the tiles of one range in <paramref name="parts"/> parts on up to <paramref name="threads"/> threads. The job's pointers must stay valid until this returns.</summary>
    public static void Run(ref Job job, int parts, int threads)
    {
        job.TilesPerPart = (job.TileCount + parts - 1) / Math.Max(1, parts);
        fixed (Job* context = &job)
        {
            if (parts <= 1 || threads <= 1)
            {
                job.TilesPerPart = job.TileCount;
                RunPart(context, 0);
            }
            else
            {
                WorkerTeam.Shared.Run(&RunPart, context, parts, threads);
            }
        }
    }

    private static void RunPart(void* context, int part)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int first = part * job.TilesPerPart;
        int end = Math.Min(job.TileCount, first + job.TilesPerPart);
        if (first >= end)
        {
            return;
        }

        Span<float> packed = stackalloc float[job.BufferCount * job.TileLength];
        Span<double> scalars = stackalloc double[job.ScalarCount];
        for (int index = first; index < end; index++)
        {
            StepTile(ref job, in job.Tiles[index], packed, scalars);
        }

        // Every tile computes the same per-step scalar state from the same start; keep one copy of it.
        if (part == 0)
        {
            scalars.CopyTo(new Span<double>(job.Result, job.ScalarCount));
        }
    }

    private static void StepTile(ref Job job, in Tile tile, Span<float> packed, Span<double> scalars)
    {
        int length = tile.Length;
        for (int k = 0; k < job.BufferCount; k++)
        {
            CompactState.Widen(job.Arena, in job.Segments[tile.FirstSegment + k], tile.Within, packed.Slice(k * length, length));
        }

        new ReadOnlySpan<double>(job.Scalars, job.ScalarCount).CopyTo(scalars);
        TRule.Step(
            in Unsafe.AsRef<TRule>(job.Rule),
            job.Step,
            new Span<float>(job.W + tile.Start, length),
            new ReadOnlySpan<float>(job.G + tile.Start, length),
            packed.Slice(0, job.BufferCount * length),
            length,
            scalars);

        for (int k = 0; k < job.BufferCount; k++)
        {
            CompactState.Narrow(job.Arena, in job.Segments[tile.FirstSegment + k], tile.Within, packed.Slice(k * length, length), job.Keys[k], tile.Start);
        }
    }

    /// <summary>What every thread needs to step its share of a range's tiles.</summary>
    public struct Job
    {
        public void* Rule;
        public int Step;
        public float* W;
        public float* G;
        public byte* Arena;
        public Segment* Segments;
        public int BufferCount;

        /// <summary>The longest tile: the stack holds BufferCount float copies of it.</summary>
        public int TileLength;
        public Tile* Tiles;
        public int TileCount;
        public int TilesPerPart;

        /// <summary>The range's per-step scalar state before the step (read only).</summary>
        public double* Scalars;

        /// <summary>Where the step's new per-step scalar state goes.</summary>
        public double* Result;
        public int ScalarCount;

        /// <summary>Per buffer, the stochastic rounding key of this step.</summary>
        public uint* Keys;
    }
}
