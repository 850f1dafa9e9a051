namespace NumKit.Optimizers;

/// <summary>LAMB: Adam's update scaled, tensor by tensor, by the trust ratio ‖w‖ / ‖u‖, exactly as <c>optax.lamb</c> (eps_root 0).</summary>
/// <remarks>
/// <para>
/// Equations, per element, with each tensor's norms: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
/// u = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) + λw; r = ‖w‖ / ‖u‖ (1 if either norm is 0);
/// w ← w − α · r · u. From You et al., 2020, "Large Batch Optimization for Deep Learning: Training BERT in
/// 76 minutes" (Algorithm 2), as <c>optax.lamb</c> composes it: <c>scale_by_adam</c>,
/// <c>add_decayed_weights</c>, <c>scale_by_trust_ratio</c>, <c>scale_by_learning_rate</c>.
/// </para>
/// <para>
/// Two passes over memory per tensor: the first updates m and v and accumulates ‖w‖² and ‖u‖²; the second
/// recomputes u from the stored m and v and moves w. The norms are over each tensor of the
/// <see cref="ParameterLayout"/> (the Frobenius norm for a matrix, |w| for a scalar), summed in a fixed
/// order, so every vector width and thread count gives the same bits. The raw kernel <c>Update</c> takes
/// one tensor per call.
/// </para>
/// <para>
/// Departures: none from optax. Unlike the paper there is no clipping function φ on ‖w‖ (optax has none);
/// weight decay applies to every tensor (optax's mask None: use a parameter group with WeightDecay 0 to
/// exempt biases); ε is added outside the square root, after bias correction. A tensor whose w or u is all
/// zeros steps by α·u (ratio 1), as optax does. Norms of float tensors are summed in float per chunk of
/// 4096 elements, then in double. The bias corrections are applied as multiplications by 1/(1 − β₁ᵗ) and
/// 1/√(1 − β₂ᵗ), computed once per step in double, where optax divides by 1 − β₁ᵗ and 1 − β₂ᵗ: the same u
/// to within a few float roundings, with one division per element instead of three (the divider, not
/// memory, bounds a LAMB step whose tensors sit in cache).
/// </para>
/// </remarks>
[Optimizer("""
    m = Beta1 * m + (1 - Beta1) * g
    v = Beta2 * v + (1 - Beta2) * g^2
    u = m * (1 / (1 - Beta1^t)) / (sqrt(v) * (1 / sqrt(1 - Beta2^t)) + Epsilon) + WeightDecay * w    # bias corrections as per-step reciprocals
    r = if(norm(w) == 0, 1, if(norm(u) == 0, 1, norm(w) / norm(u)))    # optax's trust ratio, per tensor
    w = w - LearningRate * (r * u)
    """)]
public partial struct Lamb
{
    /// <summary>The step size α (optax's <c>learning_rate</c>).</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>β₁: the decay of the first moment (optax's <c>b1</c>).</summary>
    [HyperparameterRange(0, 1, MaximumExcluded = true)]
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>β₂: the decay of the second moment (optax's <c>b2</c>).</summary>
    [HyperparameterRange(0, 1, MaximumExcluded = true)]
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>ε, added to the bias-corrected √v (optax's <c>eps</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float Epsilon { get; set; } = 1e-6f;

    /// <summary>λ: decoupled weight decay, added to the update before the trust ratio (optax's <c>weight_decay</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float WeightDecay { get; set; }

    // A running average of squares: never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<Lamb>.IsNonNegativeState(string state) => state is "v";
}
