using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NumKit.Generators.Emit;
using NumKit.Generators.Equations;
using NumKit.Generators.Model;

namespace NumKit.Generators;

public sealed partial class OptimizerGenerator
{
    /// <summary>
    /// The kernels of rules with reductions: one method per pass over the elements (chunked, so each
    /// reduction's partials have a fixed order), the values between passes, the per-step state written once,
    /// and the members <c>Optimizer&lt;TRule&gt;</c> drives them with (<c>StepPass</c>, <c>FoldPartials</c>,
    /// <c>FinishPass</c>, <c>FinishStep</c>). The calling convention is in the README's "Reductions" section.
    /// </summary>
    private sealed partial class RuleWriter
    {
        // The raw kernel folds this many chunks' partials at a time (its stack buffer), in chunk order.
        private const int BlockChunks = 16;

        private const string Lanes = Kernels + ".ReductionLanes";
        private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
        private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";

        private int ReductionCount => _plan.Reductions.Count;

        // Every value between passes: the reductions' results first, then the per-tensor statements, pass by pass.
        private IEnumerable<StepAssignment> AfterAssignments => _plan.Passes.SelectMany(p => p.After);

        private int TensorValueCount => ReductionCount + AfterAssignments.Count();

        private int ValueIndex(StepAssignment after) => ReductionCount + AfterAssignments.ToList().FindIndex(a => a.Name == after.Name && a.Version == after.Version);

        private void WritePasses()
        {
            if (_plan.ReducesMatrices)
            {
                WriteMatrixUpdateCore();
                WriteMatrixPasses();
                return;
            }

            WritePassMembers();
            if (_plan.ReducesOverGroups)
            {
                WriteGroupPassCore();
            }
            else
            {
                WriteMultiPassUpdateCore();
            }

            WritePassPacked();
            WritePassCore();
            foreach (PassPlan pass in _plan.Passes)
            {
                WritePass(pass);
                WritePassSweep(pass);
                WritePassStruct(pass);
            }

            WriteFold();
            WriteFinish();
            WriteFinishStep();
        }

        private void WritePassMembers()
        {
            _w.Line($"static int {_interface}.PassCount => {_plan.Passes.Count};");
            _w.Line();
            _w.Line($"static int {_interface}.ReductionCount => {ReductionCount};");
            _w.Line();
            _w.Line($"static int {_interface}.TensorValueCount => {TensorValueCount};");
            _w.Line();
            foreach (string precision in new[] { "float", "double" })
            {
                _w.Line($"static void {_interface}.StepPass(int pass, in {_type} rule, int t, global::System.Span<{precision}> w, global::System.ReadOnlySpan<{precision}> g, global::System.Span<{precision}> state, int stateStride, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> tensorValues, global::System.Span<double> partials)");
                _w.Indent().Line($"=> {_m.PassPacked}(pass, in rule, t, w, g, state, stateStride, scalarState, tensorValues, partials);").Unindent();
                _w.Line();
            }

            _w.Line($"static void {_interface}.FoldPartials(int pass, global::System.ReadOnlySpan<double> partials, int chunks, global::System.Span<double> sums)");
            _w.Indent().Line($"=> {_m.Fold}(pass, partials, chunks, sums);").Unindent();
            _w.Line();
            _w.Line($"static void {_interface}.FinishPass(int pass, in {_type} rule, int t, int count, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> sums, global::System.Span<double> tensorValues)");
            _w.Indent().Line($"=> {_m.Finish}(pass, in rule, t, count, scalarState, sums, tensorValues);").Unindent();
            _w.Line();
            if (_plan.ReducesOverGroups)
            {
                _w.Line($"static bool {_interface}.ReducesOverGroups => true;");
                _w.Line();
                _w.Line($"static void {_interface}.FinishStep(in {_type} rule, int t, global::System.Span<double> scalarState)");
                _w.Indent().Line($"=> throw new global::System.NotSupportedException(\"{_type} reduces over every tensor of a group: its per-group state needs the group's values; call FinishGroupStep.\");").Unindent();
                _w.Line();
                _w.Line($"static void {_interface}.FinishGroupStep(in {_type} rule, int t, global::System.ReadOnlySpan<double> groupValues, global::System.Span<double> scalarState)");
                _w.Indent().Line($"=> {_m.FinishStep}(in rule, t, groupValues, scalarState);").Unindent();
                _w.Line();
                return;
            }

            _w.Line($"static void {_interface}.FinishStep(in {_type} rule, int t, global::System.Span<double> scalarState)");
            _w.Indent().Line($"=> {_m.FinishStep}(in rule, t, scalarState);").Unindent();
            _w.Line();
        }

        // The scratch a caller of the two-phase raw kernel holds for one group: the sums of the pass under way, the values
        // between passes, and the count of elements the pass has seen.
        private int GroupScratchLength => ReductionCount + TensorValueCount + 1;

        /// <summary>
        /// The public two-phase raw kernel of a rule that reduces over groups, for callers who own their memory:
        /// <c>UpdateGroupPass(pass, ...)</c> over each tensor of the group, then <c>FinishGroupPass(pass, ...)</c>, for each
        /// pass in turn; then <c>FinishGroupStep</c>. The caller holds the group's scratch (<c>GroupScratchLength</c>
        /// doubles, zero at the start of a step) and its scalar state.
        /// </summary>
        private void WriteGroupKernels()
        {
            int passes = _plan.Passes.Count;
            _w.Line($"/// <summary>How many passes over every tensor of a group a step of {_type} makes: call <c>UpdateGroupPass</c> for passes 1 to {passes}.</summary>");
            _w.Line($"public const int GroupPassCount = {passes};");
            _w.Line();
            _w.Line($"/// <summary>The doubles of the scratch a caller of the two-phase kernel holds for one group and step (zero when the step starts): {ReductionCount} sum(s) of the pass under way, {TensorValueCount} value(s) between passes, the pass's element count.</summary>");
            _w.Line($"public const int GroupScratchLength = {GroupScratchLength};");
            _w.Line();
            foreach (string precision in new[] { "float", "double" })
            {
                _w.Line("/// <summary>");
                _w.Line($"/// Runs pass <paramref name=\"pass\"/> of step <paramref name=\"t\"/> of {_type} over one tensor of a parameter group. Its reductions run over");
                _w.Line("/// every tensor of the group, so a step is in two phases (or more): for each pass from 1 to <see cref=\"GroupPassCount\"/>, call this once");
                _w.Line("/// for each tensor of the group, always in the same order, then <see cref=\"FinishGroupPass\"/>; after the last pass, <see cref=\"FinishGroupStep\"/>.");
                _w.Line("/// Sums are added chunk by chunk in tensor order, so the bits are those of <c>Optimizer&lt;TRule&gt;</c> stepping the group; allocates nothing.");
                _w.Line("/// </summary>");
                WriteEquationsRemarks();
                _w.Line("/// <param name=\"pass\">The pass, 1 to <see cref=\"GroupPassCount\"/>.</param>");
                _w.Line("/// <param name=\"rule\">The hyperparameters (the group's).</param>");
                _w.Line("/// <param name=\"t\">The step number: 1 on the first step.</param>");
                _w.Line("/// <param name=\"w\">One tensor's parameters, updated in place by the pass that updates them.</param>");
                _w.Line("/// <param name=\"g\">Its gradients.</param>");
                foreach (StateSlot state in _plan.ElementStates)
                {
                    _w.Line($"/// <param name=\"{PublicName(state.Name).TrimStart('@')}\">State <c>{Xml(state.Name)}</c> of the equations for this tensor, one value per parameter.</param>");
                }

                _w.Line($"/// <param name=\"scalarState\">The group's per-step and per-group state ({string.Join(", ", _plan.ScalarStates.Select(st => Xml(st.Name)))}), as the last step left it: read, never written here.</param>");
                _w.Line("/// <param name=\"group\">The group's scratch, <see cref=\"GroupScratchLength\"/> doubles, zero when the step starts.</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length differs from <paramref name=\"w\"/>'s, two spans overlap, or a buffer is too short; nothing is written.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"t\"/> is less than 1, or <paramref name=\"pass\"/> is not a pass; nothing is written.</exception>");
                var parameters = new List<string> { "int pass", $"in {_type} rule", "int t", $"global::System.Span<{precision}> w", $"global::System.ReadOnlySpan<{precision}> g" };
                parameters.AddRange(_plan.ElementStates.Select(st => $"global::System.Span<{precision}> {PublicName(st.Name)}"));
                parameters.Add("global::System.ReadOnlySpan<double> scalarState");
                parameters.Add("global::System.Span<double> group");
                var arguments = new List<string> { "pass", "in rule", "t", "w", "g" };
                arguments.AddRange(_plan.ElementStates.Select(st => PublicName(st.Name)));
                arguments.Add("scalarState");
                arguments.Add("group");
                _w.Line($"public static void UpdateGroupPass({string.Join(", ", parameters)})");
                _w.Indent().Line($"=> {_m.UpdateCore}({string.Join(", ", arguments)});").Unindent();
                _w.Line();
            }

            _w.Line("/// <summary>");
            _w.Line("/// After pass <paramref name=\"pass\"/> has run over every tensor of the group: the group's reductions and the values computed from them,");
            _w.Line("/// kept in <paramref name=\"group\"/> for the later passes; the pass's sums are cleared for the next.");
            _w.Line("/// </summary>");
            _w.Line("/// <param name=\"pass\">The pass that has just run, 1 to <see cref=\"GroupPassCount\"/>.</param>");
            _w.Line("/// <param name=\"rule\">The hyperparameters (the group's).</param>");
            _w.Line("/// <param name=\"t\">The step number.</param>");
            _w.Line("/// <param name=\"scalarState\">The group's scalar state, as the last step left it.</param>");
            _w.Line("/// <param name=\"group\">The group's scratch.</param>");
            _w.Line($"public static void FinishGroupPass(int pass, in {_type} rule, int t, global::System.ReadOnlySpan<double> scalarState, global::System.Span<double> group)");
            _w.Open();
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(group.Length, GroupScratchLength, nameof(group));");
            _w.Line($"{_m.Finish}(pass, in rule, t, (int)group[{ReductionCount + TensorValueCount}], scalarState, group.Slice(0, {ReductionCount}), group.Slice({ReductionCount}, {TensorValueCount}));");
            _w.Line($"group.Slice(0, {ReductionCount}).Clear();");
            _w.Line($"group[{ReductionCount + TensorValueCount}] = 0.0;");
            _w.Close();
            _w.Line();
            _w.Line("/// <summary>After the last pass: writes the per-step and per-group state this step leaves for the next into <paramref name=\"scalarState\"/>.</summary>");
            _w.Line("/// <param name=\"rule\">The hyperparameters (the group's).</param>");
            _w.Line("/// <param name=\"t\">The step number.</param>");
            _w.Line("/// <param name=\"scalarState\">The group's scalar state: read as the last step left it, then overwritten with this step's.</param>");
            _w.Line("/// <param name=\"group\">The group's scratch, after the last <see cref=\"FinishGroupPass\"/>.</param>");
            _w.Line($"public static void FinishGroupStep(in {_type} rule, int t, global::System.Span<double> scalarState, global::System.ReadOnlySpan<double> group)");
            _w.Open();
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(group.Length, GroupScratchLength, nameof(group));");
            _w.Line($"{_m.FinishStep}(in rule, t, group.Slice({ReductionCount}, {TensorValueCount}), scalarState);");
            _w.Close();
            _w.Line();
        }

        // UpdateGroupPass for either precision: one pass over one tensor, its chunk partials folded into the group's sums.
        private void WriteGroupPassCore()
        {
            var parameters = new List<string> { "int pass", $"in {_type} rule", "int t" };
            parameters.AddRange(SpanParameters(_t));
            parameters.Add("global::System.ReadOnlySpan<double> scalarState");
            parameters.Add("global::System.Span<double> group");
            _w.Line("/// <summary>One pass over one tensor of a group, for either precision: checks, then the pass chunk by chunk, its partials added to the group's sums.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {_m.UpdateCore}<{_t}>({string.Join(", ", parameters)})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line("// Refuse bad arguments before anything is written.");
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"if (pass < 1 || pass > {_plan.Passes.Count})").Open();
            _w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(pass), pass, \"{_type} makes {_plan.Passes.Count} passes, 1 to {_plan.Passes.Count}.\");");
            _w.Close();
            _w.Line();
            foreach ((string name, string id) in _spans.Skip(1))
            {
                _w.Line($"{Kernels}.KernelGuard.RequireLength({id}.Length, w.Length, \"{PublicName(name).TrimStart('@')}\");");
            }

            WriteOverlapChecks();
            _w.Line($"{Kernels}.KernelGuard.RequireScalarState(scalarState.Length, {_plan.ScalarStates.Count}, nameof(scalarState));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(group.Length, GroupScratchLength, nameof(group));");
            _w.Line();
            string partials = _names.Fresh("partials");
            string sums = _names.Fresh("sums");
            string values = _names.Fresh("groupValues");
            string start = _names.Fresh("start");
            string length = _names.Fresh("length");
            _w.Line($"global::System.Span<double> {partials} = stackalloc double[{BlockChunks * ReductionCount}];");
            _w.Line($"global::System.Span<double> {sums} = group.Slice(0, {ReductionCount});");
            _w.Line($"global::System.ReadOnlySpan<double> {values} = group.Slice({ReductionCount}, {TensorValueCount});");
            _w.Line($"// {BlockChunks} chunks at a time; their partials are added in chunk order, tensor after tensor, as Optimizer<TRule> adds a group's.");
            _w.Line($"for (int {start} = 0; {start} < w.Length; {start} += {BlockChunks} * {Lanes}.ChunkLength)").Open();
            _w.Line($"int {length} = global::System.Math.Min({BlockChunks} * {Lanes}.ChunkLength, w.Length - {start});");
            _w.Line($"{_m.PassCore}(pass, in rule, t, {string.Join(", ", SpanArguments($"{start}, {length}"))}, scalarState, {values}, {partials});");
            _w.Line($"{_m.Fold}(pass, {partials}, {Lanes}.ChunkCount({length}), {sums});");
            _w.Close();
            _w.Line();
            _w.Line($"group[{ReductionCount + TensorValueCount}] += w.Length;");
            _w.Close();
            _w.Line();
        }

        private IEnumerable<string> SpanParameters(string t)
            => new[] { $"global::System.Span<{t}> w", $"global::System.ReadOnlySpan<{t}> g" }
                .Concat(_plan.ElementStates.Select(s => $"global::System.Span<{t}> {Id(s)}"));

        private IEnumerable<string> SpanArguments(string? slice = null)
            => _spans.Select(s => slice is null ? s.Identifier : $"{s.Identifier}.Slice({slice})");

        private void WriteMultiPassUpdateCore()
        {
            var parameters = new List<string> { $"in {_type} rule", "int t" };
            parameters.AddRange(SpanParameters(_t));
            parameters.AddRange(_plan.ScalarStates.Select(s => $"ref double {Id(s)}"));
            _w.Line("/// <summary>The kernel for either precision, over one tensor: checks, then each pass over the elements, then the per-step state.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {_m.UpdateCore}<{_t}>({string.Join(", ", parameters)})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line("// Refuse bad arguments before anything is written.");
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            foreach ((string name, string id) in _spans.Skip(1))
            {
                _w.Line($"{Kernels}.KernelGuard.RequireLength({id}.Length, w.Length, \"{PublicName(name).TrimStart('@')}\");");
            }

            WriteOverlapChecks();
            _w.Line();
            string scalars = _names.Fresh("scalars");
            string values = _names.Fresh("tensorValues");
            string partials = _names.Fresh("partials");
            string sums = _names.Fresh("sums");
            string pass = _names.Fresh("pass");
            string start = _names.Fresh("start");
            string length = _names.Fresh("length");
            _w.Line("// Per-step state is read by every pass and written once, after the last.");
            if (_plan.ScalarStates.Count > 0)
            {
                _w.Line($"global::System.Span<double> {scalars} = stackalloc double[{_plan.ScalarStates.Count}];");
                for (int i = 0; i < _plan.ScalarStates.Count; i++)
                {
                    _w.Line($"{scalars}[{i}] = {Id(_plan.ScalarStates[i])};");
                }
            }
            else
            {
                _w.Line($"global::System.Span<double> {scalars} = default;");
            }

            _w.Line($"global::System.Span<double> {values} = stackalloc double[{TensorValueCount}];");
            _w.Line($"global::System.Span<double> {partials} = stackalloc double[{BlockChunks * ReductionCount}];");
            _w.Line($"global::System.Span<double> {sums} = stackalloc double[{ReductionCount}];");
            _w.Line($"for (int {pass} = 1; {pass} <= {_plan.Passes.Count}; {pass}++)").Open();
            _w.Line($"// {BlockChunks} chunks at a time; their partials are added in chunk order, as Optimizer<TRule> adds a whole tensor's.");
            _w.Line($"{sums}.Clear();");
            _w.Line($"for (int {start} = 0; {start} < w.Length; {start} += {BlockChunks} * {Lanes}.ChunkLength)").Open();
            _w.Line($"int {length} = global::System.Math.Min({BlockChunks} * {Lanes}.ChunkLength, w.Length - {start});");
            _w.Line($"{_m.PassCore}({pass}, in rule, t, {string.Join(", ", SpanArguments($"{start}, {length}"))}, {scalars}, {values}, {partials});");
            _w.Line($"{_m.Fold}({pass}, {partials}, {Lanes}.ChunkCount({length}), {sums});");
            _w.Close();
            _w.Line();
            _w.Line($"{_m.Finish}({pass}, in rule, t, w.Length, {scalars}, {sums}, {values});");
            _w.Close();
            if (_plan.ScalarStates.Count > 0)
            {
                _w.Line();
                _w.Line($"{_m.FinishStep}(in rule, t, {scalars});");
                for (int i = 0; i < _plan.ScalarStates.Count; i++)
                {
                    _w.Line($"{Id(_plan.ScalarStates[i])} = {scalars}[{i}];");
                }
            }

            _w.Close();
            _w.Line();
        }

        // StepPass for Optimizer<TRule>: packed state, one slice of a tensor starting on a chunk boundary.
        private void WritePassPacked()
        {
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {_m.PassPacked}<{_t}>(int pass, in {_type} rule, int t, global::System.Span<{_t}> w, global::System.ReadOnlySpan<{_t}> g, global::System.Span<{_t}> state, int stateStride, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> tensorValues, global::System.Span<double> partials)");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"{Kernels}.KernelGuard.RequireLength(g.Length, w.Length, \"g\");");
            _w.Line($"{Kernels}.KernelGuard.RequirePackedState(state.Length, {_plan.ElementStates.Count}, w.Length, stateStride, nameof(state));");
            _w.Line($"{Kernels}.KernelGuard.RequireScalarState(scalarState.Length, {_plan.ScalarStates.Count}, nameof(scalarState));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(tensorValues.Length, {TensorValueCount}, nameof(tensorValues));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(partials.Length, {Lanes}.ChunkCount(w.Length) * {ReductionCount}, nameof(partials));");
            var arguments = new List<string> { "pass", "in rule", "t", "w", "g" };
            for (int i = 0; i < _plan.ElementStates.Count; i++)
            {
                arguments.Add($"state.Slice({(i == 0 ? "0" : i + " * stateStride")}, w.Length)");
            }

            arguments.AddRange(new[] { "scalarState", "tensorValues", "partials" });
            _w.Line($"{_m.PassCore}({string.Join(", ", arguments)});");
            _w.Close();
            _w.Line();
        }

        private string PassParameters()
            => string.Join(", ", new[] { $"in {_type} rule", "int t" }.Concat(SpanParameters(_t))
                .Concat(new[] { "global::System.ReadOnlySpan<double> scalarState", "global::System.ReadOnlySpan<double> tensorValues", "global::System.Span<double> partials" }));

        private string PassArguments() => string.Join(", ", new[] { "in rule", "t" }.Concat(SpanArguments()).Concat(new[] { "scalarState", "tensorValues", "partials" }));

        private void WritePassCore()
        {
            _w.Line($"private static void {_m.PassCore}<{_t}>(int pass, {PassParameters()})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line("switch (pass)").Open();
            foreach (PassPlan pass in _plan.Passes)
            {
                _w.Line($"case {pass.Number}:").Indent();
                _w.Line($"{PassName(pass)}({PassArguments()});");
                _w.Line("break;").Unindent();
            }

            _w.Line("default:").Indent();
            _w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(pass), pass, \"{_type} makes {_plan.Passes.Count} passes, 1 to {_plan.Passes.Count}.\");");
            _w.Unindent();
            _w.Close();
            _w.Close();
            _w.Line();
        }

        private string PassName(PassPlan pass) => _m.Pass + pass.Number.ToString(CultureInfo.InvariantCulture);

        private string SweepName(PassPlan pass) => _m.SweepPass + pass.Number.ToString(CultureInfo.InvariantCulture);

        private string StructName(PassPlan pass) => _m.PerPass + pass.Number.ToString(CultureInfo.InvariantCulture);

        // Hyperparameters, per-step state as of the last step, and the per-step statements: what every pass and finish starts from.
        private void WriteStepPrelude(string scalarState)
        {
            foreach (HyperparameterRead read in _plan.Hyperparameters)
            {
                _w.Line($"{(read.IsCondition ? "bool" : "double")} {_names.Of(read.Name)} = rule.{read.Name};");
            }

            for (int i = 0; i < _plan.ScalarStates.Count; i++)
            {
                _w.Line($"double {Id(_plan.ScalarStates[i])} = {scalarState}[{i}];");
            }

            foreach (StepAssignment step in _plan.StepAssignments)
            {
                _w.Line($"{(step.IsCondition ? "bool" : "double")} {_names.Of(step.Result)} = {CSharpExpression.Scalar(step.Value, _names)}; // {step.Equation}");
            }
        }

        // The values between passes that passes before 'pass' computed, as locals.
        private void WriteValuesBefore(int pass)
        {
            // Row and column values stay in their buffers: the loops that use them read them row by row or column by column.
            foreach (ReductionSlot reduction in _plan.Reductions.Where(r => r.Pass < pass && !r.IsRowValue && !r.IsColumnValue))
            {
                _w.Line($"double {_names.Reduction(reduction.Index)} = tensorValues[{reduction.Index}]; // {reduction.Equation}");
            }

            foreach (StepAssignment after in _plan.Passes.Where(p => p.Number < pass).SelectMany(p => p.After).Where(a => a.Rate is not (Rate.PerRow or Rate.PerColumn)))
            {
                _w.Line(after.IsCondition
                    ? $"bool {_names.Of(after.Result)} = tensorValues[{ValueIndex(after)}] != 0.0; // {after.Equation}"
                    : $"double {_names.Of(after.Result)} = tensorValues[{ValueIndex(after)}]; // {after.Equation}");
            }
        }

        private void WritePass(PassPlan pass)
        {
            PlanNames names = _names.InPass(pass.Number);
            _w.Line($"/// <summary>Pass {pass.Number} of {_plan.Passes.Count}: {Xml(DescribePass(pass))}.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {PassName(pass)}<{_t}>({PassParameters()})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            WriteStepPrelude("scalarState");
            WriteValuesBefore(pass.Number);
            if (pass.Hoisted.Count > 0)
            {
                WriteHoistedValues(StructName(pass), _t, pass.Hoisted, names);
            }

            _w.Line();
            string sweepArguments = string.Join(", ", new[] { "index", "length" }
                .Concat(pass.Hoisted.Count > 0 ? new[] { "in perStep" } : new string[0])
                .Concat(pass.Accumulations.Count > 0 ? new[] { "ref lanesRef" } : new string[0])
                .Concat(_spans.Select(s => "ref " + _refs[s.Identifier])));
            if (pass.Accumulations.Count == 0)
            {
                _w.Line("nuint length = (nuint)w.Length;");
                _w.Line("nuint index = 0;");
                WriteRefs("0");
                WriteCascade(pass, sweepArguments);
                _w.Close();
                _w.Line();
                return;
            }

            _w.Line("// Chunk by chunk from the tensor's start: each reduction's lanes (16 floats or 8 doubles), then its chunk's partial.");
            _w.Line($"global::System.Span<{_t}> lanes = stackalloc {_t}[{pass.Accumulations.Count} * {Lanes}.MaxLanes];");
            _w.Line($"ref {_t} lanesRef = ref {Marshal}.GetReference(lanes);");
            _w.Line($"int chunks = {Lanes}.ChunkCount(w.Length);");
            _w.Line("for (int chunk = 0; chunk < chunks; chunk++)").Open();
            _w.Line($"int start = chunk * {Lanes}.ChunkLength;");
            _w.Line($"nuint length = (nuint)global::System.Math.Min({Lanes}.ChunkLength, w.Length - start);");
            _w.Line("nuint index = 0;");
            _w.Line("lanes.Clear();");
            WriteRefs("start");
            WriteCascade(pass, sweepArguments);
            for (int a = 0; a < pass.Accumulations.Count; a++)
            {
                ReductionSlot reduction = _plan.Reductions[pass.Accumulations[a].Reduction];
                _w.Line($"partials[chunk * {ReductionCount} + {reduction.Index}] = {Lanes}.Total<{_t}>(lanes.Slice({a} * {Lanes}.MaxLanes, {Lanes}.MaxLanes), max: {(reduction.IsMax ? "true" : "false")}); // {reduction.Equation}");
            }

            _w.Close();
            _w.Close();
            _w.Line();
        }

        private string DescribePass(PassPlan pass)
        {
            var parts = new List<string>();
            if (pass.Assignments.Count > 0)
            {
                parts.Add("computes " + string.Join(", ", pass.Assignments.Select(a => a.Target).Distinct()));
            }

            if (pass.Accumulations.Count > 0)
            {
                parts.Add("accumulates " + string.Join(", ", pass.Accumulations.Select(a => _plan.Reductions[a.Reduction].Equation)));
            }

            parts.Add(pass.Stores.Count > 0 ? "stores " + string.Join(", ", pass.Stores) : "stores nothing");
            return string.Join("; ", parts);
        }

        private void WriteRefs(string start)
        {
            foreach ((string _, string id) in _spans)
            {
                string reference = $"{Marshal}.GetReference({id})";
                _w.Line(start == "0"
                    ? $"ref {_t} {_refs[id]} = ref {reference};"
                    : $"ref {_t} {_refs[id]} = ref {Unsafe}.Add(ref {reference}, {start});");
            }
        }

        private void WriteCascade(PassPlan pass, string sweepArguments)
        {
            foreach (string width in new[] { "Simd512", "Simd256", "Simd128" })
            {
                _w.Line($"if ({Kernels}.{width}<{_t}>.IsEnabled)").Open();
                _w.Line($"index = {SweepName(pass)}<{_t}, global::System.Runtime.Intrinsics.Vector{width.Substring(4)}<{_t}>, {Kernels}.{width}<{_t}>>({sweepArguments});");
                _w.Close();
                _w.Line();
            }

            _w.Line($"{SweepName(pass)}<{_t}, {_t}, {Kernels}.Scalar<{_t}>>({sweepArguments});");
        }

        private void WritePassSweep(PassPlan pass)
        {
            PlanNames names = _names.InPass(pass.Number);
            var parameters = new List<string> { "nuint index", "nuint length" };
            if (pass.Hoisted.Count > 0)
            {
                parameters.Add($"in {StructName(pass)}<{_t}> perStep");
            }

            if (pass.Accumulations.Count > 0)
            {
                parameters.Add($"ref {_t} lanes");
            }

            parameters.AddRange(_spans.Select(s => $"ref {_t} " + _refs[s.Identifier]));
            _w.Line($"/// <summary>Pass {pass.Number}'s equations over whole blocks of V.Count elements from <paramref name=\"index\"/>; returns where the next width takes over.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static nuint {SweepName(pass)}<{_t}, {_m.TVector}, {_m.V}>({string.Join(", ", parameters)})");
            _w.Indent().Line(TConstraint).Line(TVectorConstraint).Line(VConstraint).Unindent();
            _w.Open();
            WriteHoistedBroadcasts(pass.Hoisted, names);

            if (pass.Hoisted.Count > 0)
            {
                _w.Line();
            }

            WriteLaneRegisters(pass);
            _w.Line($"for (; index + (nuint){_m.V}.Count <= length; index += (nuint){_m.V}.Count)").Open();
            var loaded = new HashSet<string>();
            bool first = true;
            int position = 0;
            foreach (ElementAssignment assignment in pass.Assignments)
            {
                WriteAccumulations(pass, position, loaded, ref first);
                position++;
                if (!first)
                {
                    _w.Line();
                }

                first = false;
                _w.Line("// " + assignment.Equation);
                WriteLoads(assignment.Value, loaded);
                string target = _names.Of(assignment.Target);
                bool declaresSpan = _refs.ContainsKey(target) && loaded.Add(target);
                string declaration = assignment.Declares || declaresSpan ? _m.TVector + " " : string.Empty;
                _w.Line($"{declaration}{target} = {Vector(assignment.Value, pass.Number)};");
            }

            WriteAccumulations(pass, position, loaded, ref first);
            if (pass.Stores.Count > 0)
            {
                _w.Line();
                foreach ((string name, string id) in _spans.Where(s => pass.Stores.Contains(s.Name)))
                {
                    _w.Line($"{_m.V}.Store({id}, ref {_refs[id]}, index);");
                }
            }

            _w.Close();
            _w.Line();
            for (int a = 0; a < _laneRegisters.Count; a++)
            {
                _w.Line($"{_laneRegisters[a].Registers}.Store(ref {_laneRegisters[a].Memory}, index);");
            }

            if (_laneRegisters.Count > 0)
            {
                _w.Line();
            }

            _w.Line("return index;");
            _w.Close();
            _w.Line();
        }

        // The sweep under way's reductions: each one's lanes in memory (the sweep's 'lanes' argument, MaxLanes apart) and
        // the LaneRegisters local that holds them while the loop runs.
        private readonly List<(string Memory, string Registers)> _laneRegisters = new();

        private void WriteLaneRegisters(PassPlan pass)
        {
            _laneRegisters.Clear();
            if (pass.Accumulations.Count == 0)
            {
                return;
            }

            string type = $"{Kernels}.LaneRegisters<{_t}, {_m.TVector}, {_m.V}>";
            _w.Line("// Each reduction's lanes stay in vector registers while the loop runs, and are stored back after it.");
            for (int a = 0; a < pass.Accumulations.Count; a++)
            {
                string number = (a + 1).ToString(CultureInfo.InvariantCulture);
                string memory = "lanes";
                if (a > 0)
                {
                    memory = _names.Fresh("lanes" + number + "Memory");
                    _w.Line($"ref {_t} {memory} = ref {Unsafe}.Add(ref lanes, {a} * {Lanes}.MaxLanes);");
                }

                string registers = _names.Fresh("lanes" + number);
                ReductionSlot reduction = _plan.Reductions[pass.Accumulations[a].Reduction];
                _w.Line($"{type} {registers} = {type}.Load(ref {memory}, index); // {reduction.Equation}");
                _laneRegisters.Add((memory, registers));
            }

            _w.Line();
        }

        private void WriteLoads(PlanExpr value, HashSet<string> loaded)
        {
            foreach ((string name, string id) in _spans)
            {
                if (!loaded.Contains(id) && value.ReadsElement(name))
                {
                    _w.Line($"{_m.TVector} {id} = {_m.V}.Load(ref {_refs[id]}, index);");
                    loaded.Add(id);
                }
            }
        }

        private void WriteAccumulations(PassPlan pass, int position, HashSet<string> loaded, ref bool first)
        {
            for (int a = 0; a < pass.Accumulations.Count; a++)
            {
                Accumulation accumulation = pass.Accumulations[a];
                if (accumulation.Position != position)
                {
                    continue;
                }

                ReductionSlot reduction = _plan.Reductions[accumulation.Reduction];
                if (!first)
                {
                    _w.Line();
                }

                first = false;
                _w.Line($"// {reduction.Equation}: {(reduction.IsMax ? "the largest |x|" : reduction.Squares ? "x²" : "x")} into its lanes");
                WriteLoads(accumulation.Value, loaded);
                (string memory, string registers) = _laneRegisters[a];
                string value = Vector(accumulation.Value, pass.Number);
                if (reduction.IsMax)
                {
                    _w.Line($"{registers}.MaxAbs(ref {memory}, index, {value});");
                }
                else if (reduction.Squares)
                {
                    string x = value;
                    if (accumulation.Value is not PlanElementValue)
                    {
                        x = _names.Fresh("x" + (reduction.Index + 1).ToString(CultureInfo.InvariantCulture));
                        _w.Line($"{_m.TVector} {x} = {value};");
                    }

                    _w.Line($"{registers}.Add(ref {memory}, index, {_m.V}.Multiply({x}, {x}));");
                }
                else
                {
                    _w.Line($"{registers}.Add(ref {memory}, index, {value});");
                }
            }
        }

        private string Vector(PlanExpr expr, int pass)
        {
            string text = CSharpExpression.Vector(expr, _names.InPass(pass));
            return _m.V == "V" ? text : System.Text.RegularExpressions.Regex.Replace(text, @"(?<![\w.@])V\.", _m.V + ".");
        }

        private void WritePassStruct(PassPlan pass)
        {
            if (pass.Hoisted.Count == 0)
            {
                return;
            }

            WriteHoistedStruct(
                $"The per-step and per-tensor values pass {pass.Number}'s loop reads, computed once per call.",
                StructName(pass),
                pass.Hoisted,
                _names.InPass(pass.Number));
            _w.Line();
        }

        private void WriteFold()
        {
            _w.Line("/// <summary>Adds the partials of <paramref name=\"chunks\"/> chunks to <paramref name=\"sums\"/> in chunk order (the maxima: keeps the larger).</summary>");
            _w.Line($"private static void {_m.Fold}(int pass, global::System.ReadOnlySpan<double> partials, int chunks, global::System.Span<double> sums)").Open();
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(sums.Length, {ReductionCount}, nameof(sums));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(partials.Length, chunks * {ReductionCount}, nameof(partials));");
            _w.Line("for (int chunk = 0; chunk < chunks; chunk++)").Open();
            foreach (PassPlan pass in _plan.Passes.Where(p => p.Accumulations.Count > 0))
            {
                _w.Line($"if (pass == {pass.Number})").Open();
                foreach (Accumulation accumulation in pass.Accumulations)
                {
                    ReductionSlot reduction = _plan.Reductions[accumulation.Reduction];
                    int r = reduction.Index;
                    _w.Line($"sums[{r}] = {Lanes}.Fold(sums[{r}], partials[chunk * {ReductionCount} + {r}], max: {(reduction.IsMax ? "true" : "false")});");
                }

                _w.Close();
            }

            _w.Close();
            _w.Close();
            _w.Line();
        }

        private void WriteFinish()
        {
            _w.Line("/// <summary>After pass <paramref name=\"pass\"/>: its reductions' values from their sums over <paramref name=\"count\"/> elements, then the per-tensor values that follow.</summary>");
            _w.Line($"private static void {_m.Finish}(int pass, in {_type} rule, int t, int count, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> sums, global::System.Span<double> tensorValues)").Open();
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"{Kernels}.KernelGuard.RequireScalarState(scalarState.Length, {_plan.ScalarStates.Count}, nameof(scalarState));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(sums.Length, {ReductionCount}, nameof(sums));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(tensorValues.Length, {TensorValueCount}, nameof(tensorValues));");
            WriteStepPrelude("scalarState");
            _w.Line("switch (pass)").Open();
            foreach (PassPlan pass in _plan.Passes)
            {
                _w.Line($"case {pass.Number}:").Open();
                WriteValuesBefore(pass.Number);
                foreach (Accumulation accumulation in pass.Accumulations)
                {
                    ReductionSlot reduction = _plan.Reductions[accumulation.Reduction];
                    string sum = $"sums[{reduction.Index}]";
                    string value = reduction.Kind switch
                    {
                        ReductionKind.Mean => $"{sum} / count",
                        ReductionKind.Norm => $"double.Sqrt({sum})",
                        ReductionKind.Rms => $"double.Sqrt({sum} / count)",
                        _ => sum,
                    };
                    _w.Line($"double {_names.Reduction(reduction.Index)} = tensorValues[{reduction.Index}] = {value}; // {reduction.Equation}");
                }

                foreach (StepAssignment after in pass.After)
                {
                    string value = CSharpExpression.Scalar(after.Value, _names);
                    _w.Line(after.IsCondition
                        ? $"bool {_names.Of(after.Result)} = {value}; // {after.Equation}"
                        : $"double {_names.Of(after.Result)} = {value}; // {after.Equation}");
                    _w.Line(after.IsCondition
                        ? $"tensorValues[{ValueIndex(after)}] = {_names.Of(after.Result)} ? 1.0 : 0.0;"
                        : $"tensorValues[{ValueIndex(after)}] = {_names.Of(after.Result)};");
                }

                _w.Line("break;");
                _w.Close();
            }

            _w.Line("default:").Indent();
            _w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(pass), pass, \"{_type} makes {_plan.Passes.Count} passes, 1 to {_plan.Passes.Count}.\");");
            _w.Unindent();
            _w.Close();
            _w.Close();
            _w.Line();
        }

        private void WriteFinishStep()
        {
            if (_plan.ReducesOverGroups)
            {
                // A per-group state's new value is one of the group's values between passes.
                _w.Line("/// <summary>After every pass over the group: the per-step and per-group state this step leaves for the next.</summary>");
                _w.Line($"private static void {_m.FinishStep}(in {_type} rule, int t, global::System.ReadOnlySpan<double> tensorValues, global::System.Span<double> scalarState)").Open();
                _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(tensorValues.Length, {TensorValueCount}, nameof(tensorValues));");
            }
            else
            {
                _w.Line("/// <summary>After every tensor's passes: the per-step state this step leaves for the next.</summary>");
                _w.Line($"private static void {_m.FinishStep}(in {_type} rule, int t, global::System.Span<double> scalarState)").Open();
            }

            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"{Kernels}.KernelGuard.RequireScalarState(scalarState.Length, {_plan.ScalarStates.Count}, nameof(scalarState));");
            if (_plan.ScalarStateWrites.Count > 0)
            {
                WriteStepPrelude("scalarState");
                if (_plan.ReducesOverGroups)
                {
                    WriteValuesBefore(_plan.Passes.Count + 1);
                }

                foreach (ScalarStateWrite write in _plan.ScalarStateWrites)
                {
                    int index = _plan.ScalarStates.ToList().FindIndex(s => s.Name == write.Name);
                    _w.Line($"scalarState[{index}] = {_names.Of(new PlanStepValue(write.Name, write.FinalVersion))};");
                }
            }

            _w.Close();
        }
    }
}
