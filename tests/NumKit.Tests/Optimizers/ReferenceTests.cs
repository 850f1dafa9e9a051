using NumKit.Tests.Kernels;

namespace NumKit.Tests.Optimizers;

/// <summary>
/// Every catalog optimizer against its hand-written double reference (<see cref="Reference"/>), with
/// configurations, sizes and step counts the golden file does not have, in float and in double.
/// </summary>
public class ReferenceTests
{
    private static readonly int[] s_sizes = { 0, 1, 7, 33, 100 };
    private const int Steps = 8; // RAdam's rectification starts at step 6 or 7 for β2 in [0.9, 0.999]

    // Ranges each hyperparameter is drawn from, by name, so every option is exercised (dampening, decay, ...).
    private static readonly Dictionary<string, (double Low, double High)> s_ranges = new()
    {
        ["LearningRate"] = (1e-3, 0.1),
        ["Beta"] = (0.5, 0.999),
        ["Beta1"] = (0.5, 0.95),
        ["Beta2"] = (0.9, 0.999),
        ["Momentum"] = (0.5, 0.99),
        ["Dampening"] = (0.1, 0.5),
        ["WeightDecay"] = (0.01, 0.2),
        ["Epsilon"] = (1e-8, 1e-3),
        ["Rho"] = (0.5, 0.99),
        ["LearningRateDecay"] = (0.01, 0.5),
        ["InitialAccumulator"] = (0.01, 0.5),
        ["MomentumDecay"] = (1e-3, 1e-2),
    };

    [PathTheory]
    [MemberData(nameof(Catalog.TypeNameData), MemberType = typeof(Catalog))]
    public void Float_and_double_kernels_match_the_reference_for_default_and_random_configurations(string typeName)
        => Catalog.Accept(typeName, new Check(typeName));

    private sealed class Check(string typeName) : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule defaults)
            where TRule : struct, IOptimizerRule<TRule>
        {
            var random = new Random(typeName.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
            for (int configuration = 0; configuration < 3; configuration++)
            {
                TRule rule = defaults;
                if (configuration > 0)
                {
                    for (int k = 0; k < TRule.HyperparameterNames.Count; k++)
                    {
                        (double low, double high) = s_ranges[TRule.HyperparameterNames[k]];
                        rule.SetHyperparameter(k, (float)(low + random.NextDouble() * (high - low)));
                    }
                }

                foreach (int n in s_sizes)
                {
                    double[] w0 = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                    double[][] grads = Enumerable.Range(0, Steps)
                        .Select(s => Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * (1 + s)).ToArray())
                        .ToArray();
                    string what = $"{typeName} configuration {configuration} ({Describe(rule)}), n = {n}";
                    Compare<TRule, float>(rule, w0, grads, 2e-5, what + ", float");
                    Compare<TRule, double>(rule, w0, grads, 1e-12, what + ", double");
                }
            }

            return true;
        }

        private static void Compare<TRule, T>(TRule rule, double[] w0, double[][] grads, double tolerance, string what)
            where TRule : struct, IOptimizerRule<TRule>
            where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            int n = w0.Length;
            // The reference starts from the same (rounded) numbers the kernel sees.
            double[] start = w0.Select(x => double.CreateTruncating(T.CreateTruncating(x))).ToArray();
            double[][] g = grads.Select(row => row.Select(x => double.CreateTruncating(T.CreateTruncating(x))).ToArray()).ToArray();
            var reference = Reference.For(typeof(TRule).Name, name => rule.GetHyperparameter(Catalog.IndexOf(TRule.HyperparameterNames, name)));
            double[] expected = (double[])start.Clone();
            var trajectory = new double[grads.Length][];
            for (int t = 1; t <= grads.Length; t++)
            {
                reference.Step(t, expected, g[t - 1]);
                trajectory[t - 1] = (double[])expected.Clone();
            }

            T[]? first = null;
            EveryPath.Run(limit =>
            {
                var optimizer = new Optimizer<TRule, T>(rule, n);
                T[] w = start.Select(T.CreateTruncating).ToArray();
                T[][] gradients = g.Select(row => row.Select(T.CreateTruncating).ToArray()).ToArray();
                for (int t = 1; t <= grads.Length; t++)
                {
                    optimizer.Step(w, gradients[t - 1]);
                    double error = GoldenTests.Error(w, trajectory[t - 1]);
                    Assert.True(error <= tolerance, $"{what}, step {t}, path {limit}: error {error:E2} exceeds {tolerance:E0}");
                }

                if (first is null)
                {
                    first = w;
                }
                else
                {
                    Assert.True(first.AsSpan().SequenceEqual(w), $"{what}: path {limit} gives other bits than the widest path");
                }
            });
        }

        private static string Describe<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
            => string.Join(", ", TRule.HyperparameterNames.Select((name, k) => $"{name} = {rule.GetHyperparameter(k):R}"));
    }
}
