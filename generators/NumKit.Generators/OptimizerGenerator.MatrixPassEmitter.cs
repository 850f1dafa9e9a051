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
    /// The kernels of rules that reduce rows or columns (<c>rowmean(g^2)</c>, <c>colmean(g^2)</c>) or read their values:
    /// every pass walks each tensor as a batch of matrices (Kernels.MatrixShape), block of
    /// <c>MatrixLanes.RowsPerChunk</c> rows by block, row by row, each row in chunks of <c>ReductionLanes.ChunkLength</c>
    /// from its start. A row's values are broadcast over its elements; a column's are loaded lane by lane. Row and
    /// tensor reductions add each row in the order <c>MatrixLanes.ReduceRows</c> does (a row's total is one partial;
    /// a tensor's is its rows' partials added in row order), column reductions as <c>MatrixLanes.ReduceColumnChunks</c>
    /// does (per block in the element type, then the blocks' partials in block order, in double): a thread owns
    /// whole blocks, so every split and every vector width gives the same bits.
    /// </summary>
    private sealed partial class RuleWriter
    {
        private const string MatrixLanes = Kernels + ".MatrixLanes";

        private string? _shapeOf;

        // The generated helper that turns a tensor's dimensions into the matrices the passes walk.
        private string ShapeOf => _shapeOf ??= _names.Fresh("MatrixShapeOf");

        private bool IsLaneAccumulation(Accumulation accumulation) => _plan.Reductions[accumulation.Reduction].Scope != ReductionScope.Column;

        private void WriteMatrixPasses()
        {
            WriteMatrixPassMembers();
            WriteMatrixUpdateShaped();
            WriteMatrixPassCore();
            foreach (PassPlan pass in _plan.Passes)
            {
                WriteMatrixPass(pass);
                WriteMatrixPassSweep(pass);
                WritePassStruct(pass);
            }

            WriteMatrixFinish();
            WriteFinishStep();
        }

        // The raw kernels Update and Step see one flat tensor, without its shape: a rule over rows and columns refuses them.
        private void WriteMatrixUpdateCore()
        {
            var parameters = new List<string> { $"in {_type} rule", "int t" };
            parameters.AddRange(SpanParameters(_t));
            parameters.AddRange(_plan.ScalarStates.Select(s => $"ref double {Id(s)}"));
            _w.Line("/// <summary>Refuses: the rule reduces rows or columns, so it needs each tensor's shape (Optimizer&lt;TRule&gt; passes it).</summary>");
            _w.Line($"private static void {_m.UpdateCore}<{_t}>({string.Join(", ", parameters)})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line($"throw new global::System.NotSupportedException(\"{_type} reduces rows or columns, so it needs each tensor's shape: step it with Optimizer<{_type}> over a ParameterLayout.\");");
            _w.Close();
            _w.Line();
        }

        private string? _matrixUpdateCore;
        private string? _matrixScratchLength;

        // The shape-taking raw kernel's generic core, and the scratch it needs for a shape.
        private string MatrixUpdateCore => _matrixUpdateCore ??= _names.Fresh("UpdateMatrixCore");

        private string MatrixScratchLength => _matrixScratchLength ??= _names.Fresh("MatrixScratchLength");

        // The caller's per-row state spans, then per-column ones: (equation name, public name, core identifier, column).
        private IEnumerable<(string Name, string Public, string Id, bool Column)> LineStates
            => _plan.RowStates.Select(s => (s.Name, false)).Concat(_plan.ColumnStates.Select(s => (s.Name, true)))
                .Select(s => (s.Name, PublicName(s.Name), _names.Of(s.Name), s.Item2));

        // The public raw kernel of a rule over rows and columns: one call per tensor with its shape, its per-row and
        // per-column state and the caller's scratch (ScratchLength doubles), as Optimizer<TRule> steps it on one thread.
        private void WriteMatrixPublicKernels()
        {
            _w.Line("/// <summary>");
            _w.Line($"/// How many doubles of scratch <c>Update</c> needs for a tensor of dimensions <paramref name=\"shape\"/> (the same for float and");
            _w.Line("/// double): the values between passes, the reductions' partials and the per-row and per-column values.");
            _w.Line("/// </summary>");
            _w.Line($"/// <exception cref=\"global::System.ArgumentException\">A dimension is negative{(_plan.ReadsRank ? string.Empty : ", the rank is below 2")}, or the tensor is too large.</exception>");
            _w.Line($"public static int ScratchLength(global::System.ReadOnlySpan<int> shape) => {MatrixScratchLength}({ShapeOf}(shape));");
            _w.Line();
            _w.Line($"private static int {MatrixScratchLength}({Kernels}.MatrixShape shape)");
            _w.Indent().Line($"=> {MatrixLanes}.ScratchLength(shape, {TensorValueCount}, {ReductionCount}, {_plan.RowValues.Count}, {_plan.ColumnValues.Count}, {ColumnAccumulationCount});").Unindent();
            _w.Line();
            foreach (string precision in new[] { "float", "double" })
            {
                _w.Line("/// <summary>");
                _w.Line($"/// Applies step <paramref name=\"t\"/> of {_type} to one tensor of dimensions <paramref name=\"shape\"/> in {_plan.Passes.Count} passes over");
                _w.Line("/// memory (its reductions run over this tensor, its rows and its columns: call once per tensor), on the calling");
                _w.Line("/// thread, with the widest vectors this machine has; allocates nothing. The same bits as Optimizer&lt;TRule&gt;.");
                _w.Line("/// </summary>");
                WriteEquationsRemarks();
                _w.Line("/// <param name=\"rule\">The hyperparameters.</param>");
                _w.Line("/// <param name=\"t\">The step number: 1 on the first step.</param>");
                _w.Line(_plan.ReadsRank
                    ? "/// <param name=\"shape\">The tensor's dimensions: a batch of matrices over its last two (rows, then contiguous columns); rank 0 or 1 is one column.</param>"
                    : "/// <param name=\"shape\">The tensor's dimensions, rank 2 or more: a batch of matrices over its last two (rows, then contiguous columns).</param>");
                _w.Line("/// <param name=\"w\">The parameters, updated in place.</param>");
                _w.Line("/// <param name=\"g\">The gradients, one per parameter.</param>");
                WriteStateParameterDocs();

                foreach ((string name, string publicName, string _, bool column) in LineStates)
                {
                    string each = column ? "column" : "row";
                    _w.Line($"/// <param name=\"{publicName.TrimStart('@')}\">Per-{each} state <c>{Xml(name)}</c> of the equations, one value per {each} of each matrix (0 before the first step), updated in place.</param>");
                }

                _w.Line("/// <param name=\"scratch\">Working memory, overwritten: at least <see cref=\"ScratchLength\"/>(shape) doubles; nothing is kept in it between calls.</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">The shape is not a tensor's, a span's length is not what the shape needs, the scratch is shorter than <see cref=\"ScratchLength\"/>, or two spans overlap; nothing is written.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"t\"/> is less than 1; nothing is written.</exception>");
                var parameters = new List<string> { $"in {_type} rule", "int t", "global::System.ReadOnlySpan<int> shape", $"global::System.Span<{precision}> w", $"global::System.ReadOnlySpan<{precision}> g" };
                parameters.AddRange(_plan.ElementStates.Select(s => $"global::System.Span<{precision}> {PublicName(s.Name)}"));
                parameters.AddRange(_plan.ScalarStates.Select(s => $"ref double {PublicName(s.Name)}"));
                parameters.AddRange(LineStates.Select(s => $"global::System.Span<{precision}> {s.Public}"));
                parameters.Add("global::System.Span<double> scratch");
                var arguments = new List<string> { "in rule", "t", "shape", "w", "g" };
                arguments.AddRange(_plan.ElementStates.Select(s => PublicName(s.Name)));
                arguments.AddRange(_plan.ScalarStates.Select(s => "ref " + PublicName(s.Name)));
                arguments.AddRange(LineStates.Select(s => s.Public));
                arguments.Add("scratch");
                _w.Line($"public static void Update({string.Join(", ", parameters)})");
                _w.Indent().Line($"=> {MatrixUpdateCore}({string.Join(", ", arguments)});").Unindent();
                _w.Line();
            }
        }

        private void WriteMatrixUpdateShaped()
        {
            var parameters = new List<string> { $"in {_type} rule", "int t", "global::System.ReadOnlySpan<int> dimensions" };
            parameters.AddRange(SpanParameters(_t));
            parameters.AddRange(_plan.ScalarStates.Select(s => $"ref double {Id(s)}"));
            parameters.AddRange(LineStates.Select(s => $"global::System.Span<{_t}> {s.Id}"));
            string scratch = _names.Fresh("scratch");
            parameters.Add($"global::System.Span<double> {scratch}");
            string scalars = _names.Fresh("scalars");
            string values = _names.Fresh("tensorValues");
            string partials = _names.Fresh("partials");
            string lineValues = _names.Fresh("lineValues");
            string rowValues = _names.Fresh("rowValues");
            string columnValues = _names.Fresh("columnValues");
            string columnSums = _names.Fresh("columnSums");
            string pass = _names.Fresh("pass");
            string blocks = _names.Fresh("blocks");
            string rowCount = _names.Fresh("rowCount");
            string columnCount = _names.Fresh("columnCount");
            string stride = _names.Fresh("stride");
            _w.Line("/// <summary>The shape-taking kernel for either precision, over one tensor on one thread: checks, then each pass over its blocks of rows and the values after it, as Optimizer&lt;TRule&gt; runs them.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {MatrixUpdateCore}<{_t}>({string.Join(", ", parameters)})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line("// Refuse bad arguments before anything is written.");
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"{Kernels}.MatrixShape shape = {ShapeOf}(dimensions);");
            _w.Line($"int {blocks} = {MatrixLanes}.BlockCount(shape);");
            _w.Line($"{MatrixLanes}.RequireBlocks(shape, w.Length, 0, {blocks});");
            foreach ((string name, string id) in _spans.Skip(1))
            {
                _w.Line($"{Kernels}.KernelGuard.RequireLength({id}.Length, w.Length, \"{PublicName(name).TrimStart('@')}\");");
            }

            foreach ((string _, string publicName, string id, bool column) in LineStates)
            {
                _w.Line($"{MatrixLanes}.RequireLineState({id}.Length, shape, column: {(column ? "true" : "false")}, \"{publicName.TrimStart('@')}\");");
            }

            _w.Line($"{MatrixLanes}.RequireScratch({scratch}.Length, {MatrixScratchLength}(shape), \"scratch\");");
            WriteOverlapChecks();
            var all = _spans.Select((s, i) => (Id: s.Identifier, Public: SpanName(i))).Concat(LineStates.Select(s => (Id: s.Id, Public: s.Public.TrimStart('@')))).ToList();
            for (int i = _spans.Count; i < all.Count; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    _w.Line($"{Kernels}.KernelGuard.RequireDisjoint<{_t}>({all[j].Id}, {all[i].Id}, \"{all[j].Public}\", \"{all[i].Public}\");");
                }
            }

            foreach ((string id, string publicName) in all)
            {
                _w.Line($"{Kernels}.KernelGuard.RequireDisjoint<{_t}>({id}, {Marshal}.Cast<double, {_t}>({scratch}), \"{publicName}\", \"scratch\");");
            }

            _w.Line();
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

            _w.Line($"if (w.Length > 0) // an empty tensor's state is left as it is, as Optimizer<TRule> leaves it").Open();
            _w.Line("// The scratch: the values between passes, the partials, then the per-row, per-column values and the column sums.");
            _w.Line($"int {rowCount} = (int)shape.RowValues;");
            _w.Line($"int {columnCount} = (int)shape.ColumnValues;");
            _w.Line($"int {stride} = {MatrixLanes}.PartialStride(shape);");
            _w.Line($"global::System.Span<double> {values} = {scratch}.Slice(0, {TensorValueCount});");
            _w.Line($"global::System.Span<double> {partials} = {scratch}.Slice({TensorValueCount}, {ReductionCount} * {stride});");
            _w.Line($"global::System.Span<{_t}> {lineValues} = {Marshal}.Cast<double, {_t}>({scratch}.Slice({TensorValueCount} + ({ReductionCount} * {stride})));");
            _w.Line($"global::System.Span<{_t}> {rowValues} = {lineValues}.Slice(0, {_plan.RowValues.Count} * {rowCount});");
            _w.Line($"global::System.Span<{_t}> {columnValues} = {lineValues}.Slice({_plan.RowValues.Count} * {rowCount}, {_plan.ColumnValues.Count} * {columnCount});");
            _w.Line($"global::System.Span<{_t}> {columnSums} = {lineValues}.Slice(({_plan.RowValues.Count} * {rowCount}) + ({_plan.ColumnValues.Count} * {columnCount}), {ColumnAccumulationCount} * shape.Columns);");
            foreach ((string name, string _, string id, bool column) in LineStates)
            {
                int slot = SlotOf(column, new MatrixValueSlot(-1, name, 0));
                string count = column ? columnCount : rowCount;
                _w.Line($"{id}.CopyTo({(column ? columnValues : rowValues)}.Slice({slot} * {count}, {count})); // {name}");
            }

            _w.Line();
            var passArguments = new List<string> { "in rule", "t", "shape", "0", blocks };
            passArguments.AddRange(SpanArguments());
            passArguments.AddRange(new[] { scalars, values, rowValues, columnValues, columnSums, partials });
            foreach (PassPlan p in _plan.Passes)
            {
                _w.Line($"{PassName(p)}({string.Join(", ", passArguments)});");
                _w.Line($"{_m.Finish}({p.Number}, in rule, t, shape, {scalars}, {partials}, {values}, {rowValues}, {columnValues});");
            }

            _w.Line();
            foreach ((string name, string _, string id, bool column) in LineStates)
            {
                IReadOnlyList<ScalarStateWrite> states = column ? _plan.ColumnStates : _plan.RowStates;
                int version = states.First(s => s.Name == name).FinalVersion;
                int slot = SlotOf(column, new MatrixValueSlot(-1, name, version));
                string count = column ? columnCount : rowCount;
                _w.Line($"{(column ? columnValues : rowValues)}.Slice({slot} * {count}, {count}).CopyTo({id}); // {name}");
            }

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

        private void WriteMatrixPassMembers()
        {
            _w.Line($"static int {_interface}.PassCount => {_plan.Passes.Count};");
            _w.Line();
            _w.Line($"static int {_interface}.ReductionCount => {ReductionCount};");
            _w.Line();
            _w.Line($"static int {_interface}.TensorValueCount => {TensorValueCount};");
            _w.Line();
            _w.Line($"static bool {_interface}.ReducesMatrices => true;");
            _w.Line();
            _w.Line($"static int {_interface}.RowValueCount => {_plan.RowValues.Count};");
            _w.Line();
            _w.Line($"static int {_interface}.ColumnValueCount => {_plan.ColumnValues.Count};");
            _w.Line();
            _w.Line($"static int {_interface}.ColumnReductionCount => {ColumnAccumulationCount};");
            _w.Line();
            _w.Line($"static bool {_interface}.ReadsRank => {(_plan.ReadsRank ? "true" : "false")};");
            _w.Line();
            WriteNames("RowStateNames", _names.Fresh("s_rowStateNames"), _plan.RowStates.Select(s => s.Name));
            WriteNames("ColumnStateNames", _names.Fresh("s_columnStateNames"), _plan.ColumnStates.Select(s => s.Name));
            string shapeOf = ShapeOf;
            _w.Line("/// <summary>A tensor of these dimensions as the passes see it: a batch of matrices over its last two dimensions" + (_plan.ReadsRank ? ", a tensor of rank 0 or 1 one column (the equations read its rank)" : " (rank 2 or more)") + ".</summary>");
            _w.Line($"private static {Kernels}.MatrixShape {shapeOf}(global::System.ReadOnlySpan<int> dimensions) => {Kernels}.MatrixShape.{(_plan.ReadsRank ? "OfAnyRank" : "Of")}(dimensions);");
            _w.Line();
            foreach (string precision in new[] { "float", "double" })
            {
                _w.Line($"static void {_interface}.StepMatrixPass(int pass, in {_type} rule, int t, global::System.ReadOnlySpan<int> shape, int firstBlock, int blockCount, global::System.Span<{precision}> w, global::System.ReadOnlySpan<{precision}> g, global::System.Span<{precision}> state, int stateStride, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> tensorValues, global::System.ReadOnlySpan<{precision}> rowValues, global::System.ReadOnlySpan<{precision}> columnValues, global::System.Span<{precision}> columnSums, global::System.Span<double> partials)");
                _w.Indent().Line($"=> {_m.PassPacked}(pass, in rule, t, {shapeOf}(shape), firstBlock, blockCount, w, g, state, stateStride, scalarState, tensorValues, rowValues, columnValues, columnSums, partials);").Unindent();
                _w.Line();
                _w.Line($"static void {_interface}.FinishMatrixPass(int pass, in {_type} rule, int t, global::System.ReadOnlySpan<int> shape, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> partials, global::System.Span<double> tensorValues, global::System.Span<{precision}> rowValues, global::System.Span<{precision}> columnValues)");
                _w.Indent().Line($"=> {_m.Finish}(pass, in rule, t, {shapeOf}(shape), scalarState, partials, tensorValues, rowValues, columnValues);").Unindent();
                _w.Line();
            }

            _w.Line($"static void {_interface}.FinishStep(in {_type} rule, int t, global::System.Span<double> scalarState)");
            _w.Indent().Line($"=> {_m.FinishStep}(in rule, t, scalarState);").Unindent();
            _w.Line();
            WriteMatrixStateCopies();
        }

        // Per-row and per-column state between steps: copied into its incoming value's slot before the passes and
        // back from its new value's slot after them (a few values per row or column, not per element).
        private void WriteMatrixStateCopies()
        {
            string load = _names.Fresh("LoadMatrixStateCore");
            string store = _names.Fresh("StoreMatrixStateCore");
            foreach (string precision in new[] { "float", "double" })
            {
                _w.Line($"static void {_interface}.LoadMatrixState(global::System.ReadOnlySpan<int> shape, global::System.ReadOnlySpan<{precision}> rowState, global::System.ReadOnlySpan<{precision}> columnState, global::System.Span<{precision}> rowValues, global::System.Span<{precision}> columnValues)");
                _w.Indent().Line($"=> {load}({ShapeOf}(shape), rowState, columnState, rowValues, columnValues);").Unindent();
                _w.Line();
                _w.Line($"static void {_interface}.StoreMatrixState(global::System.ReadOnlySpan<int> shape, global::System.ReadOnlySpan<{precision}> rowValues, global::System.ReadOnlySpan<{precision}> columnValues, global::System.Span<{precision}> rowState, global::System.Span<{precision}> columnState)");
                _w.Indent().Line($"=> {store}({ShapeOf}(shape), rowValues, columnValues, rowState, columnState);").Unindent();
                _w.Line();
            }

            foreach (bool loading in new[] { true, false })
            {
                _w.Line(loading
                    ? "/// <summary>Copies per-row state k (at k * shape.RowValues in rowState) and per-column state into the slots of their incoming values.</summary>"
                    : "/// <summary>Copies the new values of per-row and per-column state from their slots back into rowState and columnState.</summary>");
                _w.Line(loading
                    ? $"private static void {load}<{_t}>({Kernels}.MatrixShape shape, global::System.ReadOnlySpan<{_t}> rowState, global::System.ReadOnlySpan<{_t}> columnState, global::System.Span<{_t}> rowValues, global::System.Span<{_t}> columnValues)"
                    : $"private static void {store}<{_t}>({Kernels}.MatrixShape shape, global::System.ReadOnlySpan<{_t}> rowValues, global::System.ReadOnlySpan<{_t}> columnValues, global::System.Span<{_t}> rowState, global::System.Span<{_t}> columnState)");
                _w.Indent().Line(TConstraint).Unindent();
                _w.Open();
                _w.Line("int rowCount = (int)shape.RowValues;");
                _w.Line("int columnCount = (int)shape.ColumnValues;");
                _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(rowState.Length, {_plan.RowStates.Count} * rowCount, nameof(rowState));");
                _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(columnState.Length, {_plan.ColumnStates.Count} * columnCount, nameof(columnState));");
                _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(rowValues.Length, {_plan.RowValues.Count} * rowCount, nameof(rowValues));");
                _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(columnValues.Length, {_plan.ColumnValues.Count} * columnCount, nameof(columnValues));");
                foreach (bool column in new[] { false, true })
                {
                    IReadOnlyList<ScalarStateWrite> states = column ? _plan.ColumnStates : _plan.RowStates;
                    string count = column ? "columnCount" : "rowCount";
                    string state = column ? "columnState" : "rowState";
                    string values = column ? "columnValues" : "rowValues";
                    for (int k = 0; k < states.Count; k++)
                    {
                        int slot = SlotOf(column, new MatrixValueSlot(-1, states[k].Name, loading ? 0 : states[k].FinalVersion));
                        _w.Line(loading
                            ? $"{state}.Slice({k} * {count}, {count}).CopyTo({values}.Slice({slot} * {count}, {count})); // {states[k].Name}"
                            : $"{values}.Slice({slot} * {count}, {count}).CopyTo({state}.Slice({k} * {count}, {count})); // {states[k].Name}");
                    }
                }

                _w.Close();
                _w.Line();
            }
        }

        // The tensor's rank and the per-tensor values that need no pass, at the start of every pass and finish.
        private void WriteTensorPrelude()
        {
            if (_plan.ReadsRank)
            {
                _w.Line($"double {_names.Of(Language.Rank)} = shape.Rank;");
            }

            foreach (StepAssignment tensor in _plan.TensorAssignments)
            {
                _w.Line($"{(tensor.IsCondition ? "bool" : "double")} {_names.Of(tensor.Result)} = {CSharpExpression.Scalar(tensor.Value, _names)}; // {tensor.Equation}");
            }
        }

        // The most column reductions one pass accumulates: the column sums each block keeps in the element type.
        private int ColumnAccumulationCount => _plan.Passes.Select(p => p.Accumulations.Count(a => !IsLaneAccumulation(a))).DefaultIfEmpty(0).Max();

        private string MatrixPassParameters()
            => string.Join(", ", new[] { $"in {_type} rule", "int t", $"{Kernels}.MatrixShape shape", "int firstBlock", "int blockCount" }.Concat(SpanParameters(_t))
                .Concat(new[]
                {
                    "global::System.ReadOnlySpan<double> scalarState", "global::System.ReadOnlySpan<double> tensorValues",
                    $"global::System.ReadOnlySpan<{_t}> rowValues", $"global::System.ReadOnlySpan<{_t}> columnValues", $"global::System.Span<{_t}> columnSums", "global::System.Span<double> partials",
                }));

        private string MatrixPassArguments()
            => string.Join(", ", new[] { "in rule", "t", "shape", "firstBlock", "blockCount" }.Concat(SpanArguments())
                .Concat(new[] { "scalarState", "tensorValues", "rowValues", "columnValues", "columnSums", "partials" }));

        // The packed entry point: checks every buffer against the shape, then runs the pass over its blocks.
        private void WriteMatrixPassCore()
        {
            _w.Line("/// <summary>Checks the buffers of one pass over blocks of a tensor's rows and runs it (state packed as in Step).</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {_m.PassPacked}<{_t}>(int pass, in {_type} rule, int t, {Kernels}.MatrixShape shape, int firstBlock, int blockCount, global::System.Span<{_t}> w, global::System.ReadOnlySpan<{_t}> g, global::System.Span<{_t}> state, int stateStride, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> tensorValues, global::System.ReadOnlySpan<{_t}> rowValues, global::System.ReadOnlySpan<{_t}> columnValues, global::System.Span<{_t}> columnSums, global::System.Span<double> partials)");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"{MatrixLanes}.RequireBlocks(shape, w.Length, firstBlock, blockCount);");
            _w.Line($"{Kernels}.KernelGuard.RequireLength(g.Length, w.Length, \"g\");");
            _w.Line($"{Kernels}.KernelGuard.RequirePackedState(state.Length, {_plan.ElementStates.Count}, w.Length, stateStride, nameof(state));");
            _w.Line($"{Kernels}.KernelGuard.RequireScalarState(scalarState.Length, {_plan.ScalarStates.Count}, nameof(scalarState));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(tensorValues.Length, {TensorValueCount}, nameof(tensorValues));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(rowValues.Length, {_plan.RowValues.Count} * (int)shape.RowValues, nameof(rowValues));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(columnValues.Length, {_plan.ColumnValues.Count} * (int)shape.ColumnValues, nameof(columnValues));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(columnSums.Length, {ColumnAccumulationCount} * shape.Columns, nameof(columnSums));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(partials.Length, {ReductionCount} * {MatrixLanes}.PartialStride(shape), nameof(partials));");
            var arguments = new List<string> { "in rule", "t", "shape", "firstBlock", "blockCount", "w", "g" };
            for (int i = 0; i < _plan.ElementStates.Count; i++)
            {
                arguments.Add($"state.Slice({(i == 0 ? "0" : i + " * stateStride")}, w.Length)");
            }

            arguments.AddRange(new[] { "scalarState", "tensorValues", "rowValues", "columnValues", "columnSums", "partials" });
            string call = string.Join(", ", arguments);
            _w.Line("switch (pass)").Open();
            foreach (PassPlan pass in _plan.Passes)
            {
                _w.Line($"case {pass.Number}:").Indent();
                _w.Line($"{PassName(pass)}({call});");
                _w.Line("break;").Unindent();
            }

            _w.Line("default:").Indent();
            _w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(pass), pass, \"{_type} makes {_plan.Passes.Count} passes, 1 to {_plan.Passes.Count}.\");");
            _w.Unindent();
            _w.Close();
            _w.Close();
            _w.Line();
        }

        // The row and column slots a pass's element statements and accumulations read.
        private List<int> SlotsRead(PassPlan pass, bool column)
            => pass.Assignments.Select(a => a.Value).Concat(pass.Accumulations.Select(a => a.Value))
                .SelectMany(e => e.DescendantsAndSelf()).OfType<PlanMatrixValue>()
                .Where(v => v.Column == column).Select(v => v.Slot).Distinct().OrderBy(s => s).ToList();

        private void WriteMatrixPass(PassPlan pass)
        {
            PlanNames names = _names.InPass(pass.Number);
            List<Accumulation> laneAccumulations = pass.Accumulations.Where(IsLaneAccumulation).ToList();
            List<Accumulation> columnAccumulations = pass.Accumulations.Where(a => !IsLaneAccumulation(a)).ToList();
            List<int> rowSlots = SlotsRead(pass, column: false);
            List<int> columnSlots = SlotsRead(pass, column: true);

            _w.Line($"/// <summary>Pass {pass.Number} of {_plan.Passes.Count}, over blocks of rows: {Xml(DescribePass(pass))}.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static void {PassName(pass)}<{_t}>({MatrixPassParameters()})");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            WriteStepPrelude("scalarState");
            WriteTensorPrelude();
            WriteValuesBefore(pass.Number);
            if (pass.Hoisted.Count > 0)
            {
                WriteHoistedValues(StructName(pass), _t, pass.Hoisted, names);
            }

            _w.Line();
            _w.Line("int rows = shape.Rows;");
            _w.Line("int columns = shape.Columns;");
            _w.Line($"int blocksPerMatrix = {MatrixLanes}.RowChunkCount(rows);");
            if (rowSlots.Count > 0)
            {
                _w.Line("int rowCount = (int)shape.RowValues;");
            }

            if (columnSlots.Count > 0)
            {
                _w.Line("int columnCount = (int)shape.ColumnValues;");
            }

            if (pass.Accumulations.Count > 0)
            {
                _w.Line($"int stride = {MatrixLanes}.PartialStride(shape);");
            }

            if (laneAccumulations.Count > 0)
            {
                _w.Line($"global::System.Span<{_t}> lanes = stackalloc {_t}[{laneAccumulations.Count} * {Lanes}.MaxLanes];");
                _w.Line($"ref {_t} lanesRef = ref {Marshal}.GetReference(lanes);");
                _w.Line($"global::System.Span<double> totals = stackalloc double[{laneAccumulations.Count}];");
            }

            if (rowSlots.Count > 0)
            {
                _w.Line($"global::System.Span<{_t}> rowRegister = stackalloc {_t}[{rowSlots.Count}];");
                _w.Line($"ref {_t} rowRegisterRef = ref {Marshal}.GetReference(rowRegister);");
            }

            var sweepArguments = new List<string> { "index", "length" };
            if (pass.Hoisted.Count > 0)
            {
                sweepArguments.Add("in perStep");
            }

            if (laneAccumulations.Count > 0)
            {
                sweepArguments.Add("ref lanesRef");
            }

            if (rowSlots.Count > 0)
            {
                sweepArguments.Add("ref rowRegisterRef");
            }

            sweepArguments.AddRange(columnAccumulations.Select((_, a) => $"ref columnSumsRef{a}"));
            sweepArguments.AddRange(columnSlots.Select(s => $"ref columnValuesRef{s}"));
            sweepArguments.AddRange(_spans.Select(s => "ref " + _refs[s.Identifier]));
            string arguments = string.Join(", ", sweepArguments);

            _w.Line("for (int block = firstBlock; block < firstBlock + blockCount; block++)").Open();
            _w.Line("int matrix = block / blocksPerMatrix;");
            _w.Line($"int firstRow = (block - (matrix * blocksPerMatrix)) * {MatrixLanes}.RowsPerChunk;");
            _w.Line($"int endRow = global::System.Math.Min(rows, firstRow + {MatrixLanes}.RowsPerChunk);");
            if (columnAccumulations.Count > 0)
            {
                _w.Line($"columnSums.Slice(0, {columnAccumulations.Count} * columns).Clear();");
            }

            _w.Line("for (int row = firstRow; row < endRow; row++)").Open();
            _w.Line("int line = (matrix * rows) + row;");
            for (int k = 0; k < rowSlots.Count; k++)
            {
                _w.Line($"rowRegister[{k}] = rowValues[({rowSlots[k]} * rowCount) + line]; // {RowSlotEquation(rowSlots[k])}");
            }

            if (laneAccumulations.Count > 0)
            {
                _w.Line("totals.Clear();");
            }

            _w.Line($"for (int start = 0; start < columns; start += {Lanes}.ChunkLength)").Open();
            _w.Line($"nuint length = (nuint)global::System.Math.Min({Lanes}.ChunkLength, columns - start);");
            _w.Line("nuint index = 0;");
            _w.Line("int at = (line * columns) + start;");
            if (laneAccumulations.Count > 0)
            {
                _w.Line("lanes.Clear();");
            }

            WriteRefs("at");
            for (int a = 0; a < columnAccumulations.Count; a++)
            {
                _w.Line($"ref {_t} columnSumsRef{a} = ref {Unsafe}.Add(ref {Marshal}.GetReference(columnSums), ({a} * columns) + start);");
            }

            foreach (int slot in columnSlots)
            {
                _w.Line($"ref {_t} columnValuesRef{slot} = ref {Unsafe}.Add(ref {Marshal}.GetReference(columnValues), ({slot} * columnCount) + (matrix * columns) + start);");
            }

            WriteCascade(pass, arguments);
            for (int a = 0; a < laneAccumulations.Count; a++)
            {
                ReductionSlot reduction = _plan.Reductions[laneAccumulations[a].Reduction];
                string max = reduction.IsMax ? "true" : "false";
                _w.Line($"totals[{a}] = {Lanes}.Fold(totals[{a}], {Lanes}.Total<{_t}>(lanes.Slice({a} * {Lanes}.MaxLanes, {Lanes}.MaxLanes), max: {max}), max: {max}); // {reduction.Equation}");
            }

            _w.Close();
            for (int a = 0; a < laneAccumulations.Count; a++)
            {
                ReductionSlot reduction = _plan.Reductions[laneAccumulations[a].Reduction];
                _w.Line($"partials[({reduction.Index} * stride) + line] = totals[{a}];");
            }

            _w.Close();
            for (int a = 0; a < columnAccumulations.Count; a++)
            {
                ReductionSlot reduction = _plan.Reductions[columnAccumulations[a].Reduction];
                _w.Line($"for (int column = 0; column < columns; column++) // {reduction.Equation}: this block's column sums").Open();
                _w.Line($"partials[({reduction.Index} * stride) + (block * columns) + column] = double.CreateTruncating(columnSums[({a} * columns) + column]);");
                _w.Close();
            }

            _w.Close();
            _w.Close();
            _w.Line();
        }

        private const string LaneRegisters = Kernels + ".LaneRegisters";

        // Lane accumulation a's lanes in the sweep: in memory (its 16 floats or 8 doubles of the pass's lanes), and in registers.
        private static string LaneSlot(int a) => a == 0 ? "ref lanes" : $"ref {Unsafe}.Add(ref lanes, {a} * {Lanes}.MaxLanes)";

        private List<string>? _matrixLaneRegisters;

        // The sweep's LaneRegisters local holding lane accumulation a's lanes: the same name in every pass.
        private string LaneRegister(int a)
            => (_matrixLaneRegisters ??= Enumerable.Range(0, _plan.Passes.Max(p => p.Accumulations.Count(IsLaneAccumulation)))
                .Select(i => _names.Fresh("lanes" + i.ToString(CultureInfo.InvariantCulture))).ToList())[a];

        private string RowSlotEquation(int slot) => SlotEquation(_plan.RowValues[slot]);

        private string SlotEquation(MatrixValueSlot slot) => slot.Reduction >= 0 ? _plan.Reductions[slot.Reduction].Equation : slot.Name!;

        private void WriteMatrixPassSweep(PassPlan pass)
        {
            PlanNames names = _names.InPass(pass.Number);
            List<Accumulation> laneAccumulations = pass.Accumulations.Where(IsLaneAccumulation).ToList();
            List<Accumulation> columnAccumulations = pass.Accumulations.Where(a => !IsLaneAccumulation(a)).ToList();
            List<int> rowSlots = SlotsRead(pass, column: false);
            List<int> columnSlots = SlotsRead(pass, column: true);
            var parameters = new List<string> { "nuint index", "nuint length" };
            if (pass.Hoisted.Count > 0)
            {
                parameters.Add($"in {StructName(pass)}<{_t}> perStep");
            }

            if (laneAccumulations.Count > 0)
            {
                parameters.Add($"ref {_t} lanes");
            }

            if (rowSlots.Count > 0)
            {
                parameters.Add($"ref {_t} rowRegister");
            }

            parameters.AddRange(columnAccumulations.Select((_, a) => $"ref {_t} columnSums{a}"));
            parameters.AddRange(columnSlots.Select(s => $"ref {_t} columnValues{s}"));
            parameters.AddRange(_spans.Select(s => $"ref {_t} " + _refs[s.Identifier]));
            _w.Line($"/// <summary>Pass {pass.Number}'s equations over whole blocks of V.Count elements of one row from <paramref name=\"index\"/>; returns where the next width takes over.</summary>");
            _w.Line(AggressiveOptimization);
            _w.Line($"private static nuint {SweepName(pass)}<{_t}, {_m.TVector}, {_m.V}>({string.Join(", ", parameters)})");
            _w.Indent().Line(TConstraint).Line(TVectorConstraint).Line(VConstraint).Unindent();
            _w.Open();
            WriteHoistedBroadcasts(pass.Hoisted, names);

            for (int k = 0; k < rowSlots.Count; k++)
            {
                _w.Line($"{_m.TVector} {names.MatrixValue(false, rowSlots[k])} = {_m.V}.Broadcast({Unsafe}.Add(ref rowRegister, {k})); // {RowSlotEquation(rowSlots[k])}, this row's");
            }

            for (int a = 0; a < laneAccumulations.Count; a++)
            {
                string type = $"{LaneRegisters}<{_t}, {_m.TVector}, {_m.V}>";
                _w.Line($"{type} {LaneRegister(a)} = {type}.Load({LaneSlot(a)}, index); // {_plan.Reductions[laneAccumulations[a].Reduction].Equation}'s lanes, in registers while this width runs");
            }

            _w.Line();
            _w.Line($"for (; index + (nuint){_m.V}.Count <= length; index += (nuint){_m.V}.Count)").Open();
            foreach (int slot in columnSlots)
            {
                _w.Line($"{_m.TVector} {names.MatrixValue(true, slot)} = {_m.V}.Load(ref columnValues{slot}, index); // {SlotEquation(_plan.ColumnValues[slot])}, each lane's column");
            }

            var loaded = new HashSet<string>();
            bool first = columnSlots.Count == 0;
            int position = 0;
            foreach (ElementAssignment assignment in pass.Assignments)
            {
                WriteMatrixAccumulations(pass, laneAccumulations, columnAccumulations, position, loaded, ref first);
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

            WriteMatrixAccumulations(pass, laneAccumulations, columnAccumulations, position, loaded, ref first);
            if (pass.Stores.Count > 0)
            {
                _w.Line();
                foreach ((string name, string id) in _spans.Where(s => pass.Stores.Contains(s.Name)))
                {
                    _w.Line($"{_m.V}.Store({id}, ref {_refs[id]}, index);");
                }
            }

            _w.Close();
            for (int a = 0; a < laneAccumulations.Count; a++)
            {
                _w.Line($"{LaneRegister(a)}.Store({LaneSlot(a)}, index);");
            }

            _w.Line();
            _w.Line("return index;");
            _w.Close();
            _w.Line();
        }

        private void WriteMatrixAccumulations(PassPlan pass, List<Accumulation> laneAccumulations, List<Accumulation> columnAccumulations, int position, HashSet<string> loaded, ref bool first)
        {
            foreach (Accumulation accumulation in pass.Accumulations.Where(a => a.Position == position))
            {
                ReductionSlot reduction = _plan.Reductions[accumulation.Reduction];
                bool column = reduction.Scope == ReductionScope.Column;
                int a = column ? columnAccumulations.IndexOf(accumulation) : laneAccumulations.IndexOf(accumulation);
                if (!first)
                {
                    _w.Line();
                }

                first = false;
                string into = column ? "each lane's column" : "its lanes";
                _w.Line($"// {reduction.Equation}: {(reduction.IsMax ? "the largest |x|" : reduction.Squares ? "x²" : "x")} into {into}");
                WriteLoads(accumulation.Value, loaded);
                string value = Vector(accumulation.Value, pass.Number);
                if (reduction.Squares)
                {
                    string x = value;
                    if (accumulation.Value is not PlanElementValue)
                    {
                        x = _names.Fresh("x" + (reduction.Index + 1).ToString(CultureInfo.InvariantCulture));
                        _w.Line($"{_m.TVector} {x} = {value};");
                    }

                    value = $"{_m.V}.Multiply({x}, {x})";
                }

                string generic = $"<{_t}, {_m.TVector}, {_m.V}>";
                if (column)
                {
                    _w.Line($"{MatrixLanes}.{(reduction.IsMax ? "MaxAbsColumns" : "AddColumns")}{generic}(ref columnSums{a}, index, {value});");
                }
                else
                {
                    _w.Line($"{LaneRegister(a)}.{(reduction.IsMax ? "MaxAbs" : "Add")}({LaneSlot(a)}, index, {value});");
                }
            }
        }

        private static string Finished(ReductionKind kind, string sum, string count) => kind switch
        {
            ReductionKind.Mean => $"{sum} / {count}",
            ReductionKind.Norm => $"double.Sqrt({sum})",
            ReductionKind.Rms => $"double.Sqrt({sum} / {count})",
            _ => sum,
        };

        private void WriteMatrixFinish()
        {
            _w.Line("/// <summary>After pass <paramref name=\"pass\"/> over every block of a tensor: its reductions' values from their partials, then the per-tensor, per-row and per-column values that follow.</summary>");
            _w.Line($"private static void {_m.Finish}<{_t}>(int pass, in {_type} rule, int t, {Kernels}.MatrixShape shape, global::System.ReadOnlySpan<double> scalarState, global::System.ReadOnlySpan<double> partials, global::System.Span<double> tensorValues, global::System.Span<{_t}> rowValues, global::System.Span<{_t}> columnValues)");
            _w.Indent().Line(TConstraint).Unindent();
            _w.Open();
            _w.Line($"{Kernels}.KernelGuard.RequireStep(t);");
            _w.Line($"{Kernels}.KernelGuard.RequireScalarState(scalarState.Length, {_plan.ScalarStates.Count}, nameof(scalarState));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(partials.Length, {ReductionCount} * {MatrixLanes}.PartialStride(shape), nameof(partials));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(tensorValues.Length, {TensorValueCount}, nameof(tensorValues));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(rowValues.Length, {_plan.RowValues.Count} * (int)shape.RowValues, nameof(rowValues));");
            _w.Line($"{Kernels}.KernelGuard.RequireAtLeast(columnValues.Length, {_plan.ColumnValues.Count} * (int)shape.ColumnValues, nameof(columnValues));");
            WriteStepPrelude("scalarState");
            WriteTensorPrelude();
            _w.Line("int rows = shape.Rows;");
            _w.Line("int columns = shape.Columns;");
            _w.Line("int rowCount = (int)shape.RowValues;");
            _w.Line("int columnCount = (int)shape.ColumnValues;");
            _w.Line($"int blocksPerMatrix = {MatrixLanes}.RowChunkCount(rows);");
            _w.Line($"int stride = {MatrixLanes}.PartialStride(shape);");
            _w.Line("switch (pass)").Open();
            foreach (PassPlan pass in _plan.Passes)
            {
                _w.Line($"case {pass.Number}:").Open();
                WriteValuesBefore(pass.Number);
                foreach (Accumulation accumulation in pass.Accumulations)
                {
                    WriteMatrixReductionValue(_plan.Reductions[accumulation.Reduction]);
                }

                for (int a = 0; a <= pass.After.Count; a++)
                {
                    foreach (Accumulation line in pass.LineReductions.Where(l => l.Position == a))
                    {
                        WriteLineReduction(line);
                    }

                    if (a < pass.After.Count)
                    {
                        WriteMatrixAfter(pass.After[a]);
                    }
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

        // A reduction over each matrix's rows (columns) of a per-row (per-column) value: in double, in row (column) order,
        // its value written to every row (column) of the matrix.
        private void WriteLineReduction(Accumulation line)
        {
            ReductionSlot reduction = _plan.Reductions[line.Reduction];
            bool column = reduction.Over == Rate.PerColumn;
            string count = column ? "columnCount" : "rowCount";
            string each = column ? "columns" : "rows";
            string values = column ? "columnValues" : "rowValues";
            IReadOnlyList<MatrixValueSlot> slots = column ? _plan.ColumnValues : _plan.RowValues;
            string max = reduction.IsMax ? "true" : "false";
            _w.Line($"for (int matrix = 0; matrix < shape.Batches; matrix++) // {reduction.Equation}, over each matrix's {each}").Open();
            _w.Line("double sum = 0.0;");
            _w.Line($"for (int line = matrix * {each}; line < (matrix + 1) * {each}; line++)").Open();
            foreach (PlanExpr read in line.Value.DescendantsAndSelf().Distinct())
            {
                MatrixValueSlot? slot = read switch
                {
                    PlanReductionValue inner when _plan.Reductions[inner.Index].IsRowValue || _plan.Reductions[inner.Index].IsColumnValue => new MatrixValueSlot(inner.Index, null, 0),
                    PlanStepValue step when slots.Contains(new MatrixValueSlot(-1, step.Name, step.Version)) => new MatrixValueSlot(-1, step.Name, step.Version),
                    _ => null,
                };
                if (slot is not null)
                {
                    string local = slot.Reduction >= 0 ? _names.Reduction(slot.Reduction) : _names.Of(new PlanStepValue(slot.Name!, slot.Version));
                    _w.Line($"double {local} = double.CreateTruncating({values}[({SlotOf(column, slot)} * {count}) + line]);");
                }
            }

            string x = CSharpExpression.Scalar(line.Value, _names);
            string term = reduction.IsMax ? $"double.Abs({x})" : reduction.Squares ? $"({x}) * ({x})" : x;
            _w.Line($"sum = {Lanes}.Fold(sum, {term}, max: {max});");
            _w.Close();
            _w.Line($"{_t} value = {_t}.CreateTruncating({Finished(reduction.Kind, "sum", each)});");
            int own = SlotOf(column, new MatrixValueSlot(reduction.Index, null, 0));
            _w.Line($"{values}.Slice(({own} * {count}) + (matrix * {each}), {each}).Fill(value);");
            _w.Close();
        }

        private int SlotOf(bool column, MatrixValueSlot slot) => (column ? _plan.ColumnValues : _plan.RowValues).ToList().IndexOf(slot);

        private void WriteMatrixReductionValue(ReductionSlot reduction)
        {
            int r = reduction.Index;
            string max = reduction.IsMax ? "true" : "false";
            string name = _names.Reduction(r);
            switch (reduction.Scope)
            {
                case ReductionScope.Row:
                    _w.Line($"for (int line = 0; line < rowCount; line++) // {reduction.Equation}, each row's").Open();
                    _w.Line($"rowValues[({SlotOf(false, new MatrixValueSlot(r, null, 0))} * rowCount) + line] = {_t}.CreateTruncating({Finished(reduction.Kind, $"partials[({r} * stride) + line]", "columns")});");
                    _w.Close();
                    break;
                case ReductionScope.Column:
                    _w.Line($"for (int matrix = 0; matrix < shape.Batches; matrix++) // {reduction.Equation}, each column's: its blocks' partials in block order").Open();
                    _w.Line("for (int column = 0; column < columns; column++)").Open();
                    _w.Line("double sum = 0.0;");
                    _w.Line("for (int block = matrix * blocksPerMatrix; block < (matrix + 1) * blocksPerMatrix; block++)").Open();
                    _w.Line($"sum = {Lanes}.Fold(sum, partials[({r} * stride) + (block * columns) + column], max: {max});");
                    _w.Close();
                    _w.Line($"columnValues[({SlotOf(true, new MatrixValueSlot(r, null, 0))} * columnCount) + (matrix * columns) + column] = {_t}.CreateTruncating({Finished(reduction.Kind, "sum", "rows")});");
                    _w.Close();
                    _w.Close();
                    break;
                default:
                    string sum = _names.Fresh("sum" + (r + 1).ToString(CultureInfo.InvariantCulture));
                    _w.Line($"double {sum} = 0.0; // {reduction.Equation}: its rows' partials in row order");
                    _w.Line("for (int line = 0; line < rowCount; line++)").Open();
                    _w.Line($"{sum} = {Lanes}.Fold({sum}, partials[({r} * stride) + line], max: {max});");
                    _w.Close();
                    _w.Line($"double {name} = tensorValues[{r}] = {Finished(reduction.Kind, sum, "(double)shape.Length")};");
                    break;
            }
        }

        // A value between passes: per tensor, as a one-row pass has it; per row or column, in a loop over the rows or columns
        // that reads the row or column values it uses as double locals named as the element loop names them.
        private void WriteMatrixAfter(StepAssignment after)
        {
            string value = CSharpExpression.Scalar(after.Value, _names);
            if (after.Rate is not (Rate.PerRow or Rate.PerColumn))
            {
                _w.Line(after.IsCondition
                    ? $"bool {_names.Of(after.Result)} = {value}; // {after.Equation}"
                    : $"double {_names.Of(after.Result)} = {value}; // {after.Equation}");
                _w.Line(after.IsCondition
                    ? $"tensorValues[{ValueIndex(after)}] = {_names.Of(after.Result)} ? 1.0 : 0.0;"
                    : $"tensorValues[{ValueIndex(after)}] = {_names.Of(after.Result)};");
                return;
            }

            bool column = after.Rate == Rate.PerColumn;
            string count = column ? "columnCount" : "rowCount";
            string values = column ? "columnValues" : "rowValues";
            IReadOnlyList<MatrixValueSlot> slots = column ? _plan.ColumnValues : _plan.RowValues;
            _w.Line($"for (int line = 0; line < {count}; line++) // {after.Equation}, each {(column ? "column" : "row")}'s").Open();
            foreach (PlanExpr read in after.Value.DescendantsAndSelf().Distinct())
            {
                MatrixValueSlot? slot = read switch
                {
                    PlanReductionValue reduction when _plan.Reductions[reduction.Index].IsRowValue || _plan.Reductions[reduction.Index].IsColumnValue => new MatrixValueSlot(reduction.Index, null, 0),
                    PlanStepValue step when slots.Contains(new MatrixValueSlot(-1, step.Name, step.Version)) => new MatrixValueSlot(-1, step.Name, step.Version),
                    _ => null,
                };
                if (slot is not null)
                {
                    string local = slot.Reduction >= 0 ? _names.Reduction(slot.Reduction) : _names.Of(new PlanStepValue(slot.Name!, slot.Version));
                    _w.Line($"double {local} = double.CreateTruncating({values}[({SlotOf(column, slot)} * {count}) + line]);");
                }
            }

            _w.Line($"{values}[({SlotOf(column, new MatrixValueSlot(-1, after.Name, after.Version))} * {count}) + line] = {_t}.CreateTruncating({value});");
            _w.Close();
        }
    }
}
