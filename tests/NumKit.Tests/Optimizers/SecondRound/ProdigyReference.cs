namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// Prodigy as <c>prodigyopt.Prodigy</c> (konstmish/prodigy@3efb213e, <c>prodigyopt/prodigy.py</c>,
/// <c>slice_p</c> 1, one group, no FSDP): Adam whose step size d is estimated from the dot product of
/// the gradients with the distance travelled from the initial weights x0, over every tensor of the group.
/// </summary>
/// <remarks>
/// Per step, with d, d_max and the numerator N as left by the step before (d = d_max = D0, N = 0 at first):
/// λ_bc = √(1 − β2^t)/(1 − β1^t) if UseBiasCorrection else 1; dlr = d·LearningRate·λ_bc;
/// β3 = Beta3 if it is not 0, else √β2. Per element (g += WeightDecay·w first if not
/// DecoupleWeightDecay): N_Δ += (d/D0)·dlr·g·(x0 − w) (summed per tensor, then over tensors);
/// m ← β1·m + d(1 − β1)·g; v ← β2·v + d²(1 − β2)·g²;
/// s ← β3·s + (d/D0)·(SafeguardWarmup ? d : dlr)·g; D += |s| (per tensor, then over tensors).
/// N ← β3·N + N_Δ. If D = 0 the step ends there: no weight moves and t, d and N are left alone
/// (prodigyopt returns early; m, v and s have already decayed). Else d̂ = DCoefficient·N/D;
/// if d = D0 then d ← max(d, d̂); d_max ← max(d_max, d̂); d ← min(d_max, d·GrowthRate).
/// Then, with the new d: w ← w·(1 − WeightDecay·dlr) if DecoupleWeightDecay;
/// w ← w − dlr·m / (√v + d·ε) — dlr is the old d's, the ε term the new d's. (β1 = 0 has no m:
/// w ← w − dlr·d·g / (√v + d·ε).)
/// </remarks>
public sealed class ProdigyReference(IReadOnlyList<TensorSlice> tensors, ProdigyReference.Config config)
    : TensorListReference(tensors)
{
    /// <summary>
    /// The hyperparameters, by the contract's names (prodigyopt's <c>betas</c>, <c>beta3</c>, <c>d0</c>,
    /// <c>d_coef</c>, <c>growth_rate</c>, <c>decouple</c>, ...), with its defaults; Beta3 0 means √Beta2.
    /// </summary>
    public sealed record Config
    {
        public double LearningRate { get; init; } = 1.0;
        public double Beta1 { get; init; } = 0.9;
        public double Beta2 { get; init; } = 0.999;
        public double Beta3 { get; init; }
        public double D0 { get; init; } = 1e-6;
        public double DCoefficient { get; init; } = 1.0;
        public double GrowthRate { get; init; } = double.PositiveInfinity;
        public double WeightDecay { get; init; }
        public bool DecoupleWeightDecay { get; init; } = true;
        public bool UseBiasCorrection { get; init; }
        public bool SafeguardWarmup { get; init; }
        public double Epsilon { get; init; } = 1e-8;
    }

    private double[]? _x0;
    private double[]? _m;
    private double[]? _v;
    private double[]? _s;
    private double _numerator;
    private int _k; // prodigyopt's group['k']: steps taken, not counting those that returned early

    /// <summary>The step-size estimate d after the last step (D0 before the first).</summary>
    public double D { get; private set; } = config.D0;

    /// <summary>The largest estimate d̂ seen (prodigyopt's <c>d_max</c>).</summary>
    public double DMax { get; private set; } = config.D0;

    protected override void Apply(int t, double[] w, double[] g)
    {
        _x0 ??= (double[])w.Clone();
        _m ??= new double[Count];
        _v ??= new double[Count];
        _s ??= new double[Count];
        double beta1 = config.Beta1, beta2 = config.Beta2;
        double beta3 = config.Beta3 != 0 ? config.Beta3 : Math.Sqrt(beta2);
        double d = D, d0 = config.D0, lr = config.LearningRate;
        double biasCorrection = config.UseBiasCorrection
            ? Math.Sqrt(1 - Math.Pow(beta2, _k + 1)) / (1 - Math.Pow(beta1, _k + 1))
            : 1;
        double dlr = d * lr * biasCorrection;
        double numerator = _numerator * beta3;
        double deltaNumerator = 0, denominator = 0;
        var grad = new double[Count];
        // prodigyopt runs this loop only for a group whose lr > 0: at lr 0 nothing decays, D stays 0 and the step ends early.
        foreach (TensorSlice tensor in lr > 0 ? Tensors : Array.Empty<TensorSlice>())
        {
            double dot = 0, absoluteSum = 0;
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                grad[i] = g[i];
                if (config.WeightDecay != 0 && !config.DecoupleWeightDecay)
                {
                    grad[i] += config.WeightDecay * w[i];
                }

                dot += grad[i] * (_x0[i] - w[i]);
                if (beta1 > 0)
                {
                    _m[i] = _m[i] * beta1 + d * (1 - beta1) * grad[i];
                }

                _v[i] = _v[i] * beta2 + d * d * (1 - beta2) * grad[i] * grad[i];
                _s[i] = _s[i] * beta3 + (d / d0) * (config.SafeguardWarmup ? d : dlr) * grad[i];
                absoluteSum += Math.Abs(_s[i]);
            }

            // prodigyopt adds each tensor's dot product (and |s| sum) to a running Python float, in tensor order.
            deltaNumerator += (d / d0) * dlr * dot;
            denominator += absoluteSum;
        }

        if (denominator == 0)
        {
            return;
        }

        double dHat = d;
        if (lr > 0)
        {
            numerator += deltaNumerator;
            dHat = config.DCoefficient * numerator / denominator;
            if (d == d0)
            {
                d = Math.Max(d, dHat);
            }

            DMax = Math.Max(DMax, dHat);
            d = Math.Min(DMax, d * config.GrowthRate);
        }

        _numerator = numerator;
        D = d;
        for (int i = 0; i < Count; i++)
        {
            double denom = Math.Sqrt(_v[i]) + d * config.Epsilon;
            if (config.WeightDecay != 0 && config.DecoupleWeightDecay)
            {
                w[i] += w[i] * (-config.WeightDecay * dlr);
            }

            w[i] += beta1 > 0 ? -dlr * _m[i] / denom : -dlr * d * grad[i] / denom;
        }

        _k++;
    }
}
