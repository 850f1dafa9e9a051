using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// Issue 11, "hyperparameters validated (in range per rule, declared with the rule)": Rprop and Asgd declare their
/// ranges with [HyperparameterRange] next to the properties, and the optimizer refuses other values.
/// </summary>
public class DeclaredRangeTests
{
    [Theory]
    [InlineData("EtaMinus", 0f)]
    [InlineData("EtaMinus", 1f)]
    [InlineData("EtaPlus", 1f)]
    [InlineData("EtaPlus", float.PositiveInfinity)]
    [InlineData("MinStep", -1e-6f)]
    [InlineData("MaxStep", float.NaN)]
    public void Rprop_refuses_values_outside_its_declared_ranges_and_nothing_changes(string name, float value)
        => AssertRefused(new Rprop(), name, value);

    [Theory]
    [InlineData("Lambda", -1e-4f)]
    [InlineData("Alpha", -0.75f)]
    [InlineData("T0", -1f)]
    [InlineData("WeightDecay", -0.01f)]
    public void Asgd_refuses_values_outside_its_declared_ranges_and_nothing_changes(string name, float value)
        => AssertRefused(new Asgd(), name, value);

    [Fact]
    public void Values_at_an_included_end_or_just_inside_an_excluded_one_are_accepted()
    {
        var rprop = new Optimizer<Rprop>(new Rprop { EtaMinus = 1e-3f, EtaPlus = 1.0001f, MinStep = 0, MaxStep = 0 }, 4);
        rprop.Step(new float[4], [1, 2, 3, 4]);
        var asgd = new Optimizer<Asgd>(new Asgd { Lambda = 0, Alpha = 0, T0 = 0, WeightDecay = 0 }, 4);
        asgd.Step(new float[4], [1, 2, 3, 4]);
        Assert.Equal(1, rprop.StepCount);
        Assert.Equal(1, asgd.StepCount);
    }

    [Fact]
    public void The_constructor_refuses_a_rule_outside_a_declared_range()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Optimizer<Rprop>(new Rprop { EtaMinus = 1.5f }, 4));
        Assert.Contains("Rprop.EtaMinus", error.Message);
        Assert.Contains("(0, 1)", error.Message);
    }

    [Fact]
    public void A_checkpoint_holding_a_negative_Rprop_step_size_is_refused()
    {
        var source = new Optimizer<Rprop>(new Rprop(), 4);
        source.Step(new float[4], [1, 2, 3, 4]);
        source.State("size")[2] = -0.5f;
        var saved = new MemoryStream();
        source.SaveCheckpoint(saved);
        var target = new Optimizer<Rprop>(new Rprop(), 4);

        var error = Assert.Throws<ArgumentException>(() => target.LoadCheckpoint(new MemoryStream(saved.ToArray())));

        Assert.Contains("'size' holds -0.5 at element 2", error.Message);
        Assert.Equal(0, target.StepCount);
    }

    [Fact]
    public void An_excluded_minimum_is_written_as_an_open_end()
    {
        var open = new HyperparameterRange(0, 1, MaximumExcluded: true) { MinimumExcluded = true };
        Assert.False(open.Contains(0));
        Assert.True(open.Contains(float.Epsilon));
        Assert.False(open.Contains(1));
        Assert.Equal("(0, 1)", open.ToString());
        var above = new HyperparameterRange(1, float.MaxValue) { MinimumExcluded = true };
        Assert.False(above.Contains(1));
        Assert.True(above.Contains(1.0001f));
        Assert.Equal("more than 1 (finite)", above.ToString());
        Assert.Equal("0 or more (finite)", HyperparameterRange.NonNegative.ToString());
    }

    private static void AssertRefused<TRule>(TRule rule, string name, float value)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var optimizer = new Optimizer<TRule>(rule, 4);
        float[] w = [1, 2, 3, 4];
        float[] g = [0.5f, -0.5f, 0.25f, -0.25f];
        optimizer.Step(w, g);
        float[] before = (float[])w.Clone();
        float[] state = optimizer.State(0).ToArray();
        int index = TRule.HyperparameterNames.ToList().IndexOf(name);
        optimizer.Rule.SetHyperparameter(index, value);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(w, g));

        Assert.Contains($"{typeof(TRule).Name}.{name}", error.Message);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Equal(before, w);
        Assert.Equal(state, optimizer.State(0).ToArray());
        Assert.Equal(1, optimizer.StepCount);
    }
}
