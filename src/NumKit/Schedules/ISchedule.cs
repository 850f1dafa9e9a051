namespace NumKit.Schedules;

/// <summary>
/// A learning-rate schedule: a pure function from the step number to the learning rate, so a
/// schedule can be evaluated for any step in any order and carries no state.
/// </summary>
/// <remarks>
/// Every schedule in NumKit is a <see langword="readonly"/> struct implementing this interface, so
/// generic code constrained to <c>where TSchedule : struct, ISchedule</c> (such as
/// <see cref="ChainedSchedule{TFirst, TSecond}"/>) calls <see cref="At"/> without boxing and the JIT
/// inlines it.
/// </remarks>
public interface ISchedule
{
    /// <summary>The learning rate for <paramref name="step"/>; step 0 is the first epoch (or iteration).</summary>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    float At(int step);
}
