namespace NumKit.Optimizers;

/// <summary>Adagrad: each step divided by the root of the sum of every squared gradient so far, exactly as <c>torch.optim.Adagrad</c>.</summary>
/// <remarks>
/// <para>
/// Equations, per step: d = g + λ·w; sum ← sum + d² (sum starting at the initial accumulator);
/// w ← w − α/(1 + (t − 1)·k) · d / (√sum + ε), with k the learning-rate decay. From Duchi, Hazan and
/// Singer, 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization".
/// </para>
/// <para>
/// Departures: the paper has neither ε nor learning-rate decay; both are PyTorch's, with ε = 1e-10
/// outside the root. Keras starts the accumulator at 0.1 and uses ε = 1e-7; optax's <c>adagrad</c>
/// starts it at 0.1 and puts ε inside the root. Defaults here are PyTorch's (accumulator 0).
/// Weight decay is L2, added to the gradient, as in PyTorch.
/// </para>
/// </remarks>
[Optimizer("""
    init sum = InitialAccumulator
    d = g + WeightDecay * w          # L2 weight decay, added to the gradient as torch.optim.Adagrad does
    sum = sum + d * d
    w = w - LearningRate / (1 + (t - 1) * LearningRateDecay) * d / (sqrt(sum) + Epsilon)
    """)]
public partial struct Adagrad
{
    /// <summary>The step size α (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-2f;

    /// <summary>k in the decayed step size α / (1 + (t − 1)·k) (PyTorch's <c>lr_decay</c>).</summary>
    public float LearningRateDecay { get; set; }

    /// <summary>The L2 penalty λ, added to the gradient as λ·w.</summary>
    public float WeightDecay { get; set; }

    /// <summary>The value every element of the sum of squares starts from (PyTorch's <c>initial_accumulator_value</c>).</summary>
    public float InitialAccumulator { get; set; }

    /// <summary>Added to √sum so the step stays finite where the sum is zero.</summary>
    public float Epsilon { get; set; } = 1e-10f;

    // The hyperparameters' ranges (PyTorch checks: every one ≥ 0); the optimizer refuses other values when they are set, before a step
    // and in a checkpoint. LearningRate keeps the default: 0 or more.
    static HyperparameterRange IOptimizerRule<Adagrad>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(LearningRateDecay) or nameof(WeightDecay) or nameof(InitialAccumulator) or nameof(Epsilon) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // Sums or averages of squares (or of magnitudes): never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<Adagrad>.IsNonNegativeState(string state) => state is "sum";
}
