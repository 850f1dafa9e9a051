using System.Collections.Generic;
using System.Linq;
using NumKit.Generators.Model;

namespace NumKit.Generators.Equations;

/// <summary>The whole front end: equations text and the struct's members in, a plan or problems out.</summary>
internal static class EquationCompiler
{
    /// <summary>
    /// Parses, checks and plans <paramref name="text"/> as <paramref name="dialect"/> has it (an
    /// <c>[Optimizer]</c>'s update or a <c>[Schedule]</c>'s formula). The plan is null when any problem
    /// is an error; warnings come back beside a plan. Never throws.
    /// </summary>
    public static (RulePlan? Plan, List<Problem> Problems) Compile(Dialect dialect, string text, IEnumerable<HostMember> members)
    {
        var problems = new List<Problem>();
        var skippedTargets = new HashSet<string>();
        List<Statement> statements = Parser.Parse(text, problems, skippedTargets);
        CheckedSpec spec = Checker.Check(dialect, text, statements, members, problems, skippedTargets);
        RulePlan? plan = problems.Any(p => p.IsError) ? null : Planner.Plan(spec);
        return (plan, problems);
    }

    /// <summary>Compiles an <c>[Optimizer]</c>'s equations.</summary>
    public static (RulePlan? Plan, List<Problem> Problems) Compile(string text, IEnumerable<HostMember> members)
        => Compile(Dialect.Optimizer, text, members);
}
