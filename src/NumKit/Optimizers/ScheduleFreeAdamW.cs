namespace NumKit.Optimizers;

/// <summary>
/// Schedule-free AdamW, as <c>schedulefree.AdamWScheduleFree</c>: no learning-rate schedule to tune, and the
/// parameters hold y, the point where gradients are taken, while training. Evaluate with the averaged weights x:
/// <c>optimizer.ToEvaluationWeights(parameters)</c>, then <c>ToTrainingWeights</c> to go on (<see cref="ScheduleFreeWeights"/>).
/// </summary>
/// <remarks>
/// <para>
/// Equations, per step t (k = t − 1 in the source's counting), with z the base sequence (starting at y₀) and v
/// the second moment: sched = t/WarmupSteps while t − 1 &lt; WarmupSteps, else 1; lr = LearningRate·sched;
/// lr_max ← max(lr, lr_max) (from −1); weight = t^R · lr_max^WeightLrPower; weight_sum ← weight_sum + weight;
/// c = weight/weight_sum (0 while weight_sum is 0). Per element: v ← β2·v + (1 − β2)·g²;
/// u = g / (√(v/(1 − β2^t)) + ε) + WeightDecay·y; y ← y + c·(z − y) + lr·(β1·(1 − c) − 1)·u; z ← z − lr·u.
/// The evaluation weights are x = y + (1 − 1/β1)·(z − y), never stored: ToEvaluationWeights computes them.
/// From Defazio et al., 2024, "The Road Less Scheduled", Algorithm 1 (AdamW form), as
/// <c>schedulefree/adamw_schedulefree.py</c> (facebookresearch/schedule_free) computes it in train mode.
/// </para>
/// <para>
/// Departures: none in the step. The source's <c>eval()</c> and <c>train()</c> recompute y from x and z in
/// place, which rounds y; ToTrainingWeights instead puts back the bits y had, kept aside by
/// ToEvaluationWeights, so evaluating never changes training. Older schedulefree releases scaled lr by
/// √(1 − β2^t) and added ε outside the bias correction; this is the newer form. Per-step state (ScalarState
/// "lr_max", "weight_sum") and z, v are saved in checkpoints.
/// </para>
/// </remarks>
[Optimizer("""
    sched = if(t - 1 < WarmupSteps, t / WarmupSteps, 1)    # linear warmup over WarmupSteps steps
    lr = LearningRate * sched
    lr_max = max(lr, lr_max)
    init lr_max = -1
    weight = t^R * lr_max^WeightLrPower
    weight_sum = weight_sum + weight
    c = if(weight_sum == 0, 0, weight / weight_sum)         # the averaging weight c_{t+1}
    init z = w                                              # the base sequence starts at y0
    v = Beta2 * v + (1 - Beta2) * g^2
    u = g / (sqrt(v / (1 - Beta2^t)) + Epsilon) + WeightDecay * w
    w = w + c * (z - w) + lr * (Beta1 * (1 - c) - 1) * u    # y: lerp toward z, then the gradient step
    z = z - lr * u
    """)]
public partial struct ScheduleFreeAdamW
{
    /// <summary>The step size γ (schedulefree's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 0.0025f;

    /// <summary>β1: where gradients are taken, between z (0) and the average x (1); also the evaluation switch's factor.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>The decay rate β2 of the second moment.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Added to the bias-corrected √v so the step stays finite where v is zero.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>Weight decay, added to the normalized gradient at y (schedulefree's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; set; }

    /// <summary>How many steps the learning rate ramps up linearly over (schedulefree's <c>warmup_steps</c>).</summary>
    public float WarmupSteps { get; set; }

    /// <summary>r: the averaging weight grows as t^r (schedulefree's <c>r</c>).</summary>
    public float R { get; set; }

    /// <summary>The averaging weight grows as lr_max to this power (schedulefree's <c>weight_lr_power</c>).</summary>
    public float WeightLrPower { get; set; } = 2f;

    // schedulefree's checks (0 ≤ lr, 0 ≤ β < 1, 0 ≤ ε, 0 ≤ weight decay), with β1 > 0: the evaluation weights divide by it.
    static HyperparameterRange IOptimizerRule<ScheduleFreeAdamW>.RangeOf(string hyperparameter) => hyperparameter switch
    {
        nameof(Beta1) => new HyperparameterRange(float.Epsilon, 1, MaximumExcluded: true),
        nameof(Beta2) => HyperparameterRange.Fraction,
        nameof(Epsilon) or nameof(WeightDecay) or nameof(WarmupSteps) or nameof(R) or nameof(WeightLrPower) => HyperparameterRange.NonNegative,
        _ => HyperparameterRange.Default(hyperparameter),
    };

    // An average of squares: never negative, so a checkpoint holding a negative value is refused.
    static bool IOptimizerRule<ScheduleFreeAdamW>.IsNonNegativeState(string state) => state is "v";
}
