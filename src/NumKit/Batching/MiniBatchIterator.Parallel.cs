using System;
using NumKit.Kernels;

namespace NumKit.Batching;

// Gathering one shuffled batch on several threads. A shuffled gather waits on memory, one cache (and TLB)
// miss per row or value, and a core can keep only so many misses in flight; a second core doubles them.
// Each thread gathers a contiguous share of the batch's examples into their own places in the buffers, so
// the batch is the same whichever thread gathered which example.
public sealed partial class MiniBatchIterator<T>
{
    /// <summary>
    /// The fewest bytes of a batch a thread is given when a gather is split: a batch smaller than twice this
    /// is gathered on the calling thread alone.
    /// </summary>
    public const int MinimumBytesPerThread = 16 * 1024;

    // A share holds at least one example, so never more shares than examples.
    private int GatherThreads(int count)
        => Math.Min(count, WorkerTeam.ThreadsFor(
            Options.MaxDegreeOfParallelism,
            (long)count * (FeatureCount + LabelCount) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(),
            MinimumBytesPerThread));

    private unsafe void GatherSplit(ReadOnlySpan<int> upcoming, int count, Span<T> features, Span<T> labels, int threads)
    {
        // Several shares per thread, so the caller can take over shares a worker has not started (see WorkerTeam).
        int shares = Math.Min(count, WorkerTeam.PartsFor(threads));
        // Everything the job points to is pinned (or is this frame's) until WorkerTeam.Run returns, after
        // every share has been gathered.
        fixed (T* featureSource = _features.Span)
        fixed (T* labelSource = _labels.Span)
        fixed (int* upcomingp = upcoming)
        fixed (T* featureTarget = features)
        fixed (T* labelTarget = labels)
        {
            var job = new SplitGather
            {
                Rows = Layout == ExampleLayout.Rows,
                FeatureSource = featureSource,
                LabelSource = labelSource,
                SourceLength = _features.Length,
                LabelSourceLength = _labels.Length,
                FeatureCount = FeatureCount,
                LabelCount = LabelCount,
                ExampleCount = ExampleCount,
                Upcoming = upcomingp,
                UpcomingLength = upcoming.Length,
                Count = count,
                Shares = shares,
                FeatureTarget = featureTarget,
                LabelTarget = labelTarget,
            };
            WorkerTeam.Shared.Run(&GatherShare, &job, shares, threads);
        }
    }

    private static unsafe void GatherShare(void* context, int share)
    {
        ref SplitGather job = ref System.Runtime.CompilerServices.Unsafe.AsRef<SplitGather>(context);
        int begin = (int)((long)job.Count * share / job.Shares);
        int end = (int)((long)job.Count * (share + 1) / job.Shares);
        var features = new ReadOnlySpan<T>(job.FeatureSource, job.SourceLength);
        var labels = new ReadOnlySpan<T>(job.LabelSource, job.LabelSourceLength);
        var upcoming = new ReadOnlySpan<int>(job.Upcoming, job.UpcomingLength);
        var featureTarget = new Span<T>(job.FeatureTarget, job.FeatureCount * job.Count);
        var labelTarget = new Span<T>(job.LabelTarget, job.LabelCount * job.Count);
        if (job.Rows)
        {
            GatherRows(features, job.FeatureCount, upcoming, begin, end, run: -1, featureTarget);
            GatherRows(labels, job.LabelCount, upcoming, begin, end, run: -1, labelTarget);
        }
        else
        {
            ReadOnlySpan<int> examples = upcoming.Slice(0, job.Count);
            GatherColumns(features, job.FeatureCount, job.ExampleCount, examples, begin, end, run: -1, featureTarget);
            GatherColumns(labels, job.LabelCount, job.ExampleCount, examples, begin, end, run: -1, labelTarget);
        }
    }

    /// <summary>One batch gathered in shares: what every thread needs to find its share.</summary>
    private unsafe struct SplitGather
    {
        public bool Rows;
        public T* FeatureSource;
        public T* LabelSource;
        public int SourceLength;
        public int LabelSourceLength;
        public int FeatureCount;
        public int LabelCount;
        public int ExampleCount;
        public int* Upcoming;
        public int UpcomingLength;
        public int Count;
        public int Shares;
        public T* FeatureTarget;
        public T* LabelTarget;
    }
}
