using System;

namespace NumKit.Schedules;

/// <summary>
/// Declares a learning-rate schedule by its formula; the NumKit generator turns it into
/// <see cref="ISchedule.At(int)"/>, computed in double precision, allocation-free.
/// </summary>
/// <remarks>
/// Apply it to a <c>partial struct</c> whose public <see cref="float"/> properties are the schedule's
/// parameters. The formula is written in the optimizer equation language with <c>step</c> (0 for the
/// first epoch or iteration) and those properties as names, and must assign <c>lr</c>:
/// <code>[Schedule("lr = Initial * Rate^floor(step / Every)")]</code>
/// A schedule is a function of the step alone, so it keeps no state.
/// </remarks>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class ScheduleAttribute : Attribute
{
    /// <summary>Declares a schedule by its formula for <c>lr</c>.</summary>
    /// <param name="formula">Statements ending in an assignment of <c>lr</c>.</param>
    public ScheduleAttribute(string formula) => Formula = formula;

    /// <summary>The formula, as written.</summary>
    public string Formula { get; }
}
