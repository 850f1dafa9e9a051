using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>
/// Everything the emitter needs about one [Optimizer] or [Schedule] struct, as strings, primitives and records only:
/// no symbol, syntax node, compilation or location, so the incremental pipeline can compare and cache it.
/// </summary>
internal sealed record OptimizerSpec(
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string TypeName,
    string FullyQualifiedName,
    string Equations,
    EquatableArray<Hyperparameter> Hyperparameters,
    bool NeedsConstructor,
    KernelPlan? Plan,
    SchedulePlan? Schedule,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A public float property of the rule, and whether it can be set.</summary>
internal sealed record Hyperparameter(string Name, bool CanSet);
