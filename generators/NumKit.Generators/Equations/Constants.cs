using System;
using System.Collections.Generic;

namespace NumKit.Generators.Equations;

/// <summary>
/// Folds the constant parts of a typed tree (numbers and what is computed from numbers alone) and finds
/// where that arithmetic has no finite value: a division by a constant zero, <c>sqrt(-1)</c>, <c>log(0)</c>,
/// <c>exp(1000)</c>, <c>(-8)^0.5</c>. Such a value would be NaN or infinite on every step, silently; it is a
/// mistake in the spec, reported once, on the innermost expression that makes it.
/// </summary>
internal static class Constants
{
    /// <summary>One problem: the node that makes it and what is wrong (a phrase for the message).</summary>
    public readonly record struct Finding(TypedExpr Node, string Reason);

    /// <summary>Every constant computation in <paramref name="root"/> without a finite value, innermost first.</summary>
    public static List<Finding> Check(TypedExpr root)
    {
        var findings = new List<Finding>();
        Fold(root, findings);
        return findings;
    }

    /// <summary>
    /// The value of a constant node, or null when it depends on anything else (or is a condition). A node
    /// already reported folds to null, so its parents do not report it again. The parser bounds depth.
    /// </summary>
    private static double? Fold(TypedExpr node, List<Finding> findings)
    {
        var operands = new double?[node.Operands.Count];
        for (int i = 0; i < operands.Length; i++)
        {
            operands[i] = Fold(node.Operands[i], findings);
        }

        if (node is TypedBinary { Operator: BinaryOperator.Divide } division && operands[1] == 0)
        {
            findings.Add(new Finding(division, "divides by zero"));
            return null;
        }

        double? value = Evaluate(node, operands);
        if (value is double v && !IsFinite(v))
        {
            findings.Add(new Finding(node, double.IsNaN(v) ? "is not a number (NaN)" : "is infinite"));
            return null;
        }

        return value;
    }

    private static double? Evaluate(TypedExpr node, double?[] x)
    {
        foreach (double? operand in x)
        {
            if (operand is null)
            {
                return null;
            }
        }

        switch (node)
        {
            case TypedNumber number:
                return number.Value;
            case TypedNegate:
                return -x[0];
            case TypedBinary binary:
                return binary.Operator switch
                {
                    BinaryOperator.Add => x[0] + x[1],
                    BinaryOperator.Subtract => x[0] - x[1],
                    BinaryOperator.Multiply => x[0] * x[1],
                    BinaryOperator.Divide => x[0] / x[1],
                    _ => null, // a comparison: a condition, not a number
                };
            case TypedPower:
                return Math.Pow(x[0]!.Value, x[1]!.Value);
            case TypedCall call:
                return Call(call.Function, x);
            default:
                return null;
        }
    }

    // The functions whose per-step value is plain double arithmetic; any other is treated as not constant.
    private static double? Call(string function, double?[] x) => (function, x.Length) switch
    {
        ("sqrt", 1) => Math.Sqrt(x[0]!.Value),
        ("abs", 1) => Math.Abs(x[0]!.Value),
        ("exp", 1) => Math.Exp(x[0]!.Value),
        ("log", 1) => Math.Log(x[0]!.Value),
        ("floor", 1) => Math.Floor(x[0]!.Value),
        ("cos", 1) => Math.Cos(x[0]!.Value),
        ("tanh", 1) => Math.Tanh(x[0]!.Value),
        ("min", 2) => Math.Min(x[0]!.Value, x[1]!.Value),
        ("max", 2) => Math.Max(x[0]!.Value, x[1]!.Value),
        _ => null,
    };

    private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);
}
