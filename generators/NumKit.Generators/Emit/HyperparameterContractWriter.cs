using NumKit.Generators.Model;

namespace NumKit.Generators.Emit;

/// <summary>
/// Writes what a rule declares about its hyperparameters: <c>RangeOf</c> from its <c>[HyperparameterRange]</c>
/// attributes (undeclared names keep the interface's default), and <c>HasComputedHyperparameters</c> when a
/// getter runs the author's code. Nothing is written for a rule that declares neither, so the interface's
/// defaults apply.
/// </summary>
internal static class HyperparameterContractWriter
{
    public static void Write(IndentedWriter w, string interfaceName, HyperparameterContract contract)
    {
        if (contract.Ranges.Count > 0)
        {
            w.Line("// The ranges declared with [HyperparameterRange] on the properties; the optimizer refuses other values.");
            w.Line($"static global::NumKit.HyperparameterRange {interfaceName}.RangeOf(string hyperparameter) => hyperparameter switch").Open();
            foreach (DeclaredRange range in contract.Ranges)
            {
                string initializer = (range.MinimumExcluded, range.PositiveInfinityIncluded) switch
                {
                    (true, true) => " { MinimumExcluded = true, PositiveInfinityIncluded = true }",
                    (true, false) => " { MinimumExcluded = true }",
                    (false, true) => " { PositiveInfinityIncluded = true }",
                    _ => string.Empty,
                };
                string maximumExcluded = range.MaximumExcluded ? ", MaximumExcluded: true" : string.Empty;
                w.Line($"\"{range.Hyperparameter}\" => new global::NumKit.HyperparameterRange({range.Minimum}, {range.Maximum}{maximumExcluded}){initializer},");
            }

            w.Line("_ => global::NumKit.HyperparameterRange.Default(hyperparameter),");
            w.Close(";");
            w.Line();
        }

        if (contract.HasComputedHyperparameters)
        {
            w.Line("// A hyperparameter's getter runs code written for this rule: the optimizer reads it on the calling thread only.");
            w.Line($"static bool {interfaceName}.HasComputedHyperparameters => true;");
            w.Line();
        }
    }
}
