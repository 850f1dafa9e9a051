using System;
using System.Collections.Generic;
using System.ComponentModel;
using NumKit.Kernels;

namespace NumKit;

/// <summary>
/// An optimizer's update rule: its hyperparameters (the struct's public float properties) and its kernels. The NumKit
/// generator implements this interface for every <see cref="OptimizerAttribute"/> struct, so generic
/// code such as <see cref="Optimizer{TRule}"/> runs any rule without virtual calls.
/// </summary>
/// <typeparam name="TSelf">The rule itself.</typeparam>
public interface IOptimizerRule<TSelf>
    where TSelf : struct, IOptimizerRule<TSelf>
{
    /// <summary>The step size α; every rule has one, so schedules can drive any rule.</summary>
    float LearningRate { get; set; }

    /// <summary>The update equations the rule was generated from, verbatim.</summary>
    static abstract string Equations { get; }

    /// <summary>The per-element state buffers, in the order the kernels take them.</summary>
    static abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The per-step scalar state values (such as NAdam's running product), in kernel order.</summary>
    static abstract IReadOnlyList<string> ScalarStateNames { get; }

    /// <summary>The hyperparameters (the struct's public float properties), in declaration order.</summary>
    static abstract IReadOnlyList<string> HyperparameterNames { get; }

    /// <summary>
    /// The values the hyperparameter named <paramref name="hyperparameter"/> may take. A rule declares its ranges
    /// by implementing this next to its properties; undeclared ones get <see cref="HyperparameterRange.Default"/>
    /// (LearningRate 0 or more, anything else finite).
    /// </summary>
    static virtual HyperparameterRange RangeOf(string hyperparameter) => HyperparameterRange.Default(hyperparameter);

    /// <summary>
    /// Whether the per-element state named <paramref name="state"/> can never be negative (a running average of
    /// squares, say), so a checkpoint holding a negative or NaN value for it is refused. False unless declared.
    /// </summary>
    static virtual bool IsNonNegativeState(string state) => false;

    /// <summary>
    /// Whether reading a hyperparameter runs code written for the rule (a property getter with a body) rather than
    /// reading a stored value. The optimizer then runs every step of the rule on the calling thread, since a split
    /// step would run that code on worker threads, once per part (and a getter that throws or changes its answer
    /// would leave the step half-applied). False unless declared; the generator declares it for a rule whose
    /// hyperparameters are not all auto-properties.
    /// </summary>
    static virtual bool HasComputedHyperparameters => false;

    /// <summary>Reads the hyperparameter at <paramref name="index"/> of <see cref="HyperparameterNames"/>.</summary>
    float GetHyperparameter(int index);

    /// <summary>Sets the hyperparameter at <paramref name="index"/> of <see cref="HyperparameterNames"/>.</summary>
    void SetHyperparameter(int index, float value);

    /// <summary>
    /// The rule's on/off options (the struct's public bool properties, such as Prodigy's <c>DecoupleWeightDecay</c>),
    /// in declaration order. Checkpoints carry them with the hyperparameters. None unless the rule declares some.
    /// </summary>
    static virtual IReadOnlyList<string> OptionNames => Array.Empty<string>();

    /// <summary>Reads the option at <paramref name="index"/> of <see cref="OptionNames"/>.</summary>
    bool GetOption(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "This rule has no options.");

    /// <summary>Sets the option at <paramref name="index"/> of <see cref="OptionNames"/>.</summary>
    void SetOption(int index, bool value) => throw new ArgumentOutOfRangeException(nameof(index), index, "This rule has no options.");

    /// <summary>The value per-element state <paramref name="index"/> starts from (0 unless declared with <c>init</c>).</summary>
    double InitialState(int index);

    /// <summary>The value per-step scalar state <paramref name="index"/> starts from (0 unless declared with <c>init</c>).</summary>
    double InitialScalarState(int index);

    /// <summary>
    /// How state buffer <paramref name="index"/> is stored unless the optimizer is told otherwise:
    /// <see cref="StateStorage.Float32"/>. A rule can change its default by implementing this member
    /// (<c>static StateStorage IOptimizerRule&lt;MyRule&gt;.DefaultStateStorage(int index) =&gt; ...</c>).
    /// </summary>
    static virtual StateStorage DefaultStateStorage(int index) => StateStorage.Float32;

    /// <summary>
    /// Applies step <paramref name="t"/> to every element of <paramref name="w"/>, with the per-element state
    /// packed in <paramref name="state"/>: buffer k (of <c>StateNames</c>) is the <c>w.Length</c> values from
    /// <c>k * stateStride</c>. A stride of <c>w.Length</c> packs the buffers one after another; a larger stride
    /// lets a caller step one slice of a larger set (as <see cref="Optimizer{TRule, T}"/> does to split a step
    /// across threads) with the same state array.
    /// </summary>
    static abstract void Step(in TSelf rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, Span<double> scalarState);

    /// <inheritdoc cref="Step(in TSelf, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, Span{double})"/>
    static abstract void Step(in TSelf rule, int t, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, Span<double> scalarState);

    /// <summary>
    /// Whether the rule has <see cref="StepStored"/>: the generator writes it for every rule without reductions. An optimizer
    /// with compact state or 16-bit parameters runs it; for a rule without it, it widens tiles into float and runs
    /// <see cref="Step(in TSelf, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, Span{double})"/> on them.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static virtual bool HasStoredKernel => false;

    /// <summary>
    /// Applies step <paramref name="t"/> to each run of parameters <paramref name="runs"/> hands out, every span loaded and
    /// stored through its storage (<typeparamref name="TW"/> the parameters, <typeparamref name="TG"/> the gradients,
    /// <typeparamref name="TS"/> each state buffer) inside one loop, with the per-step values computed once. The runtime
    /// calls it (Optimizer, with compact state or 16-bit parameters); generated, not written by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static virtual void StepStored<TW, TG, TS>(in TSelf rule, int t, ref StoredRuns runs, Span<double> scalarState)
        where TW : struct, IElementStorage
        where TG : struct, IElementStorage
        where TS : struct, IElementStorage
        => throw new NotSupportedException($"{typeof(TSelf).Name} has no kernel over stored values (HasStoredKernel is false).");

    // Rules with reductions (norm(w), mean(g^2), ...) step each tensor in several passes over memory. The generator
    // implements these members for them; Optimizer<TRule> drives them (README, "Reductions: the calling convention").

    /// <summary>How many passes over each tensor's elements a step makes: 1 unless the equations reduce.</summary>
    static virtual int PassCount => 1;

    /// <summary>How many reductions a step computes per tensor: the partials each chunk of <c>ReductionLanes.ChunkLength</c> elements writes.</summary>
    static virtual int ReductionCount => 0;

    /// <summary>How many values between passes a tensor has (its reductions' results, then what the equations compute from them).</summary>
    static virtual int TensorValueCount => 0;

    /// <summary>
    /// Runs pass <paramref name="pass"/> (1 to <see cref="PassCount"/>) over <paramref name="w"/>, a tensor or a slice of
    /// one that starts on a chunk boundary (a multiple of <c>ReductionLanes.ChunkLength</c> from the tensor's start),
    /// with state packed as in <see cref="Step(in TSelf, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, Span{double})"/>.
    /// Reads the per-step state (never writes it) and the values earlier passes left in <paramref name="tensorValues"/>;
    /// writes this pass's partial of reduction r for its chunk c at <c>partials[c * ReductionCount + r]</c>.
    /// </summary>
    static virtual void StepPass(int pass, in TSelf rule, int t, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> tensorValues, Span<double> partials)
        => throw new NotSupportedException($"{typeof(TSelf).Name} makes one pass; call Step.");

    /// <inheritdoc cref="StepPass(int, in TSelf, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>
    static virtual void StepPass(int pass, in TSelf rule, int t, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> tensorValues, Span<double> partials)
        => throw new NotSupportedException($"{typeof(TSelf).Name} makes one pass; call Step.");

    /// <summary>Adds the partials of pass <paramref name="pass"/>'s reductions, <paramref name="chunks"/> chunks of them, to <paramref name="sums"/> in chunk order (a maximum keeps the larger).</summary>
    static virtual void FoldPartials(int pass, ReadOnlySpan<double> partials, int chunks, Span<double> sums)
        => throw new NotSupportedException($"{typeof(TSelf).Name} has no reductions.");

    /// <summary>After pass <paramref name="pass"/> over a tensor of <paramref name="count"/> elements: its reductions' values from <paramref name="sums"/>, and the per-tensor values that follow, into <paramref name="tensorValues"/>.</summary>
    static virtual void FinishPass(int pass, in TSelf rule, int t, int count, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> sums, Span<double> tensorValues)
        => throw new NotSupportedException($"{typeof(TSelf).Name} has no reductions.");

    // Rules that reduce rows or columns (rowmean(g^2), colmean(g^2)) walk each tensor as a batch of matrices
    // (Kernels.MatrixShape) in blocks of MatrixLanes.RowsPerChunk rows; Optimizer<TRule> drives them
    // (README, "Rows and columns").

    /// <summary>Whether the equations reduce rows or columns: then a step runs <see cref="StepMatrixPass(int, in TSelf, int, ReadOnlySpan{int}, int, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{double})"/> and every tensor needs rank 2 or more.</summary>
    static virtual bool ReducesMatrices => false;

    /// <summary>How many values each row of a tensor has between passes (row reductions' results, per-row statements).</summary>
    static virtual int RowValueCount => 0;

    /// <summary>How many values each column of a tensor has between passes.</summary>
    static virtual int ColumnValueCount => 0;

    /// <summary>The most column reductions one pass accumulates: a call needs that many running sums per column.</summary>
    static virtual int ColumnReductionCount => 0;

    /// <summary>
    /// Whether the equations read <c>rank</c>: then a tensor of rank 0 or 1 is stepped too, seen as one matrix of
    /// n rows of one column (a scalar: one row); otherwise such a tensor has no rows and the optimizer refuses it.
    /// </summary>
    static virtual bool ReadsRank => false;

    /// <summary>The per-row state (one value per row of each matrix, kept between steps), in kernel order.</summary>
    static virtual IReadOnlyList<string> RowStateNames => Array.Empty<string>();

    /// <summary>The per-column state, in kernel order.</summary>
    static virtual IReadOnlyList<string> ColumnStateNames => Array.Empty<string>();

    /// <summary>
    /// Before a tensor's passes: copies its per-row state (state k of row i at <c>k * shape.RowValues + i</c>) and per-column
    /// state into the row and column values the passes read.
    /// </summary>
    static virtual void LoadMatrixState(ReadOnlySpan<int> shape, ReadOnlySpan<float> rowState, ReadOnlySpan<float> columnState, Span<float> rowValues, Span<float> columnValues)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <inheritdoc cref="LoadMatrixState(ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    static virtual void LoadMatrixState(ReadOnlySpan<int> shape, ReadOnlySpan<double> rowState, ReadOnlySpan<double> columnState, Span<double> rowValues, Span<double> columnValues)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <summary>After a tensor's passes: copies the new per-row and per-column state from the row and column values back.</summary>
    static virtual void StoreMatrixState(ReadOnlySpan<int> shape, ReadOnlySpan<float> rowValues, ReadOnlySpan<float> columnValues, Span<float> rowState, Span<float> columnState)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <inheritdoc cref="StoreMatrixState(ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    static virtual void StoreMatrixState(ReadOnlySpan<int> shape, ReadOnlySpan<double> rowValues, ReadOnlySpan<double> columnValues, Span<double> rowState, Span<double> columnState)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <summary>
    /// Runs pass <paramref name="pass"/> over blocks <paramref name="firstBlock"/> .. + <paramref name="blockCount"/> − 1
    /// (each matrix's rows cut into blocks of <c>MatrixLanes.RowsPerChunk</c>) of the whole tensor <paramref name="w"/> whose
    /// dimensions are <paramref name="shape"/> (as <see cref="ParameterTensor.Shape"/>; a batch of matrices over the last two), state packed as in <c>Step</c>. Reads
    /// the row and column values earlier passes finished (value k of row i at <c>k * shape.RowValues + i</c>, of column j
    /// at <c>k * shape.ColumnValues + j</c>); writes its reductions' partials r at <c>r * MatrixLanes.PartialStride(shape)</c>
    /// (a row or tensor reduction: one per row; a column reduction: one per block and column), using
    /// <paramref name="columnSums"/> (<see cref="ColumnReductionCount"/> × columns, one per concurrent call) as its running sums.
    /// </summary>
    static virtual void StepMatrixPass(int pass, in TSelf rule, int t, ReadOnlySpan<int> shape, int firstBlock, int blockCount, Span<float> w, ReadOnlySpan<float> g, Span<float> state, int stateStride, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> tensorValues, ReadOnlySpan<float> rowValues, ReadOnlySpan<float> columnValues, Span<float> columnSums, Span<double> partials)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <inheritdoc cref="StepMatrixPass(int, in TSelf, int, ReadOnlySpan{int}, int, int, Span{float}, ReadOnlySpan{float}, Span{float}, int, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{double})"/>
    static virtual void StepMatrixPass(int pass, in TSelf rule, int t, ReadOnlySpan<int> shape, int firstBlock, int blockCount, Span<double> w, ReadOnlySpan<double> g, Span<double> state, int stateStride, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> tensorValues, ReadOnlySpan<double> rowValues, ReadOnlySpan<double> columnValues, Span<double> columnSums, Span<double> partials)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <summary>
    /// After pass <paramref name="pass"/> over every block of a tensor: its reductions' values from the partials (in row
    /// and block order), then the per-tensor, per-row and per-column values that follow.
    /// </summary>
    static virtual void FinishMatrixPass(int pass, in TSelf rule, int t, ReadOnlySpan<int> shape, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> partials, Span<double> tensorValues, Span<float> rowValues, Span<float> columnValues)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <inheritdoc cref="FinishMatrixPass(int, in TSelf, int, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{float}, Span{float})"/>
    static virtual void FinishMatrixPass(int pass, in TSelf rule, int t, ReadOnlySpan<int> shape, ReadOnlySpan<double> scalarState, ReadOnlySpan<double> partials, Span<double> tensorValues, Span<double> rowValues, Span<double> columnValues)
        => throw new NotSupportedException($"{typeof(TSelf).Name} does not reduce rows or columns.");

    /// <summary>After every tensor's passes, once per step: writes the per-step state the step leaves for the next.</summary>
    static virtual void FinishStep(in TSelf rule, int t, Span<double> scalarState)
        => throw new NotSupportedException($"{typeof(TSelf).Name} makes one pass; Step writes its per-step state.");

    /// <summary>
    /// Whether the rule's reductions run over every tensor of a parameter group (<c>groupsum</c>, ... : Prodigy's d).
    /// Then a step runs each pass over all the group's tensors, in layout order, before <see cref="FinishPass"/> computes
    /// the group's values (once per group, <c>count</c> its elements, <c>tensorValues</c> shared by its tensors), and
    /// ends with <see cref="FinishGroupStep"/>. False unless the equations reduce over groups.
    /// </summary>
    static virtual bool ReducesOverGroups => false;

    /// <summary>
    /// After every pass over a group, once per group and step: writes the per-step and per-group state the step leaves
    /// for the next, reading the group's values between passes (a per-group state is one of them).
    /// </summary>
    static virtual void FinishGroupStep(in TSelf rule, int t, ReadOnlySpan<double> groupValues, Span<double> scalarState)
        => TSelf.FinishStep(in rule, t, scalarState);
}
