using NumKit.Optimizers;
using NumKit.Schedules;

namespace NumKit.Tests.Schedules;

public class ScheduleTests
{
    // The golden file's types and positional arguments, mapped to NumKit's constructors.
    private static ISchedule Create(string type, double[] a) => type switch
    {
        "ConstantSchedule" => new ConstantSchedule((float)a[0]),
        "StepDecay" => new StepDecay((float)a[0], (float)a[1], (int)a[2]),
        "ExponentialDecay" => new ExponentialDecay((float)a[0], (float)a[1]),
        "InverseTimeDecay" when a.Length == 2 => new InverseTimeDecay((float)a[0], (float)a[1]),
        "InverseTimeDecay" => new InverseTimeDecay((float)a[0], (float)a[1], (int)a[2]),
        "InverseSqrtDecay" => new InverseSqrtDecay((float)a[0], (float)a[1]),
        "CosineDecay" => new CosineDecay((float)a[0], (float)a[1], (int)a[2]),
        "PolynomialDecay" => new PolynomialDecay((float)a[0], (int)a[1], (float)a[2]),
        "LinearWarmup" => new LinearWarmup((float)a[0], (float)a[1], (int)a[2]),
        "CosineRestarts" => new CosineRestarts((float)a[0], (float)a[1], (int)a[2], (float)a[3]),
        _ => throw new InvalidOperationException($"Golden/schedules.json names a schedule type NumKit does not have: {type}"),
    };

    private static void Near(double expected, float actual, double relative, string where)
        => Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"{where}: expected {expected}, got {actual}");

    private static void Expect<TSchedule>(TSchedule schedule, params double[] expected) where TSchedule : struct, ISchedule
    {
        for (int step = 0; step < expected.Length; step++)
        {
            Near(expected[step], schedule.At(step), 1e-6, $"{typeof(TSchedule).Name} step {step}");
        }
    }

    [Fact]
    public void Every_golden_schedule_matches_PyTorch_within_1e_6_relative()
    {
        IReadOnlyList<ScheduleGolden.Case> cases = ScheduleGolden.Schedules();
        Assert.True(cases.Count >= 6, $"only {cases.Count} cases in Golden/schedules.json");
        foreach (ScheduleGolden.Case golden in cases)
        {
            ISchedule schedule = Create(golden.Type, golden.Arguments);
            for (int step = 0; step < golden.Expected.Length; step++)
            {
                Near(golden.Expected[step], schedule.At(step), 1e-6, $"{golden.Name} ({golden.Type}) step {step}");
            }
        }
    }

    [Fact]
    public void StepDecay_multiplies_by_the_factor_every_interval()
        => Expect(new StepDecay(1f, 0.1f, 10), [.. Enumerable.Repeat(1.0, 10), .. Enumerable.Repeat(0.1, 10), 0.01]);

    [Fact]
    public void ExponentialDecay_is_the_courses_095_to_the_epoch()
        => Expect(new ExponentialDecay(0.5f, 0.95f), 0.5, 0.475, 0.45125, 0.4286875);

    [Fact]
    public void InverseTimeDecay_is_the_courses_update_lr_and_schedule_lr_decay()
    {
        // The course's update_lr(0.5, epoch_num = 2, decay_rate = 1) = 0.5 / 3.
        Near(0.5 / 3, new InverseTimeDecay(0.5f, 1f).At(2), 1e-7, "update_lr");
        // schedule_lr_decay(0.5, epoch_num = 100, decay_rate = 1, time_interval = 1000) = 0.5 and with
        // time_interval = 10: 0.5 / (1 + ⌊100 / 10⌋) = 0.045454545...
        Near(0.5, new InverseTimeDecay(0.5f, 1f, 1000).At(100), 1e-7, "interval 1000");
        Near(0.5 / 11, new InverseTimeDecay(0.5f, 1f, 10).At(100), 1e-7, "interval 10");
        Expect(new InverseTimeDecay(0.3f, 0.5f, 3), 0.3, 0.3, 0.3, 0.3 / 1.5, 0.3 / 1.5, 0.3 / 1.5, 0.3 / 2);
        Expect(new InverseTimeDecay(0.3f, 0f), 0.3, 0.3, 0.3);
    }

    [Fact]
    public void InverseSqrtDecay_counts_the_courses_epochs_from_1()
    {
        Expect(new InverseSqrtDecay(0.1f, 1f), 0.1, 0.1 / Math.Sqrt(2), 0.1 / Math.Sqrt(3), 0.05);
        Near(0.1 * 0.5 / 3, new InverseSqrtDecay(0.1f, 0.5f).At(8), 1e-7, "k = 0.5, epoch 9");
    }

    [Fact]
    public void CosineDecay_follows_the_half_cosine_then_holds_the_minimum()
    {
        double c = (1 + Math.Cos(Math.PI / 4)) / 2;
        Expect(new CosineDecay(1f, 0f, 4), 1, c, 0.5, 1 - c, 0, 0, 0);
        Expect(new CosineDecay(0.3f, 0.1f, 2), 0.3, 0.2, 0.1, 0.1);
        // PyTorch's formula would climb back up after T_max; NumKit holds lrMin.
        Assert.Equal(0.1f, new CosineDecay(0.3f, 0.1f, 2).At(1000));
    }

    [Fact]
    public void PolynomialDecay_is_PyTorchs_PolynomialLR()
    {
        Expect(new PolynomialDecay(1f, 4, 2f), 1, 0.5625, 0.25, 0.0625, 0, 0);
        Expect(new PolynomialDecay(0.2f, 5, 1f), 0.2, 0.16, 0.12, 0.08, 0.04, 0, 0);
        Assert.Equal(0f, new PolynomialDecay(0.2f, 5, 1f).At(int.MaxValue));
    }

    [Fact]
    public void LinearWarmup_is_PyTorchs_LinearLR_to_factor_1()
        => Expect(new LinearWarmup(1f, 0.25f, 3), 0.25, 0.5, 0.75, 1, 1, 1);

    [Fact]
    public void CosineRestarts_restarts_at_the_ends_of_growing_periods()
    {
        // Periods [0, 2), [2, 6), [6, 14): a restart at 0, 2 and 6.
        double c = (1 + Math.Cos(Math.PI / 4)) / 2;
        Expect(new CosineRestarts(1f, 0f, 2, 2f), 1, 0.5, 1, c, 0.5, 1 - c, 1);
        Near(0.5, new CosineRestarts(1f, 0f, 2, 2f).At(10), 1e-7, "middle of the third period");
        Expect(new CosineRestarts(0.2f, 0.1f, 2, 1f), 0.2, 0.15, 0.2, 0.15, 0.2);
    }

    [Theory]
    [InlineData(10, 1f)]
    [InlineData(3, 2f)]
    [InlineData(1, 3f)]
    [InlineData(10, 1.5f)]
    [InlineData(7, 1.1f)]
    public void CosineRestarts_matches_PyTorchs_step_by_step_recursion(int period0, float factor)
    {
        // CosineAnnealingWarmRestarts.step(): T_cur += 1; if T_cur >= T_i: T_cur -= T_i; T_i *= T_mult.
        var schedule = new CosineRestarts(0.1f, 0.001f, period0, factor);
        double sinceRestart = 0, period = period0;
        for (int step = 0; step < 2000; step++)
        {
            double expected = 0.001 + (0.1 - 0.001) * (1 + Math.Cos(Math.PI * sinceRestart / period)) / 2;
            Assert.True(Math.Abs(schedule.At(step) - expected) <= 1e-6 * expected, $"step {step}: expected {expected}, got {schedule.At(step)}");
            sinceRestart += 1;
            while (sinceRestart >= period)
            {
                sinceRestart -= period;
                period *= (double)factor;
            }
        }
    }

    [Fact]
    public void Staircase_takes_explicit_boundaries_and_MultiStep_multiplies_at_milestones()
    {
        var staircase = new Staircase([10, 20], [1f, 0.5f, 0.1f]);
        Assert.Equal(1f, staircase.At(0));
        Assert.Equal(1f, staircase.At(9));
        Assert.Equal(0.5f, staircase.At(10));
        Assert.Equal(0.5f, staircase.At(19));
        Assert.Equal(0.1f, staircase.At(20));
        Assert.Equal(0.1f, staircase.At(1_000_000));
        Expect(Staircase.MultiStep(1f, 0.1f, [3, 5]), 1, 1, 1, 0.1, 0.1, 0.01, 0.01);
        Assert.Equal(0.3f, new Staircase([], [0.3f]).At(50));
    }

    [Fact]
    public void A_chain_hands_over_at_its_milestone_and_restarts_the_second_schedule()
    {
        var warmup = new LinearWarmup(0.1f, 0.1f, 5);
        var cosine = new CosineDecay(0.1f, 0f, 10);
        ChainedSchedule<LinearWarmup, CosineDecay> chain = Schedule.Chain(warmup, 5, cosine);
        for (int step = 0; step < 5; step++)
        {
            Assert.Equal(warmup.At(step), chain.At(step));
        }

        for (int step = 5; step < 30; step++)
        {
            Assert.Equal(cosine.At(step - 5), chain.At(step));
        }

        // Three phases: a chain is a schedule too.
        var three = Schedule.Chain(chain, 15, new ConstantSchedule(0.001f));
        Assert.Equal(chain.At(14), three.At(14));
        Assert.Equal(0.001f, three.At(15));
        Assert.Equal(0.02f, Schedule.Chain(new ConstantSchedule(1f), 0, new ConstantSchedule(0.02f)).At(0));
    }

    [Fact]
    public void Schedules_allocate_nothing_even_chained()
    {
        var chain = Schedule.Chain(new LinearWarmup(0.1f, 0.1f, 5), 5, Schedule.Chain(new CosineRestarts(0.1f, 0f, 10, 2f), 100, new Staircase([10], [0.01f, 0.001f])));
        var optimizer = new Optimizer<Sgd>(new Sgd(), 4);
        float sum = Sum(chain) + optimizer.ApplySchedule(chain, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += Sum(chain);
        for (int epoch = 0; epoch < 100; epoch++)
        {
            sum += optimizer.ApplySchedule(chain, epoch);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);

        static float Sum<TSchedule>(TSchedule schedule) where TSchedule : struct, ISchedule
        {
            float total = 0;
            for (int step = 0; step < 1000; step++)
            {
                total += schedule.At(step);
            }

            return total;
        }
    }

    [Fact]
    public void ApplySchedule_sets_the_optimizers_learning_rate_for_the_epoch()
    {
        var optimizer = new Optimizer<Momentum>(new Momentum(), 3);
        var schedule = new ExponentialDecay(0.2f, 0.5f);
        Assert.Equal(0.05f, optimizer.ApplySchedule(schedule, 2));
        Assert.Equal(0.05f, optimizer.LearningRate);
        Assert.Equal(0.05f, optimizer.Rule.LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.ApplySchedule(schedule, -1));
        Assert.Equal(0.05f, optimizer.LearningRate);
    }

    [Fact]
    public void A_negative_step_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0.1f).At(-1));
        Assert.Equal("step", error.ParamName);
        Assert.Contains("-1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineRestarts(0.1f, 0f, 3, 2f).At(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Chain(new ConstantSchedule(1f), 2, new ConstantSchedule(1f)).At(-1));
    }

    public static TheoryData<string, string, Func<object>> BadArguments() => new()
    {
        { "lr", "-0.1", () => new ConstantSchedule(-0.1f) },
        { "lr", "NaN", () => new ConstantSchedule(float.NaN) },
        { "lr0", "Infinity", () => new StepDecay(float.PositiveInfinity, 0.5f, 3) },
        { "factor", "1.5", () => new StepDecay(0.1f, 1.5f, 3) },
        { "factor", "0", () => new StepDecay(0.1f, 0f, 3) },
        { "every", "0", () => new StepDecay(0.1f, 0.5f, 0) },
        { "rate", "1.01", () => new ExponentialDecay(0.1f, 1.01f) },
        { "decayRate", "-1", () => new InverseTimeDecay(0.1f, -1f) },
        { "interval", "-2", () => new InverseTimeDecay(0.1f, 1f, -2) },
        { "k", "0", () => new InverseSqrtDecay(0.1f, 0f) },
        { "lrMin", "0.2", () => new CosineDecay(0.1f, 0.2f, 10) },
        { "period", "0", () => new CosineDecay(0.1f, 0f, 0) },
        { "total", "0", () => new PolynomialDecay(0.1f, 0, 1f) },
        { "power", "-1", () => new PolynomialDecay(0.1f, 10, -1f) },
        { "startFactor", "0", () => new LinearWarmup(0.1f, 0f, 5) },
        { "startFactor", "2", () => new LinearWarmup(0.1f, 2f, 5) },
        { "steps", "0", () => new LinearWarmup(0.1f, 0.5f, 0) },
        { "lrMin", "-0.5", () => new CosineRestarts(0.1f, -0.5f, 10, 2f) },
        { "period0", "0", () => new CosineRestarts(0.1f, 0f, 0, 2f) },
        { "periodFactor", "0.5", () => new CosineRestarts(0.1f, 0f, 10, 0.5f) },
        { "firstSteps", "-1", () => Schedule.Chain(new ConstantSchedule(1f), -1, new ConstantSchedule(1f)) },
        { "values", "needs 2 values, not 3", () => new Staircase([5], [1f, 0.5f, 0.1f]) },
        { "boundaries", "boundaries[1] = 5", () => new Staircase([5, 5], [1f, 0.5f, 0.1f]) },
        { "boundaries", "boundaries[0] = 0", () => new Staircase([0], [1f, 0.5f]) },
        { "values", "values[1] = -1", () => new Staircase([5], [1f, -1f]) },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_are_refused_naming_the_argument_and_the_value(string parameter, string value, Func<object> create)
    {
        var error = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }
}
