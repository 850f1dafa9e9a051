namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Averaged SGD as <c>torch.optim.ASGD</c> of PyTorch 1.13 (<c>_single_tensor_asgd</c>), with the
/// averaged iterate <see cref="Average"/> (torch's <c>ax</c>) beside the parameters.
/// </summary>
/// <remarks>
/// Per step t, with η and μ as left by the step before (η₁ = LearningRate, μ₁ = 1):
/// d = g + WeightDecay·w; w ← w·(1 − Lambda·η); w ← w − η·d;
/// ax ← ax + μ·(w − ax) if μ ≠ 1, else ax ← w; then
/// η ← LearningRate / (1 + Lambda·LearningRate·t)^Alpha and μ ← 1 / max(1, t − T0).
/// So a step uses the η and μ computed at the end of the step before, not its own t.
/// </remarks>
public sealed class AsgdReference(IReadOnlyList<TensorSlice> tensors, AsgdReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>The hyperparameters, by the contract's names (torch's <c>lambd</c>, <c>alpha</c>, <c>t0</c>), with its defaults.</summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 0.01;
        public double Lambda { get; init; } = 1e-4;
        public double Alpha { get; init; } = 0.75;
        public double T0 { get; init; } = 1e6;
        public double WeightDecay { get; init; }
    }

    private double[]? _ax;
    private double _eta = config.LearningRate;
    private double _mu = 1;

    /// <summary>The averaged iterate ax after the last step (zeros before the first).</summary>
    public double[] Average => _ax ??= new double[Count];

    protected override void Apply(int t, double[] w, double[] g)
    {
        double[] ax = Average;
        for (int i = 0; i < Count; i++)
        {
            double d = g[i] + config.WeightDecay * w[i];
            w[i] *= 1 - config.Lambda * _eta;
            w[i] += -_eta * d;
            ax[i] = _mu != 1 ? ax[i] + (w[i] - ax[i]) * _mu : w[i];
        }

        _eta = config.LearningRate / Math.Pow(1 + config.Lambda * config.LearningRate * t, config.Alpha);
        _mu = 1 / Math.Max(1, t - config.T0);
    }
}
