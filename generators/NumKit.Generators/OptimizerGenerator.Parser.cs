using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;
using NumKit.Generators.Model;

namespace NumKit.Generators;

public sealed partial class OptimizerGenerator
{
    /// <summary>Turns one [Optimizer] struct into an equatable spec: its members, its kernel plan, or the diagnostics that stop it.</summary>
    internal static RuleSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        => Parse(context, Dialect.Optimizer, cancellationToken);

    /// <summary>Turns one [Schedule] struct into an equatable spec: its members, its formula's plan, or the diagnostics that stop it.</summary>
    internal static RuleSpec ParseSchedule(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        => Parse(context, Dialect.Schedule, cancellationToken);

    private static RuleSpec Parse(GeneratorAttributeSyntaxContext context, Dialect dialect, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        AttributeData attribute = context.Attributes[0];
        var diagnostics = new List<DiagnosticInfo>();
        LocationInfo? typeLocation = LocationInfo.From(declaration.Identifier.GetLocation());

        string equations = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string text ? text : string.Empty;
        ExpressionSyntax? argument = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments.FirstOrDefault()?.Expression;
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string)
        {
            diagnostics.Add(Diagnostic(ProblemKind.EquationsNotConstant, LocationInfo.From(argument?.GetLocation()) ?? typeLocation, dialect.Attribute));
        }

        CheckDeclaration(type, declaration, dialect, typeLocation, diagnostics);
        CheckReservedNames(type, dialect, diagnostics);
        List<HostMember> members = Members(type);
        // The float ones: what IOptimizerRule's Get/SetHyperparameter and checkpoints carry.
        EquatableArray<Hyperparameter> hyperparameters = members
            .Where(m => m.IsHyperparameter && !m.IsCondition)
            .Select(m => new Hyperparameter(m.Name, HasPublicSetter(type, m.Name)))
            .ToEquatableArray();
        // The bool ones (Prodigy's DecoupleWeightDecay): IOptimizerRule's Get/SetOption, so checkpoints carry them too.
        EquatableArray<Hyperparameter> options = members
            .Where(m => m.IsHyperparameter && m.IsCondition)
            .Select(m => new Hyperparameter(m.Name, HasPublicSetter(type, m.Name)))
            .ToEquatableArray();
        HyperparameterContract contract = HyperparameterContract.None;
        if (dialect == Dialect.Optimizer)
        {
            CheckLearningRate(type, typeLocation, diagnostics);
            contract = ReadContract(type, context.SemanticModel.Compilation, members, diagnostics);
        }

        (RulePlan? plan, List<Problem> problems) = EquationCompiler.Compile(dialect, equations, members);

        if (diagnostics.Count == 0 || diagnostics.All(d => d.Kind != ProblemKind.EquationsNotConstant))
        {
            var locate = new EquationLocator(argument, context.SemanticModel.SyntaxTree);
            foreach (Problem problem in problems)
            {
                diagnostics.Add(new DiagnosticInfo(problem.Kind, locate.Find(problem.Span) ?? typeLocation, problem.Arguments));
            }
        }

        // A documented limit: past it the kernel's parameter list and overlap check are unreasonable to compile and run.
        if (plan is not null && plan.ElementStates.Count + plan.ScalarStates.Count > MaxStates)
        {
            diagnostics.Add(Diagnostic(ProblemKind.TooManyStates, LocationInfo.From(argument?.GetLocation()) ?? typeLocation,
                (plan.ElementStates.Count + plan.ScalarStates.Count).ToString(System.Globalization.CultureInfo.InvariantCulture),
                MaxStates.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // One mistake, one diagnostic: an unusable LearningRate is NK0012 on the type, not also NK0010 where the equations read it.
        if (diagnostics.Any(d => d.Kind == ProblemKind.MissingLearningRate))
        {
            diagnostics.RemoveAll(d => d.Kind == ProblemKind.HyperparameterNotFloat && d.Arguments.Count > 0 && d.Arguments[0] == Language.LearningRate);
        }

        cancellationToken.ThrowIfCancellationRequested();
        bool generate = plan is not null && diagnostics.All(d => d.Kind == ProblemKind.UnusedVariable);
        var host = new RuleHost(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            ContainingTypes(type),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            equations,
            hyperparameters,
            // Only where a generated half can be declared at all (a partial, non-generic struct in partial types).
            NeedsConstructor(type) && diagnostics.All(d => d.Kind is not (ProblemKind.NotPartialStruct or ProblemKind.UnsupportedDeclaration)),
            type.MemberNames.OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray(),
            contract,
            options);
        return new RuleSpec(host, dialect, generate ? plan : null, diagnostics.ToEquatableArray());
    }

    // Messages name the attribute actually used: a [Schedule] struct is not told about [Optimizer].
    private static void CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Dialect dialect, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string attribute = dialect.Attribute;
        if (declaration is not StructDeclarationSyntax || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(Diagnostic(ProblemKind.NotPartialStruct, location, type.Name, attribute));
        }

        if (type.IsGenericType)
        {
            diagnostics.Add(Diagnostic(ProblemKind.UnsupportedDeclaration, location, type.Name, $"a generic type cannot carry [{attribute}] equations; declare a non-generic struct", attribute));
        }

        if (declaration is StructDeclarationSyntax && declaration.Modifiers.Any(SyntaxKind.RefKeyword))
        {
            diagnostics.Add(Diagnostic(ProblemKind.UnsupportedDeclaration, location, type.Name, $"a ref struct cannot carry [{attribute}] equations", attribute));
        }

        for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax containing; parent = parent.Parent)
        {
            if (!containing.Modifiers.Any(SyntaxKind.PartialKeyword) || containing.TypeParameterList is not null)
            {
                diagnostics.Add(Diagnostic(ProblemKind.UnsupportedDeclaration, location, type.Name,
                    $"its containing type '{containing.Identifier.Text}' must be a non-generic partial type", attribute));
                break;
            }
        }
    }

    // The generated half's public members keep their documented names (Update and Equations, a schedule's At):
    // a user member of that name is an error on the member. Its private members are renamed instead (Emit/).
    private static void CheckReservedNames(INamedTypeSymbol type, Dialect dialect, List<DiagnosticInfo> diagnostics)
    {
        string[][] reserved = dialect == Dialect.Optimizer
            ? new[]
            {
                new[] { "Update", "raw kernel 'Update(in rule, t, w, g, ...)'" },
                new[] { "Equations", "static property 'Equations'" },
                new[] { "UpdateGroupPass", "two-phase raw kernel 'UpdateGroupPass(pass, in rule, t, w, g, ...)' of a rule that reduces over groups" },
                new[] { "FinishGroupPass", "two-phase raw kernel's 'FinishGroupPass(pass, in rule, t, scalarState, group)'" },
                new[] { "FinishGroupStep", "two-phase raw kernel's 'FinishGroupStep(in rule, t, scalarState, group)'" },
                new[] { "GroupPassCount", "constant 'GroupPassCount' of a rule that reduces over groups" },
                new[] { "GroupScratchLength", "constant 'GroupScratchLength' of a rule that reduces over groups" },
            }
            : new[] { new[] { "At", "method 'At(int step)'" } };
        foreach (string[] name in reserved)
        {
            foreach (ISymbol member in type.GetMembers(name[0]))
            {
                // A method beside a generated method is an overload, which C# allows.
                bool overload = name[0] != "Equations" && member is IMethodSymbol { MethodKind: MethodKind.Ordinary };
                if (!member.IsImplicitlyDeclared && !overload)
                {
                    diagnostics.Add(Diagnostic(ProblemKind.ReservedMemberName, LocationInfo.From(member.Locations.FirstOrDefault()), name[0], name[1]));
                }
            }
        }
    }

    // Every named member the equations could mean; public readable float properties are hyperparameters.
    private static List<HostMember> Members(INamedTypeSymbol type)
    {
        var members = new List<HostMember>();
        var seen = new HashSet<string>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || !seen.Add(member.Name) || !SyntaxFacts.IsValidIdentifier(member.Name))
            {
                continue;
            }

            switch (member)
            {
                case IPropertySymbol { IsIndexer: false } property:
                    bool isBool = property.Type.SpecialType == SpecialType.System_Boolean;
                    bool isHyperparameter = !property.IsStatic
                        && property.DeclaredAccessibility == Accessibility.Public
                        && (property.Type.SpecialType == SpecialType.System_Single || isBool)
                        && property.GetMethod is { DeclaredAccessibility: Accessibility.Public };
                    members.Add(new HostMember(property.Name, isHyperparameter, Describe(property), isBool));
                    break;
                case IFieldSymbol field:
                    members.Add(new HostMember(field.Name, false, $"a {(field.IsConst ? "constant" : "field")} of type {field.Type.ToDisplayString()}"));
                    break;
            }
        }

        return members;
    }

    private static string Describe(IPropertySymbol property)
    {
        if (property.Type.SpecialType is not (SpecialType.System_Single or SpecialType.System_Boolean))
        {
            return $"a property of type {property.Type.ToDisplayString()}";
        }

        return property.IsStatic ? "a static property" : "a property without a public getter";
    }

    private static bool HasPublicSetter(INamedTypeSymbol type, string name)
        => type.GetMembers(name).OfType<IPropertySymbol>().Any(p => p.SetMethod is { DeclaredAccessibility: Accessibility.Public, IsInitOnly: false });

    private static void CheckLearningRate(INamedTypeSymbol type, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        IPropertySymbol? property = type.GetMembers(Language.LearningRate).OfType<IPropertySymbol>().FirstOrDefault();
        string? problem = property switch
        {
            null => "add 'public float LearningRate { get; set; }'",
            { Type.SpecialType: not SpecialType.System_Single } => $"it is of type {property.Type.ToDisplayString()}",
            { IsStatic: true } => "it is static",
            { DeclaredAccessibility: not Accessibility.Public } => "it is not public",
            { GetMethod: not { DeclaredAccessibility: Accessibility.Public } } => "it has no public getter",
            { SetMethod: not { DeclaredAccessibility: Accessibility.Public, IsInitOnly: false } } => "it has no public setter (schedules set it between steps)",
            _ => null,
        };
        if (problem is not null)
        {
            diagnostics.Add(Diagnostic(ProblemKind.MissingLearningRate, location, type.Name, problem));
        }
    }

    // C# requires an explicit constructor in a struct with field or property initializers; supply one if the user did not.
    private static bool NeedsConstructor(INamedTypeSymbol type)
    {
        bool hasInitializers = type.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax())
            .OfType<TypeDeclarationSyntax>()
            .SelectMany(t => t.Members)
            .Any(member => member switch
            {
                PropertyDeclarationSyntax property => property.Initializer is not null,
                FieldDeclarationSyntax field => field.Declaration.Variables.Any(v => v.Initializer is not null),
                _ => false,
            });
        bool hasConstructor = type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared);
        return hasInitializers && !hasConstructor;
    }

    private static EquatableArray<string> ContainingTypes(INamedTypeSymbol type)
    {
        var declarations = new List<string>();
        for (INamedTypeSymbol? containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            string kind = containing.IsRecord
                ? (containing.TypeKind == TypeKind.Struct ? "record struct" : "record")
                : containing.TypeKind switch
                {
                    TypeKind.Struct => "struct",
                    TypeKind.Interface => "interface",
                    _ => "class",
                };
            declarations.Insert(0, $"partial {kind} {containing.Name}");
        }

        return declarations.ToEquatableArray();
    }

    private static DiagnosticInfo Diagnostic(ProblemKind kind, LocationInfo? location, params string[] arguments)
        => new(kind, location, new EquatableArray<string>(arguments));

    /// <summary>Finds where a span of the equations text is in the source: inside the literal when it is one, else the whole argument.</summary>
    private readonly struct EquationLocator
    {
        private readonly ExpressionSyntax? _argument;
        private readonly SyntaxTree _tree;
        private readonly StringLiteralMap? _map;

        public EquationLocator(ExpressionSyntax? argument, SyntaxTree tree)
        {
            _argument = argument;
            _tree = argument?.SyntaxTree ?? tree;
            _map = argument is LiteralExpressionSyntax literal ? StringLiteralMap.Create(literal.Token) : null;
        }

        public LocationInfo? Find(EquationSpan span)
        {
            if (_argument is null)
            {
                return null;
            }

            TextSpan source = _map?.Map(span.Start, span.Length) ?? _argument.Span;
            return new LocationInfo(_tree.FilePath, source, _tree.GetLineSpan(source).Span);
        }
    }
}
