using NumKit.Generators.Emit;
using NumKit.Generators.Model;

namespace NumKit.Generators;

public sealed partial class OptimizerGenerator
{
    /// <summary>Writes the generated half of one [Schedule] struct: <c>float At(int step)</c>, computed in double precision.</summary>
    internal static string EmitSchedule(RuleHost spec, RulePlan plan)
    {
        IndentedWriter writer = OpenFile(spec, "[Schedule] formula", "formula");
        var names = new PlanNames(plan);
        writer.Line($"partial struct {spec.TypeName} : global::NumKit.Schedules.ISchedule").Open();
        if (spec.NeedsConstructor)
        {
            writer.Line("/// <summary>Creates the schedule with the values its declaration gives.</summary>");
            writer.Line($"public {spec.TypeName}()").Open().Close();
            writer.Line();
        }

        writer.Line("/// <summary>The learning rate at <paramref name=\"step\"/> (0 is the first epoch or iteration), computed in double precision.</summary>");
        writer.Line("/// <remarks>");
        writer.Line("/// Generated from this formula (step 0 is the first epoch or iteration):");
        writer.Line("/// <code>");
        foreach (string line in spec.Equations.Replace("\r\n", "\n").Trim('\n').Split('\n'))
        {
            writer.Line("/// " + line.Trim().Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"));
        }

        writer.Line("/// </code>");
        writer.Line("/// </remarks>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"step\"/> is negative.</exception>");
        writer.Line("public float At(int step)").Open();
        writer.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegative(step);");
        foreach (HyperparameterRead read in plan.Hyperparameters)
        {
            writer.Line($"{(read.IsCondition ? "bool" : "double")} {names.Of(read.Name)} = this.{read.Name};");
        }

        foreach (StepAssignment step in plan.StepAssignments)
        {
            writer.Line();
            writer.Line("// " + step.Equation);
            writer.Line($"{(step.IsCondition ? "bool" : "double")} {names.Of(step.Result)} = {CSharpExpression.Scalar(step.Value, names)};");
        }

        writer.Line();
        writer.Line($"return (float){names.Of(plan.Output!)};");
        writer.Close();
        writer.Close();

        return CloseFile(writer, spec);
    }
}
