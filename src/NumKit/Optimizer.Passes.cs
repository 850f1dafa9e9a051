using System;
using NumKit.Kernels;
using NumKit.Stepping;

namespace NumKit;

// Rules with reductions (norm(w), mean(g^2), ...): a step runs each tensor's passes over memory in turn. Between
// passes, the partials of each chunk of ReductionLanes.ChunkLength elements are added in chunk order, so a tensor
// split across threads (slices start on chunk boundaries, each writes its own chunks' partials) gives the same
// bits as one thread, and as the raw kernel, which adds them in the same order as it goes.
public unsafe partial class Optimizer<TRule, T>
{
    private readonly PassScratch? _passScratch;

    /// <summary>The buffers a multi-pass step works in, allocated once with the optimizer.</summary>
    private sealed class PassScratch
    {
        public PassScratch(ParameterLayout layout)
        {
            int longest = 0;
            foreach (ParameterTensor tensor in layout)
            {
                longest = Math.Max(longest, tensor.Length);
            }

            Partials = new double[Math.Max(1, ReductionLanes.ChunkCount(longest) * TRule.ReductionCount)];
            Sums = new double[Math.Max(1, TRule.ReductionCount)];
            TensorValues = new double[Math.Max(1, TRule.TensorValueCount)];
        }

        /// <summary>Each chunk's partial of each reduction, for the longest tensor.</summary>
        public double[] Partials { get; }

        public double[] Sums { get; }

        public double[] TensorValues { get; }
    }

    // Tensor by tensor, each with its group's rule; the per-step state is read by every pass (as it was before
    // this step) and written once per group at the end.
    private void StepPasses(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        for (int j = 0; j < Layout.Count; j++)
        {
            ParameterTensor tensor = Layout[j];
            if (tensor.Length == 0)
            {
                continue;
            }

            GroupRange range = _plan.RangeOf(j);
            ParameterGroup<TRule> group = _plan.Groups[range.Group];
            int within = tensor.Offset - range.Start;
            Span<T> state = TRule.StateNames.Count == 0
                ? Span<T>.Empty
                : _state.Packed(range).Slice(within, ((TRule.StateNames.Count - 1) * range.Length) + tensor.Length);
            StepTensor(in group.Rule, t, parameters.Slice(tensor.Offset, tensor.Length), gradients.Slice(tensor.Offset, tensor.Length), state, range.Length, group.Scalars);
        }

        if (TRule.ScalarStateNames.Count > 0)
        {
            foreach (ParameterGroup<TRule> group in _plan.Groups)
            {
                TRule.FinishStep(in group.Rule, t, group.BeginRange());
                group.CommitScalars();
            }
        }
    }

    private void StepTensor(in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stride, ReadOnlySpan<double> scalars)
    {
        PassScratch scratch = _passScratch!;
        int chunks = ReductionLanes.ChunkCount(w.Length);
        Span<double> partials = scratch.Partials.AsSpan(0, chunks * TRule.ReductionCount);
        Span<double> sums = scratch.Sums;
        Span<double> values = scratch.TensorValues;
        int threads = ThreadsForStep(w.Length);
        for (int pass = 1; pass <= TRule.PassCount; pass++)
        {
            if (threads <= 1)
            {
                RuleKernel<TRule, T>.StepPass(pass, in rule, t, w, g, state, stride, scalars, values, partials);
            }
            else
            {
                StepPassSliced(pass, in rule, t, w, g, state, stride, scalars, values, partials, threads);
            }

            sums.Clear();
            TRule.FoldPartials(pass, partials, chunks, sums);
            TRule.FinishPass(pass, in rule, t, w.Length, scalars, sums, values);
        }
    }

    private static void StepPassSliced(int pass, in TRule rule, int t, Span<T> w, ReadOnlySpan<T> g, Span<T> state, int stride, ReadOnlySpan<double> scalars, ReadOnlySpan<double> values, Span<double> partials, int threads)
    {
        // Slices of whole chunks, several per thread (WorkerTeam explains why): each writes its own chunks' partials.
        int chunksPerSlice = (ReductionLanes.ChunkCount(w.Length) + WorkerTeam.PartsFor(threads) - 1) / WorkerTeam.PartsFor(threads);
        RunSliced(pass, in rule, t, w, g, state, stride, scalars, scalarCopies: default, values, partials, chunksPerSlice * ReductionLanes.ChunkLength, threads);
    }
}
