namespace NumKit.Optimizers;

/// <summary>Rprop, resilient backpropagation: a step size per element, from the gradient's sign alone, exactly as <c>torch.optim.Rprop</c> (PyTorch 1.13).</summary>
/// <remarks>
/// <para>
/// Equations, per element: s = g · g_prev; f = η₊ if s &gt; 0, η₋ if s &lt; 0, else 1;
/// step ← clamp(step · f, MinStep, MaxStep); d = 0 where f = η₋, else g; w ← w − sign(d) · step;
/// g_prev ← d. The step sizes start at the learning rate, g_prev at zero.
/// From Riedmiller and Braun, 1993, "A Direct Adaptive Method for Faster Backpropagation Learning:
/// The RPROP Algorithm" (the variant without weight-backtracking, often called Rprop−), as
/// <c>torch.optim.Rprop</c> 1.13 (<c>_single_tensor_rprop</c>) computes it.
/// </para>
/// <para>
/// Departures: none from PyTorch. PyTorch's <c>etas</c> and <c>step_sizes</c> pairs are four
/// properties here. Like PyTorch, a sign flip forgets the gradient (d = 0: no move this step, and the
/// next step takes the f = 1 branch); like PyTorch, "the sign flipped" is tested as f = η₋, so
/// setting η₊ or 1 equal to η₋ changes which elements count as flipped. Rprop is meant for
/// full-batch gradients: the sign of a noisy mini-batch gradient flips at random.
/// </para>
/// </remarks>
[Optimizer("""
    s = g * prev
    f = if(s > 0, EtaPlus, if(s < 0, EtaMinus, 1))
    size = clamp(size * f, MinStep, MaxStep)       # torch's clamp_(min, max): MaxStep wins if the bounds cross
    d = if(f == EtaMinus, 0, g)                    # a flipped sign: no move, and remembered as zero
    w = w - sign(d) * size
    prev = d
    init size = LearningRate
    """)]
public partial struct Rprop
{
    /// <summary>The initial step size of every element (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>η₋: the factor a step size shrinks by when the gradient's sign flips (PyTorch's <c>etas[0]</c>); 0 &lt; η₋ &lt; 1, as PyTorch checks.</summary>
    [HyperparameterRange(0, 1, MinimumExcluded = true, MaximumExcluded = true)]
    public float EtaMinus { get; set; } = 0.5f;

    /// <summary>η₊: the factor a step size grows by while the gradient keeps its sign (PyTorch's <c>etas[1]</c>); more than 1, as PyTorch checks.</summary>
    [HyperparameterRange(1, float.PositiveInfinity, MinimumExcluded = true)]
    public float EtaPlus { get; set; } = 1.2f;

    /// <summary>The smallest step size (PyTorch's <c>step_sizes[0]</c>); 0 or more (a negative step size would step uphill).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float MinStep { get; set; } = 1e-6f;

    /// <summary>The largest step size (PyTorch's <c>step_sizes[1]</c>); 0 or more.</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float MaxStep { get; set; } = 50f;

    // The step sizes start at LearningRate (0 or more) and are clamped to [MinStep, MaxStep]: never negative, so a
    // checkpoint holding a negative or NaN step size is refused.
    static bool IOptimizerRule<Rprop>.IsNonNegativeState(string state) => state is "size";
}
