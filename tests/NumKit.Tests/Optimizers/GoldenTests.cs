using System.Text.Json;
using NumKit.Kernels;
using NumKit.Tests.Kernels;

namespace NumKit.Tests.Optimizers;

/// <summary>One case of Golden/optimizers.json: PyTorch's (or the paper's) numbers for one catalog type.</summary>
public sealed record GoldenCase(
    string Name,
    string Type,
    Dictionary<string, double> Properties,
    string Reference,
    int N,
    int Steps,
    float[] W0,
    float[][] Grads,
    double[][] Expected32,
    double[][] Expected64)
{
    private static readonly Lazy<GoldenCase[]> s_all = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "optimizers.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        return document.RootElement.GetProperty("cases").Deserialize<GoldenCase[]>(options)!;
    });

    public static IReadOnlyList<GoldenCase> All => s_all.Value;

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    public static GoldenCase Named(string name) => All.Single(c => c.Name == name);

    public override string ToString() => Name;
}

public class GoldenTests
{
    [Fact]
    public void The_golden_file_has_one_case_per_catalog_type()
    {
        Assert.Equal(Catalog.TypeNames.OrderBy(n => n), GoldenCase.All.Select(c => c.Type).OrderBy(n => n));
        foreach (GoldenCase c in GoldenCase.All)
        {
            Assert.Equal(c.N, c.W0.Length);
            Assert.Equal(c.Steps, c.Grads.Length);
            Assert.Equal(c.Steps, c.Expected64.Length);
        }
    }

    [PathTheory]
    [MemberData(nameof(GoldenCase.Names), MemberType = typeof(GoldenCase))]
    public void Every_step_is_within_ten_times_pytorchs_float32_error_on_every_vector_path(string name)
    {
        GoldenCase golden = GoldenCase.Named(name);
        float[][]? first = null;
        EveryPath.Run(limit =>
        {
            float[][] trajectory = Catalog.Accept(golden.Type, new GoldenRun(golden));
            for (int step = 0; step < golden.Steps; step++)
            {
                double[] expected = golden.Expected64[step];
                double ours = Error(trajectory[step], expected);
                double pytorch = Error(golden.Expected32[step], expected);
                double allowed = Math.Max(10 * pytorch, 1e-6);
                Assert.True(ours <= allowed,
                    $"{name}, step {step + 1}, path {limit}: error {ours:E2} exceeds {allowed:E2} (PyTorch float32's is {pytorch:E2})");
            }

            if (first is null)
            {
                first = trajectory;
            }
            else
            {
                for (int step = 0; step < golden.Steps; step++)
                {
                    Assert.True(first[step].AsSpan().SequenceEqual(trajectory[step]), $"{name}, step {step + 1}: path {limit} gives other bits than the widest path");
                }
            }
        });
    }

    /// <summary>The pass rule's measure: max_i |w_i − e_i| / (1 + |e_i|).</summary>
    internal static double Error<TNumber>(IReadOnlyList<TNumber> actual, double[] expected)
        where TNumber : System.Numerics.INumberBase<TNumber>
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(double.CreateChecked(actual[i]) - expected[i]) / (1 + Math.Abs(expected[i]));
            worst = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(worst, difference);
        }

        return worst;
    }

    /// <summary>Runs a case through <see cref="Optimizer{TRule}"/>, returning the parameters after every step.</summary>
    private sealed class GoldenRun(GoldenCase golden) : IRuleVisitor<float[][]>
    {
        public float[][] Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            var optimizer = new Optimizer<TRule>(Catalog.With(rule, golden.Properties), golden.N);
            float[] w = (float[])golden.W0.Clone();
            var trajectory = new float[golden.Steps][];
            for (int step = 0; step < golden.Steps; step++)
            {
                optimizer.Step(w, golden.Grads[step]);
                trajectory[step] = (float[])w.Clone();
            }

            Assert.Equal(golden.Steps, optimizer.StepCount);
            return trajectory;
        }
    }
}
