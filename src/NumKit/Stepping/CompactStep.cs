using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NumKit.Kernels;
using NumKit.Numerics;

namespace NumKit.Stepping;

/// <summary>
/// One step of a rule over compact state, on this thread or split by tiles across the worker team.
/// </summary>
/// <remarks>
/// <para>
/// A generated rule (<see cref="IOptimizerRule{TSelf}.HasStoredKernel"/>) with float or <see cref="BFloat16"/>
/// parameters runs its stored kernel: one loop whose loads widen and whose stores round, per span — parameters as
/// the optimizer's <see cref="LowPrecisionUpdate"/> says, bfloat16 state in place — over runs of consecutive tiles
/// (<see cref="StoredRuns"/>), with the per-step values computed once per thread. Buffers the loop does not convert
/// (8-bit blockwise, or a range whose buffers mix storages) are widened into float copies on the stack tile by tile
/// and rounded back after the loop has run over the tile.
/// </para>
/// <para>
/// Otherwise (a rule written by hand, such as <c>Lookahead</c>, or <see cref="Half"/> parameters) tile by tile: each
/// buffer's tile widened to float on the stack, the rule's float kernel run on it, and the results narrowed back;
/// 16-bit parameters and gradients are widened into float tiles too, and the updated parameters narrowed back.
/// Both give the same bits: each element's loads, arithmetic and roundings are the same.
/// </para>
/// </remarks>
/// <typeparam name="TRule">The update rule.</typeparam>
/// <typeparam name="T">The parameters' element type: float, Half or BFloat16.</typeparam>
internal static unsafe class CompactStep<TRule, T>
    where TRule : struct, IOptimizerRule<TRule>
    where T : unmanaged
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

        if (job.Stored)
        {
            RunStoredPart(ref job, first, end, part);
            return;
        }

        Span<float> packed = stackalloc float[job.BufferCount * job.TileLength];
        Span<float> parameters = typeof(T) == typeof(float) ? default : stackalloc float[2 * job.TileLength];
        Span<double> scalars = stackalloc double[job.ScalarCount];
        for (int index = first; index < end; index++)
        {
            StepTile(ref job, in job.Tiles[index], packed, parameters, scalars);
        }

        // Every tile computes the same per-step scalar state from the same start; keep one copy of it.
        if (part == 0)
        {
            scalars.CopyTo(new Span<double>(job.Result, job.ScalarCount));
        }
    }

    /// <summary>Whether steps of <typeparamref name="TRule"/> over <typeparamref name="T"/> parameters run the generated stored kernel.</summary>
    public static bool RunsStored => TRule.HasStoredKernel && (typeof(T) == typeof(float) || typeof(T) == typeof(BFloat16));

    private static void RunStoredPart(ref Job job, int first, int end, int part)
    {
        // Float copies only for buffers the loop does not convert itself; none are touched otherwise.
        Span<float> scratch = !AllDirect(ref job, first, end)
            ? stackalloc float[job.BufferCount * job.TileLength]
            : default;
        StoredSpan* states = stackalloc StoredSpan[Math.Max(1, job.BufferCount)];
        Span<double> scalars = stackalloc double[job.ScalarCount];
        new ReadOnlySpan<double>(job.Scalars, job.ScalarCount).CopyTo(scalars);
        fixed (RunSource* source = &job.Source)
        fixed (float* copies = scratch)
        {
            var runs = new StoredRuns(source, first, end, copies, states);
            if (typeof(T) == typeof(float))
            {
                StepStored<Float32Storage, Float32Storage>(ref job, ref runs, scalars);
            }
            else
            {
                switch (job.Update)
                {
                    case LowPrecisionUpdate.StochasticRounding:
                        StepStored<BFloat16StochasticStorage, BFloat16Storage>(ref job, ref runs, scalars);
                        break;
                    case LowPrecisionUpdate.KahanSummation:
                        StepStored<BFloat16KahanStorage, BFloat16Storage>(ref job, ref runs, scalars);
                        break;
                    case LowPrecisionUpdate.Float32MasterCopy:
                        StepStored<BFloat16MasterCopyStorage, BFloat16Storage>(ref job, ref runs, scalars);
                        break;
                    default:
                        StepStored<BFloat16Storage, BFloat16Storage>(ref job, ref runs, scalars);
                        break;
                }
            }
        }

        // Every part computes the same per-step scalar state from the same start; keep one copy of it.
        if (part == 0)
        {
            scalars.CopyTo(new Span<double>(job.Result, job.ScalarCount));
        }
    }

    private static bool AllDirect(ref Job job, int first, int end)
    {
        for (int index = first; index < end; index++)
        {
            if (!job.Source.IsDirect(job.Tiles + index))
            {
                return false;
            }
        }

        return true;
    }

    // The state storage is the last choice: the one the loop converts in place (any other goes through float copies).
    private static void StepStored<TW, TG>(ref Job job, ref StoredRuns runs, Span<double> scalars)
        where TW : struct, IElementStorage
        where TG : struct, IElementStorage
    {
        ref readonly TRule rule = ref Unsafe.AsRef<TRule>(job.Rule);
        switch (job.Source.LoopStorage)
        {
            case StateStorage.BFloat16:
                TRule.StepStored<TW, TG, BFloat16Storage>(in rule, job.Step, ref runs, scalars);
                break;
            case StateStorage.BFloat16Stochastic:
                TRule.StepStored<TW, TG, BFloat16StochasticStorage>(in rule, job.Step, ref runs, scalars);
                break;
            default:
                TRule.StepStored<TW, TG, Float32Storage>(in rule, job.Step, ref runs, scalars);
                break;
        }
    }

    private static void StepTile(ref Job job, in Tile tile, Span<float> packed, Span<float> parameters, Span<double> scalars)
    {
        int length = tile.Length;
        for (int k = 0; k < job.BufferCount; k++)
        {
            CompactState.Widen(job.Arena, in job.Segments[tile.FirstSegment + k], tile.Within, packed.Slice(k * length, length));
        }

        Span<float> w;
        ReadOnlySpan<float> g;
        if (typeof(T) == typeof(float))
        {
            w = new Span<float>((float*)job.W + tile.Start, length);
            g = new ReadOnlySpan<float>((float*)job.G + tile.Start, length);
        }
        else
        {
            Span<float> gradients = parameters.Slice(job.TileLength, length);
            w = WidenParameters(ref job, in tile, parameters.Slice(0, length), gradients);
            ParameterConversion.Widen(new ReadOnlySpan<T>((T*)job.G + tile.Start, length), gradients);
            g = gradients;
        }

        new ReadOnlySpan<double>(job.Scalars, job.ScalarCount).CopyTo(scalars);
        TRule.Step(
            in Unsafe.AsRef<TRule>(job.Rule),
            job.Step,
            w,
            g,
            packed.Slice(0, job.BufferCount * length),
            length,
            scalars);

        for (int k = 0; k < job.BufferCount; k++)
        {
            CompactState.Narrow(job.Arena, in job.Segments[tile.FirstSegment + k], tile.Within, packed.Slice(k * length, length), job.Keys[k], tile.Start);
        }

        if (typeof(T) != typeof(float))
        {
            NarrowParameters(ref job, in tile, w, parameters.Slice(job.TileLength, length));
        }
    }

    // The float values the kernel steps: the master copy itself, or the parameters widened (plus their
    // compensation under Kahan summation) into the tile.
    private static Span<float> WidenParameters(scoped ref Job job, scoped in Tile tile, Span<float> tileValues, Span<float> scratch)
    {
        int length = tile.Length;
        if (job.Update == LowPrecisionUpdate.Float32MasterCopy)
        {
            return new Span<float>(job.Master + tile.Start, length);
        }

        ParameterConversion.Widen(new ReadOnlySpan<T>((T*)job.W + tile.Start, length), tileValues);
        if (job.Update == LowPrecisionUpdate.KahanSummation)
        {
            ParameterConversion.Widen(new ReadOnlySpan<T>((T*)job.Compensation + tile.Start, length), scratch);
            TensorPrimitives.Add(tileValues, scratch, tileValues); // element by element: the same bits on every path
        }

        return tileValues;
    }

    // The updated float values back into the 16-bit parameters; under Kahan summation what rounding lost
    // (exact in float: the value and its rounding are within one unit of each other) into the compensation.
    private static void NarrowParameters(ref Job job, in Tile tile, ReadOnlySpan<float> updated, Span<float> scratch)
    {
        var target = new Span<T>((T*)job.W + tile.Start, tile.Length);
        switch (job.Update)
        {
            case LowPrecisionUpdate.StochasticRounding:
                ParameterConversion.NarrowStochastic(updated, target, job.ParameterKey, tile.Start);
                break;
            case LowPrecisionUpdate.KahanSummation:
                ParameterConversion.NarrowToNearest(updated, target);
                ParameterConversion.Widen<T>(target, scratch);
                TensorPrimitives.Subtract(updated, scratch, scratch);
                ParameterConversion.NarrowToNearest<T>(scratch, new Span<T>((T*)job.Compensation + tile.Start, tile.Length));
                break;
            default:
                ParameterConversion.NarrowToNearest(updated, target);
                break;
        }
    }

    /// <summary>What every thread needs to step its share of a range's tiles.</summary>
    public struct Job
    {
        public void* Rule;
        public int Step;

        /// <summary>The parameters and gradients, of type T.</summary>
        public void* W;
        public void* G;
        public byte* Arena;
        public Segment* Segments;
        public int BufferCount;

        /// <summary>The longest tile: the stack holds BufferCount float copies of it (two more for 16-bit parameters).</summary>
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

        /// <summary>How 16-bit parameters take the update.</summary>
        public LowPrecisionUpdate Update;

        /// <summary>The float32 master copy (<see cref="LowPrecisionUpdate.Float32MasterCopy"/>), indexed as the parameters.</summary>
        public float* Master;

        /// <summary>The compensation, of type T (<see cref="LowPrecisionUpdate.KahanSummation"/>), indexed as the parameters.</summary>
        public void* Compensation;

        /// <summary>The stochastic rounding key of the parameters at this step.</summary>
        public uint ParameterKey;

        /// <summary>Whether the step runs the rule's stored kernel (<see cref="RunsStored"/>) over <see cref="Source"/>.</summary>
        public bool Stored;

        /// <summary>What the stored kernel's runs are made of.</summary>
        public RunSource Source;
    }
}
