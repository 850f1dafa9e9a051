namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// A first-round catalog reference (<see cref="Reference"/>, element by element: Sgd, Adam, ...)
/// over a list of tensors, so it can be the inner rule of <see cref="LookaheadReference"/>.
/// </summary>
public sealed class ElementwiseReference : TensorListReference
{
    private readonly Reference _reference;

    /// <param name="tensors">The tensors stepped (an element-wise rule ignores their shapes).</param>
    /// <param name="typeName">A first-round catalog type, such as "Adam" or "Sgd".</param>
    /// <param name="properties">Every hyperparameter the reference reads, by property name.</param>
    public ElementwiseReference(IReadOnlyList<TensorSlice> tensors, string typeName, IReadOnlyDictionary<string, double> properties)
        : base(tensors)
    {
        TypeName = typeName;
        _reference = Reference.For(typeName, name => properties.TryGetValue(name, out double value)
            ? value
            : throw new KeyNotFoundException($"The inner {typeName} reference reads '{name}', which the configuration does not give."));
    }

    public string TypeName { get; }

    protected override void Apply(int t, double[] w, double[] g) => _reference.Step(t, w, g);
}
