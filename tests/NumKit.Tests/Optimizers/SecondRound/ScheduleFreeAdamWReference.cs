namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Schedule-free AdamW as <c>schedulefree.AdamWScheduleFree</c> in train mode
/// (facebookresearch/schedule_free@70785b53, <c>schedulefree/adamw_schedulefree.py</c>,
/// <c>inner_momentum</c> 0): the parameters hold y, the point where gradients are taken; z is the
/// base sequence and x, the evaluation weights, their weighted average — never stored, since
/// x = (y − (1 − β1)·z)/β1 (<see cref="EvaluationWeights"/>, schedulefree's <c>eval()</c>).
/// </summary>
/// <remarks>
/// Per step (k = t − 1): sched = (k + 1)/WarmupSteps if k &lt; WarmupSteps else 1; lr = LearningRate·sched;
/// lr_max ← max(lr_max, lr) (from −1); weight = (k + 1)^R · lr_max^WeightLrPower;
/// weight_sum ← weight_sum + weight; c = weight/weight_sum (0 if weight_sum is 0).
/// Per element: v ← β2·v + (1 − β2)·g²; u = g / (√(v/(1 − β2^t)) + ε) + WeightDecay·y;
/// y ← lerp(y, z, c) + lr·(β1(1 − c) − 1)·u; z ← z − lr·u. z starts at y₀.
/// Older schedulefree releases scaled lr by √(1 − β2^t) (and so the weights) and put ε outside
/// the bias correction; this transcribes the newer form the golden case names.
/// </remarks>
public sealed class ScheduleFreeAdamWReference(IReadOnlyList<TensorSlice> tensors, ScheduleFreeAdamWReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>The hyperparameters, by the contract's names (schedulefree's <c>betas</c>, <c>warmup_steps</c>, <c>r</c>, <c>weight_lr_power</c>), with its defaults.</summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 0.0025;
        public double Beta1 { get; init; } = 0.9;
        public double Beta2 { get; init; } = 0.999;
        public double Epsilon { get; init; } = 1e-8;
        public double WeightDecay { get; init; }
        public double WarmupSteps { get; init; }
        public double R { get; init; }
        public double WeightLrPower { get; init; } = 2;
    }

    private double[]? _z;
    private double[]? _v;
    private double _lrMax = -1;
    private double _weightSum;

    /// <summary>The base sequence z after the last step.</summary>
    public double[]? Z => _z;

    /// <summary>
    /// The evaluation weights x for parameters <paramref name="y"/>, as schedulefree's <c>eval()</c>
    /// leaves them: x = lerp(y, z, 1 − 1/β1); <c>train()</c> goes back with y = lerp(x, z, 1 − β1).
    /// Before the first step there is no z and x = y.
    /// </summary>
    public double[] EvaluationWeights(double[] y)
    {
        var x = (double[])y.Clone();
        if (_z is not null)
        {
            for (int i = 0; i < Count; i++)
            {
                x[i] = Lerp(y[i], _z[i], 1 - 1 / config.Beta1);
            }
        }

        return x;
    }

    protected override void Apply(int t, double[] w, double[] g)
    {
        _z ??= (double[])w.Clone();
        _v ??= new double[Count];
        int k = t - 1;
        double sched = k < config.WarmupSteps ? (k + 1) / config.WarmupSteps : 1.0;
        double biasCorrection2 = 1 - Math.Pow(config.Beta2, k + 1);
        double lr = config.LearningRate * sched;
        _lrMax = Math.Max(lr, _lrMax);
        double weight = Math.Pow(k + 1, config.R) * Math.Pow(_lrMax, config.WeightLrPower);
        _weightSum += weight;
        double ckp1 = _weightSum == 0 ? 0 : weight / _weightSum;
        for (int i = 0; i < Count; i++)
        {
            _v[i] = _v[i] * config.Beta2 + (1 - config.Beta2) * g[i] * g[i];
            double denom = Math.Sqrt(_v[i] / biasCorrection2) + config.Epsilon;
            double u = g[i] / denom;
            if (config.WeightDecay != 0)
            {
                u += config.WeightDecay * w[i];
            }

            w[i] = Lerp(w[i], _z[i], ckp1);
            w[i] += lr * (config.Beta1 * (1 - ckp1) - 1) * u;
            _z[i] -= lr * u;
        }
    }

    private static double Lerp(double start, double end, double weight) => start + weight * (end - start);
}
