using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NumKit.Generators.Equations;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Model;

/// <summary>A place in a source file, kept as values so models stay equatable (a <see cref="Location"/> holds a syntax tree).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
        => location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic to report, as values: which problem, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(ProblemKind Kind, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic()
    {
        object[] arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(DiagnosticDescriptors.For(Kind), Location?.ToLocation(), arguments);
    }
}
