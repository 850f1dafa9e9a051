namespace NumKit.Tests.Optimizers;

/// <summary>
/// Hand-written double-precision scalar loops of each catalog optimizer, transcribed from PyTorch
/// 1.13's <c>torch/optim/*.py</c> single-tensor code (and from the papers for the course's momentum
/// and Lion) — never from NumKit's equations — so they check the generated kernels independently.
/// </summary>
public abstract class Reference
{
    private readonly Func<string, double> _hyperparameter;

    protected Reference(Func<string, double> hyperparameter) => _hyperparameter = hyperparameter;

    protected double H(string name) => _hyperparameter(name);

    /// <summary>Applies step <paramref name="t"/> (1 first) to <paramref name="w"/> in place.</summary>
    public abstract void Step(int t, double[] w, double[] g);

    /// <summary>The reference for the catalog type <paramref name="typeName"/>, reading hyperparameters by name.</summary>
    public static Reference For(string typeName, Func<string, double> hyperparameter) => typeName switch
    {
        "Sgd" => new SgdReference(hyperparameter, momentum: false, nesterov: false),
        "SgdMomentum" => new SgdReference(hyperparameter, momentum: true, nesterov: false),
        "Nesterov" => new SgdReference(hyperparameter, momentum: true, nesterov: true),
        "Momentum" => new CourseMomentumReference(hyperparameter),
        "RmsProp" => new RmsPropReference(hyperparameter, centered: false),
        "RmsPropCentered" => new RmsPropReference(hyperparameter, centered: true),
        "Adam" => new AdamReference(hyperparameter, amsgrad: false, decoupled: false),
        "AmsGrad" => new AdamReference(hyperparameter, amsgrad: true, decoupled: false),
        "AdamW" => new AdamReference(hyperparameter, amsgrad: false, decoupled: true),
        "Adamax" => new AdamaxReference(hyperparameter),
        "NAdam" => new NAdamReference(hyperparameter),
        "RAdam" => new RAdamReference(hyperparameter),
        "Adagrad" => new AdagradReference(hyperparameter),
        "Adadelta" => new AdadeltaReference(hyperparameter),
        "Lion" => new LionReference(hyperparameter),
        _ => throw new ArgumentException($"No reference for '{typeName}'.", nameof(typeName)),
    };

    protected static double[] Zeros(double[]? buffer, int n) => buffer ?? new double[n];

    // torch.optim.SGD, _single_tensor_sgd.
    private sealed class SgdReference(Func<string, double> h, bool momentum, bool nesterov) : Reference(h)
    {
        private double[]? _buf;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), weightDecay = H("WeightDecay");
            double mu = momentum ? H("Momentum") : 0;
            double dampening = momentum && !nesterov ? H("Dampening") : 0;
            bool first = _buf is null;
            _buf = Zeros(_buf, w.Length);
            for (int i = 0; i < w.Length; i++)
            {
                double dp = g[i];
                if (weightDecay != 0)
                {
                    dp += weightDecay * w[i];
                }

                if (momentum)
                {
                    // The first buffer is a clone of d_p; later ones decay and take (1 - dampening) of it.
                    _buf[i] = first ? dp : mu * _buf[i] + (1 - dampening) * dp;
                    dp = nesterov ? dp + mu * _buf[i] : _buf[i];
                }

                w[i] -= lr * dp;
            }
        }
    }

    // The course's form: V = beta V + (1 - beta) dW, W -= alpha V.
    private sealed class CourseMomentumReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _v;

        public override void Step(int t, double[] w, double[] g)
        {
            double alpha = H("LearningRate"), beta = H("Beta");
            _v = Zeros(_v, w.Length);
            for (int i = 0; i < w.Length; i++)
            {
                _v[i] = beta * _v[i] + (1 - beta) * g[i];
                w[i] -= alpha * _v[i];
            }
        }
    }

    // torch.optim.RMSprop without momentum, centered or not.
    private sealed class RmsPropReference(Func<string, double> h, bool centered) : Reference(h)
    {
        private double[]? _squareAvg;
        private double[]? _gradAvg;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), alpha = H("Beta"), eps = H("Epsilon"), weightDecay = H("WeightDecay");
            _squareAvg = Zeros(_squareAvg, w.Length);
            _gradAvg = Zeros(_gradAvg, w.Length);
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i] + weightDecay * w[i];
                _squareAvg[i] = _squareAvg[i] * alpha + (1 - alpha) * grad * grad;
                double avg;
                if (centered)
                {
                    _gradAvg[i] = _gradAvg[i] * alpha + (1 - alpha) * grad;
                    avg = Math.Sqrt(_squareAvg[i] - _gradAvg[i] * _gradAvg[i]);
                }
                else
                {
                    avg = Math.Sqrt(_squareAvg[i]);
                }

                avg += eps;
                w[i] -= lr * grad / avg;
            }
        }
    }

    // torch.optim.Adam (amsgrad or not) and torch.optim.AdamW.
    private sealed class AdamReference(Func<string, double> h, bool amsgrad, bool decoupled) : Reference(h)
    {
        private double[]? _expAvg;
        private double[]? _expAvgSq;
        private double[]? _maxExpAvgSq;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), beta1 = H("Beta1"), beta2 = H("Beta2"), eps = H("Epsilon"), weightDecay = H("WeightDecay");
            _expAvg = Zeros(_expAvg, w.Length);
            _expAvgSq = Zeros(_expAvgSq, w.Length);
            _maxExpAvgSq = Zeros(_maxExpAvgSq, w.Length);
            double biasCorrection1 = 1 - Math.Pow(beta1, t);
            double biasCorrection2 = 1 - Math.Pow(beta2, t);
            double stepSize = lr / biasCorrection1;
            double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i];
                if (decoupled)
                {
                    w[i] *= 1 - lr * weightDecay;
                }
                else
                {
                    grad += weightDecay * w[i];
                }

                _expAvg[i] = _expAvg[i] * beta1 + (1 - beta1) * grad;
                _expAvgSq[i] = _expAvgSq[i] * beta2 + (1 - beta2) * grad * grad;
                double second = _expAvgSq[i];
                if (amsgrad)
                {
                    _maxExpAvgSq[i] = Math.Max(_maxExpAvgSq[i], _expAvgSq[i]);
                    second = _maxExpAvgSq[i];
                }

                double denom = Math.Sqrt(second) / biasCorrection2Sqrt + eps;
                w[i] -= stepSize * _expAvg[i] / denom;
            }
        }
    }

    // torch.optim.Adamax.
    private sealed class AdamaxReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _expAvg;
        private double[]? _expInf;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), beta1 = H("Beta1"), beta2 = H("Beta2"), eps = H("Epsilon"), weightDecay = H("WeightDecay");
            _expAvg = Zeros(_expAvg, w.Length);
            _expInf = Zeros(_expInf, w.Length);
            double clr = lr / (1 - Math.Pow(beta1, t));
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i] + weightDecay * w[i];
                _expAvg[i] = _expAvg[i] * beta1 + (1 - beta1) * grad;
                _expInf[i] = Math.Max(_expInf[i] * beta2, Math.Abs(grad) + eps);
                w[i] -= clr * _expAvg[i] / _expInf[i];
            }
        }
    }

    // torch.optim.NAdam as of 1.13, including its mu_product_next = mu_product * mu * mu_next.
    private sealed class NAdamReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _expAvg;
        private double[]? _expAvgSq;
        private double _muProduct = 1;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), beta1 = H("Beta1"), beta2 = H("Beta2"), eps = H("Epsilon");
            double weightDecay = H("WeightDecay"), momentumDecay = H("MomentumDecay");
            _expAvg = Zeros(_expAvg, w.Length);
            _expAvgSq = Zeros(_expAvgSq, w.Length);
            double biasCorrection2 = 1 - Math.Pow(beta2, t);
            double mu = beta1 * (1 - 0.5 * Math.Pow(0.96, t * momentumDecay));
            double muNext = beta1 * (1 - 0.5 * Math.Pow(0.96, (t + 1) * momentumDecay));
            _muProduct *= mu;
            double muProductNext = _muProduct * mu * muNext;
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i] + weightDecay * w[i];
                _expAvg[i] = _expAvg[i] * beta1 + (1 - beta1) * grad;
                _expAvgSq[i] = _expAvgSq[i] * beta2 + (1 - beta2) * grad * grad;
                double denom = Math.Sqrt(_expAvgSq[i] / biasCorrection2) + eps;
                w[i] += -lr * (1 - mu) / (1 - _muProduct) * grad / denom;
                w[i] += -lr * muNext / (1 - muProductNext) * _expAvg[i] / denom;
            }
        }
    }

    // torch.optim.RAdam.
    private sealed class RAdamReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _expAvg;
        private double[]? _expAvgSq;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), beta1 = H("Beta1"), beta2 = H("Beta2"), eps = H("Epsilon"), weightDecay = H("WeightDecay");
            _expAvg = Zeros(_expAvg, w.Length);
            _expAvgSq = Zeros(_expAvgSq, w.Length);
            double biasCorrection1 = 1 - Math.Pow(beta1, t);
            double biasCorrection2 = 1 - Math.Pow(beta2, t);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * t * Math.Pow(beta2, t) / biasCorrection2;
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i] + weightDecay * w[i];
                _expAvg[i] = _expAvg[i] * beta1 + (1 - beta1) * grad;
                _expAvgSq[i] = _expAvgSq[i] * beta2 + (1 - beta2) * grad * grad;
                double biasCorrectedExpAvg = _expAvg[i] / biasCorrection1;
                if (rhoT > 5)
                {
                    double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    double adaptiveLr = Math.Sqrt(biasCorrection2) / (Math.Sqrt(_expAvgSq[i]) + eps);
                    w[i] -= biasCorrectedExpAvg * lr * adaptiveLr * rect;
                }
                else
                {
                    w[i] -= biasCorrectedExpAvg * lr;
                }
            }
        }
    }

    // torch.optim.Adagrad.
    private sealed class AdagradReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _sum;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), lrDecay = H("LearningRateDecay"), weightDecay = H("WeightDecay"), eps = H("Epsilon");
            if (_sum is null)
            {
                _sum = new double[w.Length];
                Array.Fill(_sum, H("InitialAccumulator"));
            }

            double clr = lr / (1 + (t - 1) * lrDecay);
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i] + weightDecay * w[i];
                _sum[i] += grad * grad;
                w[i] -= clr * grad / (Math.Sqrt(_sum[i]) + eps);
            }
        }
    }

    // torch.optim.Adadelta.
    private sealed class AdadeltaReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _squareAvg;
        private double[]? _accDelta;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), rho = H("Rho"), eps = H("Epsilon"), weightDecay = H("WeightDecay");
            _squareAvg = Zeros(_squareAvg, w.Length);
            _accDelta = Zeros(_accDelta, w.Length);
            for (int i = 0; i < w.Length; i++)
            {
                double grad = g[i] + weightDecay * w[i];
                _squareAvg[i] = _squareAvg[i] * rho + (1 - rho) * grad * grad;
                double std = Math.Sqrt(_squareAvg[i] + eps);
                double delta = Math.Sqrt(_accDelta[i] + eps) / std * grad;
                _accDelta[i] = _accDelta[i] * rho + (1 - rho) * delta * delta;
                w[i] -= lr * delta;
            }
        }
    }

    // Lion, the paper's Algorithm 2 with decoupled weight decay.
    private sealed class LionReference(Func<string, double> h) : Reference(h)
    {
        private double[]? _m;

        public override void Step(int t, double[] w, double[] g)
        {
            double lr = H("LearningRate"), beta1 = H("Beta1"), beta2 = H("Beta2"), weightDecay = H("WeightDecay");
            _m = Zeros(_m, w.Length);
            for (int i = 0; i < w.Length; i++)
            {
                double update = Math.Sign(beta1 * _m[i] + (1 - beta1) * g[i]);
                w[i] -= lr * (update + weightDecay * w[i]);
                _m[i] = beta2 * _m[i] + (1 - beta2) * g[i];
            }
        }
    }
}
