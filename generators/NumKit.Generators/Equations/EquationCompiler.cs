using System.Collections.Generic;
using System.Linq;
using NumKit.Generators.Model;

namespace NumKit.Generators.Equations;

/// <summary>The whole front end: equations text and the struct's members in, a kernel plan or problems out.</summary>
internal static class EquationCompiler
{
    /// <summary>
    /// Parses, checks and plans <paramref name="text"/>. The plan is null when any problem is an
    /// error; warnings come back beside a plan. Never throws.
    /// </summary>
    public static (KernelPlan? Plan, List<Problem> Problems) Compile(string text, IEnumerable<HostMember> members)
    {
        var problems = new List<Problem>();
        List<Statement> statements = Parser.Parse(text, problems);
        CheckedSpec spec = Checker.Check(text, statements, members, problems);
        KernelPlan? plan = problems.Any(p => p.IsError) ? null : Planner.Plan(spec);
        return (plan, problems);
    }

    /// <summary>Parses, checks and plans a <c>[Schedule]</c> formula: <c>lr</c> from <c>step</c> and hyperparameters.</summary>
    public static (SchedulePlan? Plan, List<Problem> Problems) CompileSchedule(string text, IEnumerable<HostMember> members)
    {
        var problems = new List<Problem>();
        List<Statement> statements = Parser.Parse(text, problems);
        CheckedSpec spec = Checker.Check(Dialect.Schedule, text, statements, members, problems);
        SchedulePlan? plan = problems.Any(p => p.IsError) ? null : Planner.PlanSchedule(spec);
        return (plan, problems);
    }
}
