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

    // Whether a step runs the passes of a rule with reductions (over tensors or over groups) rather than one kernel call.
    private static bool IsMultiPass => TRule.PassCount > 1 || TRule.ReducesOverGroups;

    // Tensor by tensor, each with its group's rule; the per-step state is read by every pass (as it was before
    // this step) and written once per group at the end.
    private void StepPasses(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (TRule.ReducesOverGroups)
        {
            StepGroupPasses(t, parameters, gradients);
            return;
        }

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
            if (TRule.ReducesMatrices)
            {
                StepMatrixTensor(in group.Rule, t, j, parameters.Slice(tensor.Offset, tensor.Length), gradients.Slice(tensor.Offset, tensor.Length), state, range.Length, group.Scalars);
                continue;
            }

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

    // Group by group: each pass runs over every tensor of the group in layout order, its chunks' partials added to the
    // group's sums tensor after tensor (the order the raw kernel's UpdateGroupPass adds them in), then FinishPass computes
    // the group's values, which the later passes of the group's tensors read; FinishGroupStep writes the group's scalar
    // state (per step and per group) once, at the end.
    private void StepGroupPasses(int t, Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        PassScratch scratch = _passScratch!;
        Span<double> sums = scratch.Sums;
        Span<double> values = scratch.TensorValues;
        ReadOnlySpan<ParameterGroup<TRule>> groups = _plan.Groups;
        for (int index = 0; index < groups.Length; index++)
        {
            ParameterGroup<TRule> group = groups[index];
            values.Clear();
            for (int pass = 1; pass <= TRule.PassCount; pass++)
            {
                sums.Clear();
                int count = 0;
                for (int j = 0; j < Layout.Count; j++)
                {
                    ParameterTensor tensor = Layout[j];
                    if (tensor.Length == 0 || _plan.GroupOf(j) != index)
                    {
                        continue;
                    }

                    GroupRange range = _plan.RangeOf(j);
                    int within = tensor.Offset - range.Start;
                    Span<T> state = TRule.StateNames.Count == 0
                        ? Span<T>.Empty
                        : _state.Packed(range).Slice(within, ((TRule.StateNames.Count - 1) * range.Length) + tensor.Length);
                    Span<T> w = parameters.Slice(tensor.Offset, tensor.Length);
                    int chunks = ReductionLanes.ChunkCount(w.Length);
                    Span<double> partials = scratch.Partials.AsSpan(0, chunks * TRule.ReductionCount);
                    int threads = ThreadsForStep(w.Length);
                    if (threads <= 1)
                    {
                        RuleKernel<TRule, T>.StepPass(pass, in group.Rule, t, w, gradients.Slice(tensor.Offset, tensor.Length), state, range.Length, group.Scalars, values, partials);
                    }
                    else
                    {
                        StepPassSliced(pass, in group.Rule, t, w, gradients.Slice(tensor.Offset, tensor.Length), state, range.Length, group.Scalars, values, partials, threads);
                    }

                    TRule.FoldPartials(pass, partials, chunks, sums);
                    count += tensor.Length;
                }

                TRule.FinishPass(pass, in group.Rule, t, count, group.Scalars, sums, values);
            }

            TRule.FinishGroupStep(in group.Rule, t, values, group.BeginRange());
            group.CommitScalars();
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
