namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// LARS as <c>optax.lars</c> (google-deepmind/optax, <c>alias.py</c>: the chain
/// <c>add_decayed_weights</c> → <c>scale_by_trust_ratio</c> → <c>scale_by_learning_rate</c> →
/// <c>trace</c>), one trust ratio per tensor, momentum after the learning rate.
/// </summary>
/// <remarks>
/// Per element: u = g + WeightDecay·w. Per tensor: r = TrustCoefficient·‖w‖ / (‖u‖ + Epsilon), or
/// 1 — not TrustCoefficient — where ‖w‖ = 0 or ‖u‖ = 0 (optax's <c>safe_trust_ratio</c>). Then
/// per element: s = −LearningRate·r·u; trace ← s + Momentum·trace;
/// w ← w + (Nesterov ? s + Momentum·trace : trace). The trace starts at 0 and holds updates already
/// scaled by the learning rate (optax's order), so a learning rate that changes between steps
/// is not the same as torch-style momentum on the raw direction.
/// </remarks>
public sealed class LarsReference(IReadOnlyList<TensorSlice> tensors, LarsReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>The hyperparameters, by the contract's names, with its defaults (optax's <c>learning_rate</c> has none; 0.1 here).</summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 0.1;
        public double WeightDecay { get; init; }
        public double TrustCoefficient { get; init; } = 0.001;
        public double Epsilon { get; init; }
        public double Momentum { get; init; } = 0.9;
        public bool Nesterov { get; init; }
    }

    private double[]? _trace;
    private double[]? _u;

    protected override void Apply(int t, double[] w, double[] g)
    {
        _trace ??= new double[Count];
        _u ??= new double[Count];
        for (int i = 0; i < Count; i++)
        {
            _u[i] = g[i] + config.WeightDecay * w[i];
        }

        foreach (TensorSlice tensor in Tensors)
        {
            double parameterNorm = tensor.Norm(w);
            double updateNorm = tensor.Norm(_u);
            double ratio = parameterNorm == 0 || updateNorm == 0
                ? 1
                : config.TrustCoefficient * parameterNorm / (updateNorm + config.Epsilon);
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                double scaled = -config.LearningRate * (_u[i] * ratio);
                _trace[i] = scaled + config.Momentum * _trace[i];
                w[i] += config.Nesterov ? scaled + config.Momentum * _trace[i] : _trace[i];
            }
        }
    }
}
