namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// A hand-written double-precision reference of a second-round optimizer over several tensors at
/// once (one group): it keeps its own state and applies one step per <see cref="Step"/> call, so
/// tests can compare after every step. Transcribed from each optimizer's reference source (named on
/// each class), never from NumKit's equations.
/// </summary>
/// <remarks>
/// The parameters and gradients are flat buffers of <see cref="Tensors"/>, each row-major, as a
/// <see cref="ParameterSet{T}"/> holds them. Loops are plain and sequential, and sums run in index
/// order: these are oracles, not fast code.
/// </remarks>
public abstract class TensorListReference
{
    protected TensorListReference(IReadOnlyList<TensorSlice> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Tensors = tensors.ToArray();
        int offset = 0;
        foreach (TensorSlice tensor in Tensors)
        {
            if (tensor.Offset != offset)
            {
                throw new ArgumentException($"Tensor {tensor} does not start where the one before it ends ({offset}).", nameof(tensors));
            }

            offset += tensor.Length;
        }

        Count = offset;
    }

    /// <summary>The tensors, in layout order, without gaps.</summary>
    public IReadOnlyList<TensorSlice> Tensors { get; }

    /// <summary>The total number of parameters: the length of the flat buffers.</summary>
    public int Count { get; }

    /// <summary>How many steps have been applied; the next step is t = StepCount + 1.</summary>
    public int StepCount { get; private set; }

    /// <summary>Applies the next step (t = StepCount + 1) to <paramref name="w"/> in place from <paramref name="g"/>.</summary>
    public void Step(double[] w, double[] g)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(g);
        if (w.Length != Count || g.Length != Count)
        {
            throw new ArgumentException($"The reference steps {Count} parameters; it was given {w.Length} values and {g.Length} gradients.");
        }

        StepCount++;
        Apply(StepCount, w, g);
    }

    /// <summary>Step <paramref name="t"/> (1 first).</summary>
    protected abstract void Apply(int t, double[] w, double[] g);
}
