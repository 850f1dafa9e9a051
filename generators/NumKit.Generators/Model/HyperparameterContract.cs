using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>
/// What a rule promises about its hyperparameters beyond their names: the ranges declared with
/// <c>[HyperparameterRange]</c> next to the properties (emitted as <c>IOptimizerRule.RangeOf</c>), and whether
/// reading one runs code the rule's author wrote (a getter with a body), which the optimizer then keeps on the
/// calling thread (<c>IOptimizerRule.HasComputedHyperparameters</c>).
/// </summary>
internal sealed record HyperparameterContract(EquatableArray<DeclaredRange> Ranges, bool HasComputedHyperparameters)
{
    /// <summary>No ranges declared and every hyperparameter a plain auto-property: nothing to emit.</summary>
    public static HyperparameterContract None { get; } = new(EquatableArray<DeclaredRange>.Empty, false);
}

/// <summary>
/// One declared range, as C# float literals ready to emit (<c>float.MinValue</c>/<c>float.MaxValue</c> for an
/// unbounded end), with which ends are excluded.
/// </summary>
internal sealed record DeclaredRange(string Hyperparameter, string Minimum, string Maximum, bool MinimumExcluded, bool MaximumExcluded, bool PositiveInfinityIncluded = false);
