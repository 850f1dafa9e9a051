using NumKit.Schedules;
using NumKit.Tests.Specs;

namespace NumKit.Tests.Schedules;

/// <summary>A schedule declared with [Schedule] against values computed by hand and against the built-in schedules.</summary>
public class UserScheduleTests
{
    [Fact]
    public void Warmup_then_cosine_matches_a_hand_computed_formula()
    {
        var schedule = new WarmupCosine();
        for (int step = 0; step < 80; step++)
        {
            double peak = 0.1f, floor = 0.001f, warmup = 5, total = 50;
            double expected = step < warmup
                ? peak * (step + 1) / warmup
                : floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min((step - warmup) / (total - warmup), 1)));
            Assert.Equal((float)expected, schedule.At(step));
        }
    }

    [Fact]
    public void A_generated_schedule_is_an_ISchedule_and_refuses_negative_steps()
    {
        ISchedule schedule = new WarmupCosine();
        Assert.Equal(0.1f / 5, schedule.At(0), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.At(-1));
    }
}
