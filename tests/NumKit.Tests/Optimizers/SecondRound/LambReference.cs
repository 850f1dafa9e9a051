namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// LAMB as <c>optax.lamb</c> with <c>eps_root</c> 0 (google-deepmind/optax, <c>alias.py</c>: the chain
/// <c>scale_by_adam</c> → <c>add_decayed_weights</c> → <c>scale_by_trust_ratio</c> →
/// <c>scale_by_learning_rate</c>), one trust ratio per tensor.
/// </summary>
/// <remarks>
/// Per element: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
/// u = (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε) + WeightDecay·w. Per tensor:
/// r = ‖w‖ / ‖u‖, or 1 where ‖w‖ = 0 or ‖u‖ = 0 (optax's <c>safe_trust_ratio</c>; min_norm 0,
/// trust coefficient 1, eps 0). Then w ← w − LearningRate·r·u. ‖·‖ is the L2 norm over every
/// element of the tensor (Frobenius for a matrix), with w before the step.
/// </remarks>
public sealed class LambReference(IReadOnlyList<TensorSlice> tensors, LambReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>The hyperparameters, by the contract's names (optax's <c>b1</c>, <c>b2</c>, <c>eps</c>), with its defaults.</summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 1e-3;
        public double Beta1 { get; init; } = 0.9;
        public double Beta2 { get; init; } = 0.999;
        public double Epsilon { get; init; } = 1e-6;
        public double WeightDecay { get; init; }
    }

    private double[]? _m;
    private double[]? _v;
    private double[]? _u;

    protected override void Apply(int t, double[] w, double[] g)
    {
        _m ??= new double[Count];
        _v ??= new double[Count];
        _u ??= new double[Count];
        double correction1 = 1 - Math.Pow(config.Beta1, t);
        double correction2 = 1 - Math.Pow(config.Beta2, t);
        for (int i = 0; i < Count; i++)
        {
            _m[i] = config.Beta1 * _m[i] + (1 - config.Beta1) * g[i];
            _v[i] = config.Beta2 * _v[i] + (1 - config.Beta2) * g[i] * g[i];
            _u[i] = _m[i] / correction1 / (Math.Sqrt(_v[i] / correction2) + config.Epsilon) + config.WeightDecay * w[i];
        }

        foreach (TensorSlice tensor in Tensors)
        {
            double parameterNorm = tensor.Norm(w);
            double updateNorm = tensor.Norm(_u);
            double ratio = parameterNorm == 0 || updateNorm == 0 ? 1 : parameterNorm / updateNorm;
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                w[i] -= config.LearningRate * (ratio * _u[i]);
            }
        }
    }
}
