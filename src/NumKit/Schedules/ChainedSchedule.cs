namespace NumKit.Schedules;

/// <summary>
/// One schedule for the first <see cref="FirstSteps"/> steps, then another that starts again from its
/// own step 0 — α(step) = first.At(step) while step &lt; firstSteps, else second.At(step − firstSteps),
/// as PyTorch's <c>SequentialLR</c> hands over at a milestone. Warmup then cosine:
/// <c>Schedule.Chain(new LinearWarmup(0.1f, 0.01f, 5), 5, new CosineDecay(0.1f, 0f, 95))</c>.
/// </summary>
/// <remarks>
/// Both schedules are held by value and called through the <see cref="ISchedule"/> constraint, so a
/// chain is a plain struct that never boxes or allocates; chain a chain for three or more phases.
/// </remarks>
/// <typeparam name="TFirst">The schedule of the first phase.</typeparam>
/// <typeparam name="TSecond">The schedule after it.</typeparam>
public readonly struct ChainedSchedule<TFirst, TSecond> : ISchedule
    where TFirst : struct, ISchedule
    where TSecond : struct, ISchedule
{
    /// <summary>Creates the chain: <paramref name="first"/> for steps 0 … <paramref name="firstSteps"/> − 1, then <paramref name="second"/> from its step 0.</summary>
    /// <param name="first">The schedule of the first phase.</param>
    /// <param name="firstSteps">The length of the first phase, ≥ 0 (0: the second schedule alone).</param>
    /// <param name="second">The schedule after it.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="firstSteps"/> is negative.</exception>
    public ChainedSchedule(TFirst first, int firstSteps, TSecond second)
    {
        if (firstSteps < 0)
        {
            throw new System.ArgumentOutOfRangeException(nameof(firstSteps), firstSteps, $"'firstSteps' must be ≥ 0 steps, not {firstSteps}.");
        }

        First = first;
        FirstSteps = firstSteps;
        Second = second;
    }

    /// <summary>The schedule of the first phase.</summary>
    public TFirst First { get; }

    /// <summary>The length of the first phase, in steps.</summary>
    public int FirstSteps { get; }

    /// <summary>The schedule after the first phase.</summary>
    public TSecond Second { get; }

    /// <inheritdoc/>
    public float At(int step)
    {
        ScheduleArguments.Step(step);
        return step < FirstSteps ? First.At(step) : Second.At(step - FirstSteps);
    }
}
