using System;
using System.Runtime.CompilerServices;
using NumKit.Kernels;
using NumKit.Stepping;

namespace NumKit;

// Splitting a step across threads. Every element's update is independent of every other's, so a range can be
// cut into slices and each slice stepped on its own thread with the same kernel: the result is the same, bit
// for bit, as one call over the whole range. Per-step scalar state (NAdam's running product) is the one thing
// a kernel call advances for the whole range; every slice but the first advances a private copy, which is
// thrown away, so it advances once.
public unsafe partial class Optimizer<TRule, T>
{
    /// <summary>
    /// The fewest parameters a thread is given when a step is split: below twice this, a step runs on the
    /// calling thread alone, since handing work to another core costs about as much as the work.
    /// </summary>
    public const int MinimumParametersPerThread = 16 * 1024;

    // Slices start on multiples of this many elements (256 B of floats): whole cache lines and whole vectors
    // of every width, so no two threads write the same line.
    private const int SliceAlignment = 64;

    private int _maxDegreeOfParallelism = 1;

    /// <summary>
    /// How many threads one <see cref="Step(Span{T}, ReadOnlySpan{T})"/> may use: 1 (the default) runs every step on
    /// the calling thread; more lets a step of at least 2 × <see cref="MinimumParametersPerThread"/> parameters be
    /// split into equal slices run at once by the caller and NumKit's worker threads (one per further core,
    /// started on first use). The results are the same, bit for bit, either way.
    /// </summary>
    /// <remarks>
    /// A large step is bound by memory bandwidth, and one core cannot use all of it: on a two-core machine two
    /// threads step 1 Mi parameters of Adam about twice as fast (see benchmarks/README.md). Between steps, a
    /// worker spins for a fraction of a millisecond waiting for the next one, then sleeps. If the workers are busy
    /// with another optimizer's step, a step runs on the calling thread instead of waiting.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDegreeOfParallelism = value;
        }
    }

    // Steps one range (all of it, or one group's run), whose state buffers are packed one after another in
    // 'state' (w.Length apart): on this thread, or split into slices across the worker team.
    private void StepRange(in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, Span<double> scalars)
    {
        int threads = ThreadsForStep(w.Length);
        if (threads <= 1)
        {
            RuleKernel<TRule, T>.Step(in rule, t, w, g, state, w.Length, scalars);
            return;
        }

        StepSliced(in rule, t, w, g, state, scalars, threads);
    }

    // A rule whose hyperparameter getters run its author's code steps on the calling thread only: a part on a
    // worker would run that code there, once per part (and a getter that throws or changes its answer between
    // parts would leave the step half-applied). Otherwise the parts get a copy of the rule made on this thread,
    // whose auto-properties are stored values: no code of the rule's author runs on a worker.
    private int ThreadsForStep(int length)
        => TRule.HasComputedHyperparameters ? 1 : WorkerTeam.ThreadsFor(_maxDegreeOfParallelism, length, MinimumParametersPerThread);

    private static void StepSliced(in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, Span<double> scalars, int threads)
    {
        // The job lives on this stack frame and everything it points to is pinned (or on this stack) until
        // WorkerTeam.Run returns, which is after every slice has finished. Several slices per thread, so the
        // caller can take over slices a worker has not started (WorkerTeam explains why).
        int slices = WorkerTeam.PartsFor(threads);
        TRule ruleCopy = rule;
        Span<double> scalarCopies = stackalloc double[(slices - 1) * scalars.Length];
        for (int i = 1; i < slices; i++)
        {
            scalars.CopyTo(scalarCopies.Slice((i - 1) * scalars.Length));
        }

        int sliceLength = (w.Length + slices - 1) / slices;
        sliceLength = (sliceLength + SliceAlignment - 1) / SliceAlignment * SliceAlignment;
        fixed (T* wp = w)
        fixed (T* gp = g)
        fixed (T* statep = state)
        fixed (double* scalarp = scalars)
        fixed (double* copiesp = scalarCopies)
        {
            var job = new SlicedStep
            {
                Rule = Unsafe.AsPointer(ref ruleCopy),
                Step = t,
                W = wp,
                G = gp,
                State = statep,
                Length = w.Length,
                SliceLength = sliceLength,
                Scalars = scalarp,
                ScalarCopies = copiesp,
                ScalarCount = scalars.Length,
            };
            WorkerTeam.Shared.Run(&StepSlice, &job, slices, threads);
        }
    }

    private static void StepSlice(void* context, int slice)
    {
        ref SlicedStep job = ref Unsafe.AsRef<SlicedStep>(context);
        int start = slice * job.SliceLength;
        int length = Math.Min(job.SliceLength, job.Length - start);
        if (length <= 0)
        {
            return;
        }

        var scalars = slice == 0
            ? new Span<double>(job.Scalars, job.ScalarCount)
            : new Span<double>(job.ScalarCopies + (slice - 1) * job.ScalarCount, job.ScalarCount);

        // The slice's part of state buffer k starts at k * Length + start: the whole range's stride, offset.
        int stateLength = (TRule.StateNames.Count - 1) * job.Length + length;
        var state = TRule.StateNames.Count == 0 ? Span<T>.Empty : new Span<T>(job.State + start, stateLength);
        RuleKernel<TRule, T>.Step(
            in Unsafe.AsRef<TRule>(job.Rule),
            job.Step,
            new Span<T>(job.W + start, length),
            new ReadOnlySpan<T>(job.G + start, length),
            state,
            job.Length,
            scalars);
    }

    /// <summary>One step split into slices: what every thread needs to find its slice.</summary>
    private struct SlicedStep
    {
        public void* Rule;
        public int Step;
        public T* W;
        public T* G;
        public T* State;
        public int Length;
        public int SliceLength;
        public double* Scalars;
        public double* ScalarCopies;
        public int ScalarCount;
    }
}
