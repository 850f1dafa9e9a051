namespace NumKit.Generators.Equations;

/// <summary>A range of characters in the equations text: where a token, node or problem is.</summary>
internal readonly record struct EquationSpan(int Start, int Length)
{
    public int End => Start + Length;

    /// <summary>The smallest span that covers both <paramref name="first"/> and <paramref name="last"/>.</summary>
    public static EquationSpan Cover(EquationSpan first, EquationSpan last) => new(first.Start, last.End - first.Start);
}
