namespace NumKit.Optimizers;

/// <summary>LARS: momentum SGD with each tensor's step scaled by a trust ratio ‖w‖ / ‖g + λw‖, exactly as <c>optax.lars</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per element, with each tensor's norms: u = g + λw;
/// r = tc · ‖w‖ / (‖u‖ + ε) (1 if ‖w‖ or ‖u‖ is 0); s = −α · (u · r); trace ← s + μ · trace;
/// w ← w + (s + μ · trace if Nesterov, else trace). From You, Gitman and Ginsburg, 2017, "Large Batch
/// Training of Convolutional Networks", as <c>optax.lars</c> composes it: <c>add_decayed_weights</c>,
/// <c>scale_by_trust_ratio</c>, <c>scale_by_learning_rate</c>, <c>trace</c>.
/// </para>
/// <para>
/// Two passes over memory per tensor: the first accumulates ‖w‖² and ‖u‖² from w and g alone; the second
/// moves w. The norms are over each tensor of the <see cref="ParameterLayout"/>, summed in a fixed order, so
/// every vector width and thread count gives the same bits. The raw kernel <c>Update</c> takes one tensor per call.
/// </para>
/// <para>
/// Departures: none from optax, which differs from the paper: the ratio is tc·‖w‖/(‖g + λw‖ + ε), not
/// η·‖w‖/(‖g‖ + λ‖w‖); a zero ‖w‖ or ‖u‖ gives ratio 1 (not tc), so a zero-initialised tensor steps 1/tc times
/// further than the ratio would allow; the momentum is a trace of updates already scaled by −α, so a changed
/// learning rate does not rescale past momentum. optax has no default learning rate; NumKit's is 0.1.
/// Weight decay and the trust ratio apply to every tensor (optax's masks None: use parameter groups to exempt
/// biases or normalisation parameters).
/// </para>
/// </remarks>
[Optimizer("""
    u = g + WeightDecay * w
    r = if(norm(w) == 0, 1, if(norm(u) == 0, 1, TrustCoefficient * norm(w) / (norm(u) + Epsilon)))
    s = -LearningRate * (u * r)
    trace = s + Momentum * trace
    w = w + if(Nesterov, s + Momentum * trace, trace)
    """)]
public partial struct Lars
{
    /// <summary>The step size α (optax's <c>learning_rate</c>, which has no default there).</summary>
    public float LearningRate { get; set; } = 0.1f;

    /// <summary>λ: weight decay added to the gradient before the trust ratio (optax's <c>weight_decay</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float WeightDecay { get; set; }

    /// <summary>tc: the trust coefficient scaling ‖w‖ / ‖u‖ (optax's <c>trust_coefficient</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float TrustCoefficient { get; set; } = 0.001f;

    /// <summary>ε, added to ‖u‖ (optax's <c>eps</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float Epsilon { get; set; }

    /// <summary>μ: the momentum (optax's <c>momentum</c>).</summary>
    [HyperparameterRange(0, 1, MaximumExcluded = true)]
    public float Momentum { get; set; } = 0.9f;

    /// <summary>Whether the step looks ahead by the new momentum (optax's <c>nesterov</c>).</summary>
    public bool Nesterov { get; set; }
}
