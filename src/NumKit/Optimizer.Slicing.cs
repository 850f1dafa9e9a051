using System;
using System.Runtime.CompilerServices;
using NumKit.Kernels;
using NumKit.Stepping;

namespace NumKit;

// One sliced job for both kinds of split work: a whole step of a range (StepSliced) and one pass of a multi-pass
// step over a tensor (StepPassSliced). They differ only in how long a slice is (whole vectors and cache lines for a
// step, whole reduction chunks for a pass) and in what a slice passes to its kernel, so the pinning, the job on the
// stack and the call into the worker team live here once.
public unsafe partial class Optimizer<TRule, T>
{
    // Runs the kernel over w in slices of 'sliceLength' elements (the last may be shorter) on up to 'threads'
    // threads of the shared team. 'pass' is 0 for a whole step (RuleKernel.Step), else the pass of a multi-pass
    // step (RuleKernel.StepPass). 'stride' is the distance between the state buffers packed in 'state'.
    //
    // A whole step's slice 0 advances 'scalars' in place (StepSliced passes its writable span here), and slice i
    // advances its own copy in 'scalarCopies' (at least slices − 1 of them), which is thrown away. A pass reads
    // 'scalars' and 'values' only and writes each chunk's partials at the chunk's own index in 'partials', so
    // slices of whole chunks never share one; a whole step passes empty 'values' and 'partials'.
    //
    // The job lives on this stack frame, and everything it points to is pinned (or on the caller's stack) until
    // WorkerTeam.Run returns, which is after every slice has finished; which thread runs a slice never changes
    // its result.
    private static void RunSliced(int pass, in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stride, ReadOnlySpan<double> scalars, Span<double> scalarCopies, ReadOnlySpan<double> values, Span<double> partials, int sliceLength, int threads)
    {
        int slices = (int)(((long)w.Length + sliceLength - 1) / sliceLength);
        TRule ruleCopy = rule;
        fixed (T* wp = w)
        fixed (T* gp = g)
        fixed (T* statep = state)
        fixed (double* scalarp = scalars)
        fixed (double* copiesp = scalarCopies)
        fixed (double* valuesp = values)
        fixed (double* partialsp = partials)
        {
            var job = new SlicedJob
            {
                Rule = Unsafe.AsPointer(ref ruleCopy),
                Pass = pass,
                Step = t,
                W = wp,
                G = gp,
                State = statep,
                Stride = stride,
                Length = w.Length,
                SliceLength = sliceLength,
                Scalars = scalarp,
                ScalarCopies = copiesp,
                ScalarCount = scalars.Length,
                Values = valuesp,
                ValueCount = values.Length,
                Partials = partialsp,
            };
            WorkerTeam.Shared.Run(&RunSlice, &job, slices, Math.Min(threads, slices), work: w.Length);
        }
    }

    private static void RunSlice(void* context, int slice)
    {
        ref SlicedJob job = ref Unsafe.AsRef<SlicedJob>(context);
        int start = (int)((long)slice * job.SliceLength);
        int length = Math.Min(job.SliceLength, job.Length - start);

        // The slice's part of state buffer k starts at k * Stride + start: the whole range's stride, offset.
        var state = TRule.StateNames.Count == 0 ? Span<T>.Empty : new Span<T>(job.State + start, ((TRule.StateNames.Count - 1) * job.Stride) + length);
        var w = new Span<T>(job.W + start, length);
        var g = new ReadOnlySpan<T>(job.G + start, length);
        ref readonly TRule rule = ref Unsafe.AsRef<TRule>(job.Rule);
        if (job.Pass == 0)
        {
            var scalars = slice == 0
                ? new Span<double>(job.Scalars, job.ScalarCount)
                : new Span<double>(job.ScalarCopies + ((slice - 1) * job.ScalarCount), job.ScalarCount);
            RuleKernel<TRule, T>.Step(in rule, job.Step, w, g, state, job.Stride, scalars);
        }
        else
        {
            int reductions = TRule.ReductionCount;
            var partials = new Span<double>(job.Partials + ((long)(start / ReductionLanes.ChunkLength) * reductions), ReductionLanes.ChunkCount(length) * reductions);
            RuleKernel<TRule, T>.StepPass(job.Pass, in rule, job.Step, w, g, state, job.Stride, new ReadOnlySpan<double>(job.Scalars, job.ScalarCount), new ReadOnlySpan<double>(job.Values, job.ValueCount), partials);
        }
    }

    /// <summary>One step or one pass split into slices: what every thread needs to find its slice.</summary>
    private struct SlicedJob
    {
        public void* Rule;
        public int Pass;
        public int Step;
        public T* W;
        public T* G;
        public T* State;
        public int Stride;
        public int Length;
        public int SliceLength;
        public double* Scalars;
        public double* ScalarCopies;
        public int ScalarCount;
        public double* Values;
        public int ValueCount;
        public double* Partials;
    }
}
