using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;
using NumKit.Generators.Model;

namespace NumKit.Generators;

// Reads what a rule declares about its hyperparameters next to the properties: [HyperparameterRange(min, max)]
// (emitted as IOptimizerRule.RangeOf, so the optimizer refuses other values when they are set, before every step
// and in checkpoints), and whether a getter runs the author's code (emitted as HasComputedHyperparameters, so a
// split step never runs that code on a worker thread). An unusable range declaration is NK0030 on the attribute.
public sealed partial class OptimizerGenerator
{
    /// <summary>The range attribute's metadata name.</summary>
    public const string RangeAttributeName = "NumKit.HyperparameterRangeAttribute";

    private static HyperparameterContract ReadContract(INamedTypeSymbol type, Compilation compilation, List<HostMember> members, List<DiagnosticInfo> diagnostics)
    {
        var floats = new HashSet<string>(members.Where(m => m.IsHyperparameter && !m.IsCondition).Select(m => m.Name));
        var hyperparameters = new HashSet<string>(members.Where(m => m.IsHyperparameter).Select(m => m.Name));
        bool handWrittenRangeOf = HasHandWrittenRangeOf(type);
        bool computed = false;
        var ranges = new List<DeclaredRange>();
        foreach (IPropertySymbol property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsImplicitlyDeclared)
            {
                continue;
            }

            computed |= hyperparameters.Contains(property.Name) && HasGetterBody(property);
            AttributeData? attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == RangeAttributeName);
            if (attribute is null)
            {
                continue;
            }

            LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? property.Locations.FirstOrDefault());
            DeclaredRange? range = null;
            string? problem = !floats.Contains(property.Name)
                ? "it is not a hyperparameter (a public float property with a public getter), so no range applies to it"
                : handWrittenRangeOf
                    ? "the rule also implements RangeOf by hand; declare every range one way (the attributes, or RangeOf)"
                    : RangeProblem(attribute, property.Name, out range) ?? DefaultProblem(property, compilation, range!);
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic(ProblemKind.InvalidHyperparameterRange, location, property.Name, problem));
                continue;
            }

            ranges.Add(range!);
        }

        return ranges.Count == 0 && !computed ? HyperparameterContract.None : new HyperparameterContract(ranges.ToEquatableArray(), computed);
    }

    // Null when the attribute's bounds make a range with a finite value in it; else what is wrong, for NK0030.
    private static string? RangeProblem(AttributeData attribute, string name, out DeclaredRange? range)
    {
        range = null;
        if (attribute.ConstructorArguments.Length != 2
            || attribute.ConstructorArguments[0].Value is not float minimum
            || attribute.ConstructorArguments[1].Value is not float maximum)
        {
            return "it needs a minimum and a maximum";
        }

        bool minimumExcluded = NamedFlag(attribute, "MinimumExcluded");
        bool maximumExcluded = NamedFlag(attribute, "MaximumExcluded");
        bool infinityIncluded = NamedFlag(attribute, "PositiveInfinityIncluded");
        string? problem = (minimum, maximum) switch
        {
            _ when float.IsNaN(minimum) || float.IsNaN(maximum) => "a bound is NaN",
            _ when float.IsPositiveInfinity(minimum) => "its minimum is +Infinity, so no finite value is in it",
            _ when float.IsNegativeInfinity(maximum) => "its maximum is -Infinity, so no finite value is in it",
            _ when minimum > maximum => $"its minimum {Format(minimum)} is greater than its maximum {Format(maximum)}",
            _ when minimum == maximum && (minimumExcluded || maximumExcluded) => $"it excludes {Format(minimum)}, its only value, so no value is in it",
            _ when infinityIncluded && (!float.IsPositiveInfinity(maximum) || maximumExcluded) => "PositiveInfinityIncluded needs a range without an upper bound: a maximum of float.PositiveInfinity, not excluded",
            _ => null,
        };
        if (problem is null)
        {
            range = new DeclaredRange(name, Literal(minimum), Literal(maximum), minimumExcluded, maximumExcluded, infinityIncluded);
        }

        return problem;

        static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    // A constant initializer outside the declared range would make every 'new Rule()' refused by the optimizer.
    private static string? DefaultProblem(IPropertySymbol property, Compilation compilation, DeclaredRange range)
    {
        foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not PropertyDeclarationSyntax { Initializer.Value: { } value })
            {
                continue;
            }

            Optional<object?> constant = compilation.GetSemanticModel(value.SyntaxTree).GetConstantValue(value);
            if (constant.HasValue && constant.Value is float or double or int or long && !Contains(range, System.Convert.ToDouble(constant.Value, CultureInfo.InvariantCulture)))
            {
                return $"its initial value {System.Convert.ToString(constant.Value, CultureInfo.InvariantCulture)} is outside it, so the optimizer would refuse every new {property.ContainingType.Name}()";
            }
        }

        return null;
    }

    private static bool Contains(DeclaredRange range, double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return range.PositiveInfinityIncluded;
        }

        double minimum = Bound(range.Minimum);
        double maximum = Bound(range.Maximum);
        return (range.MinimumExcluded ? value > minimum : value >= minimum) && (range.MaximumExcluded ? value < maximum : value <= maximum);

        static double Bound(string literal) => literal switch
        {
            "float.MinValue" => float.MinValue,
            "float.MaxValue" => float.MaxValue,
            _ => double.Parse(literal.TrimEnd('f'), CultureInfo.InvariantCulture),
        };
    }

    // An unbounded end (±Infinity) is float's largest value, as HyperparameterRange's own unbounded ranges are.
    private static string Literal(float value) => value switch
    {
        float.NegativeInfinity or float.MinValue => "float.MinValue",
        float.PositiveInfinity or float.MaxValue => "float.MaxValue",
        _ => value.ToString("R", CultureInfo.InvariantCulture) + "f",
    };

    private static bool NamedFlag(AttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is true;

    // A getter with a body (or an expression-bodied property) runs the author's code each time it is read.
    private static bool HasGetterBody(IPropertySymbol property)
        => property.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<PropertyDeclarationSyntax>().Any(p =>
            p.ExpressionBody is not null
            || p.AccessorList?.Accessors.Any(a => a.IsKind(SyntaxKind.GetAccessorDeclaration) && (a.Body is not null || a.ExpressionBody is not null)) == true);

    private static bool HasHandWrittenRangeOf(INamedTypeSymbol type)
        => type.GetMembers("RangeOf").Any(m => !m.IsImplicitlyDeclared)
            || type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>()
                .SelectMany(t => t.Members.OfType<MethodDeclarationSyntax>())
                .Any(m => m.ExplicitInterfaceSpecifier is not null && m.Identifier.Text == "RangeOf");
}
