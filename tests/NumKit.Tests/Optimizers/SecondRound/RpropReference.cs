namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Rprop as <c>torch.optim.Rprop</c> of PyTorch 1.13 (<c>_single_tensor_rprop</c>): each element
/// keeps its own step size, grown by EtaPlus while the gradient keeps its sign and shrunk by
/// EtaMinus when it flips, clamped to [MinStep, MaxStep]; the parameter moves by −sign(g)·step.
/// </summary>
/// <remarks>
/// Per element: s = sign(g·g_prev); f = EtaPlus if s &gt; 0, EtaMinus if s &lt; 0, 1 if s = 0;
/// step ← clamp(step·f, MinStep, MaxStep); where f = EtaMinus the gradient counts as 0 (no move,
/// and it is remembered as 0, so the next step takes the s = 0 branch); w ← w − sign(g)·step;
/// g_prev ← g. Step sizes start at LearningRate, g_prev at 0. PyTorch tests "f = EtaMinus" on the
/// factor, not on s: transcribed as is (they differ only if EtaPlus or 1 equals EtaMinus).
/// </remarks>
public sealed class RpropReference(IReadOnlyList<TensorSlice> tensors, RpropReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>The hyperparameters, by the contract's names, with the contract's defaults (torch's <c>etas</c> and <c>step_sizes</c> pairs split).</summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 0.01;
        public double EtaMinus { get; init; } = 0.5;
        public double EtaPlus { get; init; } = 1.2;
        public double MinStep { get; init; } = 1e-6;
        public double MaxStep { get; init; } = 50;
    }

    private double[]? _prev;
    private double[]? _stepSize;

    protected override void Apply(int t, double[] w, double[] g)
    {
        _prev ??= new double[Count];
        if (_stepSize is null)
        {
            _stepSize = new double[Count];
            Array.Fill(_stepSize, config.LearningRate);
        }

        for (int i = 0; i < Count; i++)
        {
            double product = g[i] * _prev[i];
            double factor = product > 0 ? config.EtaPlus : product < 0 ? config.EtaMinus : 1;
            // torch's clamp_(min, max): the minimum first, so MaxStep wins if the bounds cross.
            _stepSize[i] = Math.Min(Math.Max(_stepSize[i] * factor, config.MinStep), config.MaxStep);
            double grad = factor == config.EtaMinus ? 0 : g[i];
            w[i] -= Math.Sign(grad) * _stepSize[i];
            _prev[i] = grad;
        }
    }
}
