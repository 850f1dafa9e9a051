using System;
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
        // Several slices per thread, so the caller can take over slices a worker has not started (WorkerTeam
        // explains why); slices of whole vectors and cache lines. Every slice but the first advances a private
        // copy of the per-step scalars (see the top of this file).
        int slices = WorkerTeam.PartsFor(threads);
        int sliceLength = (w.Length + slices - 1) / slices;
        sliceLength = (sliceLength + SliceAlignment - 1) / SliceAlignment * SliceAlignment;
        Span<double> scalarCopies = stackalloc double[(slices - 1) * scalars.Length];
        for (int i = 1; i < slices; i++)
        {
            scalars.CopyTo(scalarCopies.Slice((i - 1) * scalars.Length));
        }

        RunSliced(pass: 0, in rule, t, w, g, state, stride: w.Length, scalars, scalarCopies, values: default, partials: default, sliceLength, threads);
    }
}
