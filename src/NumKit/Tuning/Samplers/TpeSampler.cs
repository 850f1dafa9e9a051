using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using NumKit.Randomness;

namespace NumKit.Tuning;

/// <summary>
/// The tree-structured Parzen estimator (Bergstra et al., "Algorithms for hyper-parameter optimization",
/// NeurIPS 2011) as Optuna's default sampler runs it: split the finished trials into the best γ(n) and the
/// rest, fit a Parzen (kernel) density to each, in each dimension's own scale, and take the candidate
/// that maximises l(x)/g(x) among a few drawn from l.
/// </summary>
/// <remarks>
/// <para>
/// Optuna's defaults (optuna/samplers/_tpe/sampler.py, parzen_estimator.py): the first
/// <see cref="StartupTrials"/> = 10 trials are random; γ(n) = min(⌈0.1·n⌉, 25); each good trial weighs the
/// same while there are fewer than 25 of them, older ones ramping down beyond; a prior component (the
/// middle of the range, as wide as the range, weight 1) in each mixture; kernel widths from the gaps
/// between sorted neighbours, clipped to [range / min(100, n + 1), range] ("magic clip");
/// <see cref="Candidates"/> = 24 draws from l(x). Dimensions are independent (univariate TPE). Pruned
/// trials rank after completed ones, those that went further first. Continuous dimensions work in their
/// scale — log10 α, log10(1 − β) — so the kernels are as wide in every decade; integer dimensions on the
/// scale widened by half a step and rounded; choices as weighted counts.
/// </para>
/// <para>
/// Determinism: trial n's random numbers come from (seed, n), so the same history gives the same trial.
/// With one worker the history is fixed and the whole search is reproducible; with several it depends on
/// which trials had finished when n was asked for.
/// </para>
/// </remarks>
public sealed class TpeSampler : ISampler
{
    /// <summary>Creates a TPE sampler with Optuna's defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting below its minimum.</exception>
    public TpeSampler(int startupTrials = 10, int candidates = 24, double priorWeight = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startupTrials);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(candidates);
        if (!(priorWeight > 0) || !double.IsFinite(priorWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(priorWeight), priorWeight, "The prior's weight must be finite and positive.");
        }

        StartupTrials = startupTrials;
        Candidates = candidates;
        PriorWeight = priorWeight;
    }

    /// <summary>How many finished trials there must be before TPE takes over from random sampling.</summary>
    public int StartupTrials { get; }

    /// <summary>How many candidates are drawn from l(x) per dimension.</summary>
    public int Candidates { get; }

    /// <summary>The weight of the prior component in each mixture.</summary>
    public double PriorWeight { get; }

    /// <inheritdoc/>
    public Trial Sample(SearchSpace space, int id, int round, IReadOnlyList<TrialResult> history, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        List<TrialResult> usable = history.Where(r => r.Trial.Space.HasSameNames(space)
            && ((r.Status == TrialStatus.Completed && !double.IsNaN(r.Cost)) || (r.Status == TrialStatus.Pruned && !r.Curve.IsEmpty))).ToList();
        if (usable.Count < StartupTrials || usable.Count == 0)
        {
            return space.Sample(seed, id, round);
        }

        // Best first: completed by cost, then pruned by how far they got, then by their last cost.
        usable.Sort(static (a, b) =>
        {
            int c = (a.Status == TrialStatus.Completed ? 0 : 1).CompareTo(b.Status == TrialStatus.Completed ? 0 : 1);
            if (c == 0 && a.Status == TrialStatus.Pruned)
            {
                c = b.Curve[^1].Epoch.CompareTo(a.Curve[^1].Epoch);
            }

            if (c == 0)
            {
                c = Rank(a.Cost).CompareTo(Rank(b.Cost));
            }

            return c != 0 ? c : a.Id.CompareTo(b.Id);
        });
        int below = Math.Min((int)Math.Ceiling(0.1 * usable.Count), 25);
        TrialResult[] good = usable.Take(below).OrderBy(r => r.Id).ToArray();
        TrialResult[] bad = usable.Skip(below).OrderBy(r => r.Id).ToArray();

        var random = new TrialRandom(seed, (ulong)id);
        ulong trialSeed = random.NextUInt64();
        var values = ImmutableArray.CreateBuilder<double>(space.Count);
        for (int d = 0; d < space.Count; d++)
        {
            Dimension dimension = space[d];
            double[] goodValues = good.Select(r => r.Trial.Values[d]).Where(dimension.Contains).ToArray();
            double[] badValues = bad.Select(r => r.Trial.Values[d]).Where(dimension.Contains).ToArray();
            values.Add(dimension is ChoiceDimension choice
                ? SampleChoice(choice, goodValues, badValues, ref random)
                : SampleNumeric(dimension, goodValues, badValues, ref random));
        }

        return new Trial(space, id, round, trialSeed, values.MoveToImmutable());
    }

    /// <summary>"tpe".</summary>
    public override string ToString() => "tpe";

    private static double Rank(double cost) => double.IsFinite(cost) ? cost : double.PositiveInfinity;

    private double SampleNumeric(Dimension dimension, double[] goodValues, double[] badValues, ref TrialRandom random)
    {
        // The scale, widened by half a step for integers so that both end values get a full cell.
        double half = dimension.IsDiscrete ? 0.5 : 0;
        double low = dimension.ScaleLow - half;
        double high = dimension.ScaleHigh + half;
        if (!(high > low))
        {
            return dimension.FromScale(dimension.ScaleLow);
        }

        Mixture l = Mixture.Fit(goodValues.Select(dimension.ToScale).ToArray(), low, high, PriorWeight);
        Mixture g = Mixture.Fit(badValues.Select(dimension.ToScale).ToArray(), low, high, PriorWeight);
        double best = double.NaN;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < Candidates; i++)
        {
            double x = l.Draw(ref random);
            if (dimension.IsDiscrete)
            {
                x = Math.Round(x, MidpointRounding.AwayFromZero);
            }

            double score = l.LogDensity(x) - g.LogDensity(x);
            if (score > bestScore || double.IsNaN(best))
            {
                best = x;
                bestScore = score;
            }
        }

        return dimension.FromScale(best);
    }

    private double SampleChoice(ChoiceDimension dimension, double[] goodValues, double[] badValues, ref TrialRandom random)
    {
        ImmutableArray<int> allowed = dimension.AllowedChoices;
        double[] l = ChoiceWeights(allowed, goodValues);
        double[] g = ChoiceWeights(allowed, badValues);
        int best = allowed[0];
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < Candidates; i++)
        {
            double u = random.NextDouble();
            int k = 0;
            while (k < l.Length - 1 && u >= l[k])
            {
                u -= l[k];
                k++;
            }

            double score = Math.Log(l[k]) - Math.Log(g[k]);
            if (score > bestScore)
            {
                best = allowed[k];
                bestScore = score;
            }
        }

        return best;
    }

    // The prior spread evenly over the allowed choices plus one (weighted) count per observation, normalised.
    private double[] ChoiceWeights(ImmutableArray<int> allowed, double[] observed)
    {
        double[] weights = ObservationWeights(observed.Length);
        var p = new double[allowed.Length];
        for (int k = 0; k < p.Length; k++)
        {
            p[k] = PriorWeight / p.Length;
        }

        for (int i = 0; i < observed.Length; i++)
        {
            int k = allowed.IndexOf((int)observed[i]);
            if (k >= 0)
            {
                p[k] += weights[i];
            }
        }

        double sum = p.Sum();
        return p.Select(v => v / sum).ToArray();
    }

    /// <summary>Optuna's default_weights: equal below 25 observations; beyond, the oldest ramp from 1/n up to 1 and the newest 25 weigh 1.</summary>
    internal static double[] ObservationWeights(int n)
    {
        var weights = new double[n];
        if (n < 25)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }

        int ramp = n - 25;
        for (int i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / n : (1.0 / n) + (i * (1.0 - (1.0 / n)) / (ramp - 1));
        }

        for (int i = ramp; i < n; i++)
        {
            weights[i] = 1.0;
        }

        return weights;
    }

    /// <summary>A mixture of normals truncated to [low, high]: one per observation and the prior.</summary>
    private sealed class Mixture
    {
        private readonly double[] _mu;
        private readonly double[] _sigma;
        private readonly double[] _weight;
        private readonly double[] _logMass;
        private readonly double _low;
        private readonly double _high;

        private Mixture(double[] mu, double[] sigma, double[] weight, double low, double high)
        {
            _mu = mu;
            _sigma = sigma;
            _weight = weight;
            _low = low;
            _high = high;
            _logMass = new double[mu.Length];
            for (int i = 0; i < mu.Length; i++)
            {
                double mass = NormalCdf((high - mu[i]) / sigma[i]) - NormalCdf((low - mu[i]) / sigma[i]);
                _logMass[i] = Math.Log(Math.Max(mass, 1e-300));
            }
        }

        /// <summary>Optuna's univariate Parzen estimator over <paramref name="observations"/> (in the scale).</summary>
        public static Mixture Fit(double[] observations, double low, double high, double priorWeight)
        {
            int n = observations.Length;
            double prior = 0.5 * (low + high);
            double range = high - low;

            // Each kernel as wide as the larger gap to its sorted neighbours (the prior among them), the
            // outermost ones to their only neighbour (Optuna's consider_endpoints = False).
            double[] withPrior = [.. observations, prior];
            int[] order = Enumerable.Range(0, withPrior.Length).OrderBy(i => withPrior[i]).ToArray();
            double[] sorted = order.Select(i => withPrior[i]).ToArray();
            var sortedSigma = new double[sorted.Length];
            for (int k = 0; k < sorted.Length; k++)
            {
                double left = sorted[k] - (k == 0 ? low : sorted[k - 1]);
                double right = (k == sorted.Length - 1 ? high : sorted[k + 1]) - sorted[k];
                sortedSigma[k] = Math.Max(left, right);
            }

            if (sorted.Length >= 2)
            {
                sortedSigma[0] = sorted[1] - sorted[0];
                sortedSigma[^1] = sorted[^1] - sorted[^2];
            }

            double minSigma = range / Math.Min(100.0, 1.0 + withPrior.Length);
            var mu = new double[n + 1];
            var sigma = new double[n + 1];
            for (int k = 0; k < sorted.Length; k++)
            {
                int i = order[k];
                mu[i] = withPrior[i];
                sigma[i] = Math.Clamp(sortedSigma[k], minSigma, range);
            }

            sigma[n] = range;
            double[] weights = [.. ObservationWeights(n), priorWeight];
            double sum = weights.Sum();
            return new Mixture(mu, sigma, weights.Select(w => w / sum).ToArray(), low, high);
        }

        public double Draw(ref TrialRandom random)
        {
            double u = random.NextDouble();
            int k = 0;
            while (k < _weight.Length - 1 && u >= _weight[k])
            {
                u -= _weight[k];
                k++;
            }

            // Rejection from the component's normal; after many misses (a kernel far outside) clamp.
            for (int attempt = 0; attempt < 100; attempt++)
            {
                double x = _mu[k] + (_sigma[k] * random.NextGaussian());
                if (x >= _low && x <= _high)
                {
                    return x;
                }
            }

            return Math.Clamp(_mu[k], _low, _high);
        }

        public double LogDensity(double x)
        {
            double max = double.NegativeInfinity;
            var terms = new double[_mu.Length];
            for (int i = 0; i < _mu.Length; i++)
            {
                double z = (x - _mu[i]) / _sigma[i];
                terms[i] = Math.Log(_weight[i]) - (0.5 * z * z) - Math.Log(_sigma[i] * Math.Sqrt(2 * Math.PI)) - _logMass[i];
                max = Math.Max(max, terms[i]);
            }

            double sum = 0;
            foreach (double t in terms)
            {
                sum += Math.Exp(t - max);
            }

            return max + Math.Log(sum);
        }

        private static double NormalCdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

        // Abramowitz and Stegun 7.1.26: |error| < 1.5e-7, plenty for comparing densities.
        private static double Erf(double x)
        {
            double sign = Math.Sign(x);
            x = Math.Abs(x);
            double t = 1 / (1 + (0.3275911 * x));
            double polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
            double y = 1 - (polynomial * Math.Exp(-x * x));
            return sign * y;
        }
    }
}
