using System.Numerics;
using NumKit.Optimizers;
using NumKit.Tests.Kernels;
using NumKit.Tests.Optimizers.SecondRound;

namespace NumKit.Tests.Optimizers;

/// <summary>
/// The second-round catalog types declared so far (<see cref="Declared"/>) through
/// <c>new Optimizer&lt;TRule&gt;(rule, layout)</c> and <c>Step(ParameterSet)</c>: every golden and extra case
/// under the golden pass rule (SecondRoundHarness, with the independent double references beside
/// it), the same bits on every vector path and at 1, 2 and 3 threads, no allocation per step, and
/// checkpoints that resume bit for bit.
/// </summary>
public class SecondRoundCatalogTests
{
    /// <summary>The second-round types the catalog declares today.</summary>
    public static readonly string[] Declared = { "Rprop", "Asgd", "Lamb", "Lars", "Adafactor", "ScheduleFreeAdamW", "Prodigy" };

    public static IEnumerable<object[]> Cases
        => SecondRoundCase.Golden.Concat(SecondRoundCase.Extra).Where(c => Declared.Contains(c.Type)).Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> Types => Declared.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_case_passes_at_every_step_in_float_and_double(string name)
    {
        SecondRoundCase golden = SecondRoundCase.Named(name);
        Dispatch(golden.Type, new PassesCase(golden), golden);
    }

    [PathTheory]
    [MemberData(nameof(Cases))]
    public void Every_case_gives_the_same_bits_on_every_vector_path_and_thread_count(string name)
    {
        SecondRoundCase golden = SecondRoundCase.Named(name);
        Dispatch(golden.Type, new SameBitsOnCase(golden), golden);
    }

    [PathTheory]
    [MemberData(nameof(Types))]
    public void A_split_step_gives_the_bits_of_one_thread_on_every_path(string type)
        => Dispatch(type, new SameBitsWhenSplit());

    [Theory]
    [MemberData(nameof(Types))]
    public void A_step_allocates_nothing(string type)
        => Dispatch(type, new AllocatesNothing());

    [Theory]
    [MemberData(nameof(Types))]
    public void A_checkpoint_resumes_bit_for_bit(string type)
        => Dispatch(type, new Resumes());

    [Fact]
    public void Defaults_are_the_contract()
    {
        Rprop rprop = new();
        Assert.Equal((0.01f, 0.5f, 1.2f, 1e-6f, 50f), (rprop.LearningRate, rprop.EtaMinus, rprop.EtaPlus, rprop.MinStep, rprop.MaxStep));
        Asgd asgd = new();
        Assert.Equal((0.01f, 1e-4f, 0.75f, 1e6f, 0f), (asgd.LearningRate, asgd.Lambda, asgd.Alpha, asgd.T0, asgd.WeightDecay));
        Assert.Equal(new[] { "ax" }, StateNames<Asgd>());
        Assert.Equal(new[] { "eta", "mu" }, ScalarStateNames<Asgd>());
        Lamb lamb = new();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-6f, 0f), (lamb.LearningRate, lamb.Beta1, lamb.Beta2, lamb.Epsilon, lamb.WeightDecay));
        Assert.Equal(new[] { "m", "v" }, StateNames<Lamb>());
        Lars lars = new();
        Assert.Equal((0.1f, 0f, 0.001f, 0f, 0.9f, false), (lars.LearningRate, lars.WeightDecay, lars.TrustCoefficient, lars.Epsilon, lars.Momentum, lars.Nesterov));
        Assert.Equal(new[] { "trace" }, StateNames<Lars>());
        Assert.Equal(2, PassCount<Lamb>());
        Assert.Equal(2, PassCount<Lars>());
        ScheduleFreeAdamW scheduleFree = new();
        Assert.Equal((0.0025f, 0.9f, 0.999f, 1e-8f, 0f, 0f, 0f, 2f), (scheduleFree.LearningRate, scheduleFree.Beta1, scheduleFree.Beta2, scheduleFree.Epsilon, scheduleFree.WeightDecay, scheduleFree.WarmupSteps, scheduleFree.R, scheduleFree.WeightLrPower));
        Assert.Equal(new[] { "v", "z" }, StateNames<ScheduleFreeAdamW>());
        Assert.Equal(new[] { "lr_max", "weight_sum" }, ScalarStateNames<ScheduleFreeAdamW>());
        Prodigy prodigy = new();
        Assert.Equal((1f, 0.9f, 0.999f, 0f, 1e-6f, 1f, float.PositiveInfinity, 0f, 1e-8f), (prodigy.LearningRate, prodigy.Beta1, prodigy.Beta2, prodigy.Beta3, prodigy.D0, prodigy.DCoefficient, prodigy.GrowthRate, prodigy.WeightDecay, prodigy.Epsilon));
        Assert.Equal((true, false, false), (prodigy.DecoupleWeightDecay, prodigy.UseBiasCorrection, prodigy.SafeguardWarmup));
        Assert.Equal(new[] { "m", "v", "s", "x0" }, StateNames<Prodigy>());
        Assert.Equal(new[] { "d", "k", "numerator", "d_max" }, ScalarStateNames<Prodigy>());
        Assert.Equal(2, PassCount<Prodigy>());
        Adafactor adafactor = new();
        Assert.Equal((1e-2f, -0.8f, 1.1920929e-7f, 1e-3f, 1f, 0f), (adafactor.LearningRate, adafactor.Beta2Decay, adafactor.Epsilon1, adafactor.Epsilon2, adafactor.ClipThreshold, adafactor.WeightDecay));
        Assert.Empty(StateNames<Adafactor>());
        Assert.Equal(3, PassCount<Adafactor>());
    }

    [Fact]
    public void Adafactor_keeps_rows_plus_columns_of_second_moment_for_a_matrix_and_a_full_one_for_a_vector()
    {
        var layout = new ParameterLayout().Add("W", 2048, 2048).Add("b", 2048);
        var optimizer = new Optimizer<Adafactor>(new Adafactor(), layout);
        Assert.Equal(new[] { "r" }, RowStateNames<Adafactor>());
        Assert.Equal(new[] { "c" }, ColumnStateNames<Adafactor>());
        Assert.Equal(2048, optimizer.RowState("r", "W").Length);
        Assert.Equal(2048, optimizer.ColumnState("c", "W").Length);

        // The vector's rows are its elements (its full second moment); its one column value is unused.
        Assert.Equal(2048, optimizer.RowState("r", "b").Length);
        Assert.Equal(1, optimizer.ColumnState("c", "b").Length);
        Assert.Equal((2048 + 2048 + 2048 + 1) * sizeof(float), optimizer.StateBytes);
    }

    [Fact]
    public void Adafactor_state_after_steps_is_the_references_row_and_column_factors()
    {
        SecondRoundCase golden = SecondRoundCase.Named("adafactor_rank3");
        ParameterLayout layout = golden.Layout();
        var set = new ParameterSet<double>(layout);
        var optimizer = new Optimizer<Adafactor, double>(new Adafactor(), layout);
        var reference = new AdafactorReference(TensorSlice.Of(layout), new AdafactorReference.Config
        {
            // NumKit's hyperparameters are floats: the reference takes the same values.
            LearningRate = 1e-2f, Beta2Decay = -0.8f, Epsilon1 = 1.1920929e-7f, Epsilon2 = 1e-3f,
        });
        double[] w = golden.W0.Select(x => (double)x).ToArray();
        w.CopyTo(set.Values);
        for (int t = 1; t <= 5; t++)
        {
            double[] g = golden.Grads[t - 1].Select(x => (double)x).ToArray();
            g.CopyTo(set.Gradients);
            optimizer.Step(set);
            reference.Step(w, g);
        }

        for (int j = 0; j < layout.Count; j++)
        {
            if (layout[j].Shape.Length < 2)
            {
                continue;
            }

            double[] rows = reference.RowFactor(j), columns = reference.ColumnFactor(j);
            Span<double> ours = optimizer.RowState("r", layout[j].Name), oursColumns = optimizer.ColumnState("c", layout[j].Name);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.True(Math.Abs(ours[i] - rows[i]) <= 1e-12 * (1 + Math.Abs(rows[i])), $"{layout[j].Name} row {i}: {ours[i]} vs {rows[i]}");
            }

            for (int i = 0; i < columns.Length; i++)
            {
                Assert.True(Math.Abs(oursColumns[i] - columns[i]) <= 1e-12 * (1 + Math.Abs(columns[i])), $"{layout[j].Name} column {i}: {oursColumns[i]} vs {columns[i]}");
            }
        }
    }

    private static IReadOnlyList<string> RowStateNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.RowStateNames;

    private static IReadOnlyList<string> ColumnStateNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.ColumnStateNames;

    private static int PassCount<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.PassCount;

    private static IReadOnlyList<string> StateNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.StateNames;

    private static IReadOnlyList<string> ScalarStateNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.ScalarStateNames;

    private static void Dispatch(string type, IRuleVisitor<bool> visitor, SecondRoundCase? golden = null)
    {
        _ = type switch
        {
            "Rprop" => visitor.Visit(new Rprop()),
            "Asgd" => visitor.Visit(new Asgd()),
            "Lamb" => visitor.Visit(new Lamb()),
            // A bool property is no hyperparameter (not in HyperparameterNames): set here, not by Catalog.With.
            "Lars" => visitor.Visit(new Lars { Nesterov = golden is not null && golden.Properties.TryGetValue("Nesterov", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.True }),
            "ScheduleFreeAdamW" => visitor.Visit(new ScheduleFreeAdamW()),
            "Prodigy" => visitor.Visit(ProdigyOptions.With(new Prodigy(), golden?.Properties)),
            "Adafactor" => visitor.Visit(new Adafactor()),
            _ => throw new ArgumentException($"'{type}' is not declared yet.", nameof(type)),
        };
    }

    private static GoldenStepper<T> Stepper<TRule, T>(TRule rule, ParameterLayout layout, int threads)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var optimizer = new Optimizer<TRule, T>(rule, layout) { MaxDegreeOfParallelism = threads };
        bool averaged = Catalog.IndexOf(TRule.StateNames, "ax") >= 0;
        var scheduleFree = optimizer as Optimizer<ScheduleFreeAdamW, T>;
        return new GoldenStepper<T>
        {
            Step = set => optimizer.Step(set),
            Averaged = averaged ? () => ToDouble(optimizer.State("ax")) : null,
            ToEvaluation = scheduleFree is null ? null : set => scheduleFree.ToEvaluationWeights(set),
            ToTraining = scheduleFree is null ? null : set => scheduleFree.ToTrainingWeights(set),
        };
    }

    private static double[] ToDouble<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateTruncating(values[i]);
        }

        return result;
    }

    private sealed class PassesCase(SecondRoundCase golden) : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            rule = Catalog.With(rule, golden.NumericProperties.Where(p => golden.Properties[p.Key].ValueKind is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String));
            SecondRoundHarness.Check<float>(golden, layout => Stepper<TRule, float>(rule, layout, 1));
            SecondRoundHarness.Check<double>(golden, layout => Stepper<TRule, double>(rule, layout, 1));
            return true;
        }
    }

    private sealed class SameBitsOnCase(SecondRoundCase golden) : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            rule = Catalog.With(rule, golden.NumericProperties.Where(p => golden.Properties[p.Key].ValueKind is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String));
            double[][]? first = null;
            EveryPath.Run(limit =>
            {
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    double[][] trajectory = SecondRoundHarness.Check<float>(golden, layout => Stepper<TRule, float>(rule, layout, threads));
                    first ??= trajectory;
                    for (int step = 0; step < trajectory.Length; step++)
                    {
                        Assert.True(first[step].AsSpan().SequenceEqual(trajectory[step]), $"{golden.Name}: step {step + 1} differs on path {limit} at {threads} thread(s)");
                    }
                }
            });
            return true;
        }
    }

    // Tensors big enough that 2 and 3 threads really split them (the golden cases are small).
    private static ParameterLayout BigLayout()
    {
        int perThread = Optimizer<Sgd>.MinimumParametersPerThread;
        return new ParameterLayout().Add("W", 3, perThread + 13).Add("b", 2 * perThread + 37).Add("c", 5);
    }

    private static void Fill<T>(Span<T> values, int seed, double scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((random.NextDouble() * 2 - 1) * scale);
        }
    }

    // Runs `steps` steps (gradients seeded by step number, so a resumed run sees the same ones) from step `from`.
    private static void Run<TRule>(Optimizer<TRule> optimizer, ParameterSet<float> set, int from, int steps)
        where TRule : struct, IOptimizerRule<TRule>
    {
        for (int step = from; step < from + steps; step++)
        {
            // Some gradients repeat their sign and some flip, so Rprop's step sizes grow and shrink.
            Fill(set.Gradients, 100 + (step % 3), 1);
            optimizer.Step(set);
        }
    }

    private static string Fingerprint<TRule>(Optimizer<TRule> optimizer, ParameterSet<float> set)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var parts = new List<string> { $"steps {optimizer.StepCount}", string.Join(",", set.Values.ToArray().Select(BitConverter.SingleToInt32Bits)) };
        parts.AddRange(TRule.StateNames.Select(name => string.Join(",", optimizer.State(name).ToArray().Select(BitConverter.SingleToInt32Bits))));
        parts.AddRange(TRule.ScalarStateNames.Select(name => BitConverter.DoubleToInt64Bits(optimizer.ScalarState(name)).ToString()));
        foreach (ParameterTensor tensor in optimizer.Layout)
        {
            parts.AddRange(TRule.RowStateNames.Select(name => string.Join(",", optimizer.RowState(name, tensor.Name).ToArray().Select(BitConverter.SingleToInt32Bits))));
            parts.AddRange(TRule.ColumnStateNames.Select(name => string.Join(",", optimizer.ColumnState(name, tensor.Name).ToArray().Select(BitConverter.SingleToInt32Bits))));
        }

        return string.Join("|", parts);
    }

    private sealed class SameBitsWhenSplit : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            string? first = null;
            EveryPath.Run(limit =>
            {
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var set = new ParameterSet<float>(BigLayout());
                    Fill(set.Values, 1, 1);
                    var optimizer = new Optimizer<TRule>(rule, BigLayout()) { MaxDegreeOfParallelism = threads };
                    Run(optimizer, set, 0, 6);
                    string fingerprint = Fingerprint(optimizer, set);
                    first ??= fingerprint;
                    Assert.True(first == fingerprint, $"{typeof(TRule).Name}: path {limit}, {threads} thread(s) differs from the widest path on one thread");
                }
            });
            return true;
        }
    }

    private sealed class AllocatesNothing : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            var set = new ParameterSet<float>(BigLayout());
            Fill(set.Values, 1, 1);
            Fill(set.Gradients, 2, 1);
            var optimizer = new Optimizer<TRule>(rule, BigLayout());
            optimizer.Step(set); // the first step may JIT and allocate; the rest may not
            long allocated = SteadyStateAllocation.Of(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    optimizer.Step(set);
                }
            });

            Assert.Equal(0, allocated);
            return true;
        }
    }

    private sealed class Resumes : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            rule.LearningRate *= 3;
            var straightSet = new ParameterSet<float>(BigLayout());
            Fill(straightSet.Values, 1, 1);
            var straight = new Optimizer<TRule>(rule, BigLayout());
            Run(straight, straightSet, 0, 7);

            var firstSet = new ParameterSet<float>(BigLayout());
            Fill(firstSet.Values, 1, 1);
            var first = new Optimizer<TRule>(rule, BigLayout());
            Run(first, firstSet, 0, 3);
            using var stream = new MemoryStream();
            first.SaveCheckpoint(stream);

            // A fresh optimizer with default hyperparameters: the checkpoint restores them, the state and the step count.
            var resumed = new Optimizer<TRule>(new TRule(), BigLayout());
            stream.Position = 0;
            resumed.LoadCheckpoint(stream);
            Run(resumed, firstSet, 3, 4);
            Assert.Equal(Fingerprint(straight, straightSet), Fingerprint(resumed, firstSet));
            return true;
        }
    }
}
