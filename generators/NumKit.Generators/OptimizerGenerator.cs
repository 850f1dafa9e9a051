using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NumKit.Generators.Equations;
using NumKit.Generators.Model;

namespace NumKit.Generators;

/// <summary>
/// Turns each <c>[Optimizer("...equations...")]</c> partial struct into a fused SIMD update kernel.
/// This file is the pipeline only; OptimizerGenerator.Parser.cs builds the model and
/// OptimizerGenerator.Emitter.cs writes the code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class OptimizerGenerator : IIncrementalGenerator
{
    /// <summary>The optimizer attribute's metadata name.</summary>
    public const string AttributeName = "NumKit.OptimizerAttribute";

    /// <summary>The schedule attribute's metadata name.</summary>
    public const string ScheduleAttributeName = "NumKit.Schedules.ScheduleAttribute";

    /// <summary>Pipeline step names, so tests can assert what was cached.</summary>
    public static class TrackingNames
    {
        /// <summary>The step that turns each [Optimizer] struct into a <c>RuleSpec</c>.</summary>
        public const string Spec = "OptimizerSpec";

        /// <summary>The step that turns each [Schedule] struct into a spec.</summary>
        public const string ScheduleSpec = "ScheduleSpec";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Find the attributed types (Roslyn's attribute index: only files that mention the attribute are looked at)
        //    and turn each into an equatable spec: members, kernel plan, diagnostics. Nothing past here holds a symbol.
        IncrementalValuesProvider<RuleSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (context, cancellationToken) => Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Spec);

        // 2. The same for [Schedule] structs: a formula for lr in terms of step, in the same language.
        IncrementalValuesProvider<RuleSpec> schedules = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ScheduleAttributeName,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (context, cancellationToken) => ParseSchedule(context, cancellationToken))
            .WithTrackingName(TrackingNames.ScheduleSpec);

        // 3. Report each spec's diagnostics, and write the code of each spec that has a plan.
        context.RegisterSourceOutput(specs, static (context, spec) => Output(context, spec));
        context.RegisterSourceOutput(schedules, static (context, spec) => Output(context, spec));
    }

    private static void Output(SourceProductionContext context, RuleSpec spec)
    {
        foreach (DiagnosticInfo diagnostic in spec.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        if (spec.Plan is not null)
        {
            string source = spec.Dialect == Dialect.Optimizer ? Emit(spec.Host, spec.Plan) : EmitSchedule(spec.Host, spec.Plan);
            context.AddSource(HintName(spec.Host), source);
        }
        else if (spec.Host.NeedsConstructor)
        {
            // The spec is wrong, but the struct's property initializers still need the constructor the
            // generator supplies: without it the user would also see CS8983, a C# error the NK diagnostic caused.
            context.AddSource(HintName(spec.Host), EmitConstructorOnly(spec.Host, spec.Dialect));
        }
    }

    // From the fully qualified name, so two rules of the same name in different namespaces do not collide.
    private static string HintName(RuleHost spec)
        => spec.FullyQualifiedName.Replace("global::", string.Empty).Replace('<', '{').Replace('>', '}') + ".g.cs";
}
