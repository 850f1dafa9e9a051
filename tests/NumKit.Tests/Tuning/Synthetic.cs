using NumKit.Randomness;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

/// <summary>Synthetic objectives with known optima, fast enough for unit tests.</summary>
internal static class Synthetic
{
    /// <summary>A bowl in the parameters' own scales with its minimum at α = 3e-3, β = 0.95: 0 there.</summary>
    public static double Bowl(Trial trial)
    {
        double a = Math.Log10(trial["alpha"]) - Math.Log10(3e-3);
        double b = Math.Log10(1 - trial["beta"]) - Math.Log10(0.05);
        return (a * a) + (b * b);
    }

    /// <summary>
    /// A learning curve that falls towards the bowl's value plus 0.1: cost(e) = q · (1 + 4/(e + 1)) with
    /// q = Bowl + 0.1, plus a little noise from the trial's own seed. Curves of different trials never cross
    /// (unless their q are within the noise), so a good pruner never stops the best trial.
    /// </summary>
    public static double Curve(Trial trial, int epoch, ref TrialRandom noise) =>
        ((Bowl(trial) + 0.1) * (1 + (4.0 / (epoch + 1)))) + (1e-6 * noise.NextDouble());

    /// <summary>An objective that trains <paramref name="epochs"/> epochs of <see cref="Curve"/>, stopping when told.</summary>
    public static TrialObjective Objective(int epochs, Action<Trial, int>? eachEpoch = null) => (trial, reporter, token) =>
    {
        var noise = new TrialRandom(trial.Seed);
        double cost = double.NaN;
        for (int e = 0; e < epochs; e++)
        {
            eachEpoch?.Invoke(trial, e);
            cost = Curve(trial, e, ref noise);
            if (!reporter.Report(e, cost))
            {
                break;
            }
        }

        return cost;
    };

    /// <summary>The space the bowl lives in.</summary>
    public static SearchSpace Space() => new(
        Dimension.LogUniform("alpha", 1e-4, 1),
        Dimension.OneMinusLogUniform("beta", 0.9, 0.999));
}
