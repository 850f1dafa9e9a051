using System.Collections.Generic;
using System.Linq;

namespace NumKit.Generators.Equations;

/// <summary>What a reduction computes from its argument x.</summary>
internal enum ReductionKind
{
    /// <summary>Σ x.</summary>
    Sum,

    /// <summary>Σ x / n.</summary>
    Mean,

    /// <summary>√(Σ x²): the L2 (Frobenius) norm.</summary>
    Norm,

    /// <summary>√(Σ x² / n): the root mean square.</summary>
    Rms,

    /// <summary>max |x| (0 over no elements).</summary>
    MaxAbs,
}

/// <summary>Which elements a reduction runs over; its result is one value of that scope.</summary>
internal enum ReductionScope
{
    /// <summary>Every element of one tensor: one value per tensor.</summary>
    Tensor,

    /// <summary>Each row of a matrix-shaped tensor (the last two dimensions): one value per row.</summary>
    Row,

    /// <summary>Each column of a matrix-shaped tensor: one value per column.</summary>
    Column,

    /// <summary>Every element of every tensor of the group: one value per group and step.</summary>
    Group,
}

/// <summary>One reduction function of the language: its name, what it computes and over what.</summary>
internal sealed record Reduction(string Name, ReductionKind Kind, ReductionScope Scope, string Meaning)
{
    /// <summary>The rate of the reduction's result: the scope's.</summary>
    public Rate Rate => Scope switch
    {
        ReductionScope.Tensor => Rate.PerTensor,
        ReductionScope.Row => Rate.PerRow,
        ReductionScope.Column => Rate.PerColumn,
        _ => Rate.PerGroup,
    };

    /// <summary>Whether each element adds x² (norm, rms) rather than x (sum, mean) or |x| (maxabs).</summary>
    public bool Squares => Kind is ReductionKind.Norm or ReductionKind.Rms;
}

/// <summary>
/// The reductions: five kinds (sum, mean, norm, rms, maxabs) over four scopes, named as the papers
/// write them — <c>norm(w)</c> over each tensor, <c>rowmean(g^2)</c> / <c>colmean(g^2)</c> over each row
/// or column, <c>groupsum(g * (x0 - w))</c> over the whole group. The checker, the planner, the fuzz
/// test and the README read this table.
/// </summary>
internal static class Reductions
{
    private static readonly (ReductionKind Kind, string Name, string Meaning)[] s_kinds =
    {
        (ReductionKind.Sum, "sum", "Σ x"),
        (ReductionKind.Mean, "mean", "Σ x / n"),
        (ReductionKind.Norm, "norm", "√(Σ x²), the L2 norm"),
        (ReductionKind.Rms, "rms", "√(Σ x² / n)"),
        (ReductionKind.MaxAbs, "maxabs", "max |x| (0 over no elements)"),
    };

    private static readonly (ReductionScope Scope, string Prefix, string Over)[] s_scopes =
    {
        (ReductionScope.Tensor, "", "over each tensor"),
        (ReductionScope.Row, "row", "over each row of a matrix"),
        (ReductionScope.Column, "col", "over each column of a matrix"),
        (ReductionScope.Group, "group", "over every tensor of the group"),
    };

    /// <summary>Every reduction, scope by scope, kind by kind.</summary>
    public static readonly IReadOnlyList<Reduction> All = s_scopes
        .SelectMany(s => s_kinds.Select(k => new Reduction(s.Prefix + k.Name, k.Kind, s.Scope, k.Meaning + " " + s.Over)))
        .ToArray();

    private static readonly Dictionary<string, Reduction> s_byName = All.ToDictionary(r => r.Name);

    /// <summary>Every reduction's name.</summary>
    public static IEnumerable<string> Names => All.Select(r => r.Name);

    /// <summary>The reduction named <paramref name="name"/>, if it is one.</summary>
    public static bool TryGet(string name, out Reduction reduction)
    {
        bool found = s_byName.TryGetValue(name, out Reduction? r);
        reduction = r!;
        return found;
    }
}
