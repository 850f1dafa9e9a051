using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>
/// Everything the emitter needs about one <c>[Optimizer]</c> or <c>[Schedule]</c> struct — the same
/// model for both: the struct that hosts the equations, which use of the language they are, and the
/// plan (null when a diagnostic stops generation). Strings, primitives and records only — no symbol,
/// syntax node, compilation or location — so the incremental pipeline can compare and cache it.
/// </summary>
internal sealed record RuleSpec(RuleHost Host, Dialect Dialect, RulePlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The struct the equations are declared on: where it is, its name, its equations and hyperparameters,
/// and the names of every member the user declared (the generated half's own members must not collide).
/// </summary>
internal sealed record RuleHost(
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string TypeName,
    string FullyQualifiedName,
    string Equations,
    EquatableArray<Hyperparameter> Hyperparameters,
    bool NeedsConstructor,
    EquatableArray<string> MemberNames,
    HyperparameterContract? Contract = null,
    EquatableArray<Hyperparameter> Options = default);

/// <summary>A public float property of the rule, and whether it can be set.</summary>
internal sealed record Hyperparameter(string Name, bool CanSet);
