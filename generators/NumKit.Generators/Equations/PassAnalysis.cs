using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace NumKit.Generators.Equations;

/// <summary>
/// Where each statement of equations with reductions runs: the fewest passes over the elements the data
/// dependencies allow. A reduction is accumulated in the pass that computes its argument (one of inputs
/// and old state rides along pass 1; one of new moments forces a later pass to use its result); a
/// per-element statement that reads a reduction runs in a pass after it; a value between passes (per
/// tensor) is computed after the passes it reads. A later pass recomputes the temporaries it needs from
/// the stored state instead of storing them. A state's update moves to a later pass when a later pass
/// reads its old value; if that cannot be (a reduction needs the new value first), NK0034.
/// Part of the checker's verdict: the planner only follows it.
/// </summary>
internal sealed class PassAnalysis
{
    private readonly List<TypedStatement> _statements;
    private readonly Dialect _dialect;
    private readonly List<Problem> _problems;
    private readonly int[] _pass;
    private readonly int[] _evaluatedUntil;
    private readonly Dictionary<TypedReduction, int> _reductionPass = new(ReferenceComparer.Instance);
    private readonly Dictionary<TypedReduction, int> _reductionStatement = new(ReferenceComparer.Instance);

    private PassAnalysis(List<TypedStatement> statements, Dialect dialect, List<Problem> problems)
    {
        _statements = statements;
        _dialect = dialect;
        _problems = problems;
        _pass = new int[statements.Count];
        _evaluatedUntil = new int[statements.Count];
    }

    /// <summary>How many passes over the elements a step makes (at least 1).</summary>
    public int PassCount { get; private set; } = 1;

    /// <summary>
    /// Statement <paramref name="index"/>'s pass: 0 for a per-step statement (before the passes); k for a
    /// per-element one (it runs in pass k); for a value between passes, the pass after which it is computed.
    /// </summary>
    public int PassOf(int index) => _pass[index];

    /// <summary>The last pass that evaluates per-element statement <paramref name="index"/> (a later pass recomputes a temporary it reads).</summary>
    public int EvaluatedUntil(int index) => _evaluatedUntil[index];

    /// <summary>The pass that accumulates <paramref name="reduction"/>.</summary>
    public int PassOf(TypedReduction reduction) => _reductionPass[reduction];

    /// <summary>The statement whose value contains <paramref name="reduction"/>: its accumulation sits at that statement's place in its pass.</summary>
    public int StatementOf(TypedReduction reduction) => _reductionStatement[reduction];

    /// <summary>Every reduction, in the order the statements read them.</summary>
    public IReadOnlyList<TypedReduction> Reductions { get; private set; } = new TypedReduction[0];

    /// <summary>Plans the passes of statements that contain reductions; null (one pass) if none does. Reports problems.</summary>
    public static PassAnalysis? Analyze(List<TypedStatement> statements, Dialect dialect, List<Problem> problems)
    {
        if (!statements.Any(s => s.Value.DescendantsAndSelf().OfType<TypedReduction>().Any()))
        {
            return null;
        }

        var analysis = new PassAnalysis(statements, dialect, problems);
        return analysis.Run() ? analysis : null;
    }

    private bool IsElement(int i) => _statements[i].Variable is null || _statements[i].Variable!.Rate == Rate.PerElement;

    private bool IsBetween(int i) => _statements[i].Variable is { } v && Rates.IsBetweenPasses(v.Rate);

    private bool IsStored(string name) => name == _dialect.Output || _statements.Any(s => s.Target == name && s.Variable is { IsState: true });

    private bool Run()
    {
        var reductions = new List<TypedReduction>();
        for (int i = 0; i < _statements.Count; i++)
        {
            foreach (TypedReduction reduction in Outermost(_statements[i].Value))
            {
                reductions.Add(reduction);
                _reductionStatement[reduction] = i;
                _reductionPass[reduction] = 1;
            }
        }

        Reductions = reductions;

        // Each per-element name is assigned once: a later pass reads a stored value or recomputes a temporary, by name.
        var assigned = new HashSet<string>();
        bool valid = true;
        for (int i = 0; i < _statements.Count; i++)
        {
            if (IsElement(i) && !assigned.Add(_statements[i].Target))
            {
                _problems.Add(Problem.Create(ProblemKind.ReassignedWithReductions, _statements[i].TargetSpan, _statements[i].Target));
                valid = false;
            }
        }

        if (!valid)
        {
            return false;
        }

        for (int i = 0; i < _statements.Count; i++)
        {
            _pass[i] = IsElement(i) ? 1 : 0;
        }

        // Raise passes to a fixed point; a pass past the number of statements means a cycle: a reduction needs
        // a state's new value, and a statement after the reduction needs its old one.
        int limit = _statements.Count + reductions.Count + 2;
        for (int round = 0; round < 4 * limit; round++)
        {
            bool changed = PropagateDependencies();
            ComputeEvaluatedUntil();
            (bool moved, OldRead? culprit) = MoveUpdatesAfterOldReads(limit);
            if (culprit is not null)
            {
                _problems.Add(Problem.Create(ProblemKind.StateReadAfterReduction, culprit.Value.Span, culprit.Value.Name, culprit.Value.Reduction));
                return false;
            }

            if (!changed && !moved)
            {
                PassCount = System.Math.Max(1, Enumerable.Range(0, _statements.Count).Where(IsElement).Select(i => _pass[i]).DefaultIfEmpty(1).Max());
                return true;
            }
        }

        return false;
    }

    // The reductions of an expression that are not inside another reduction's argument (NK0031 forbids nesting).
    private static IEnumerable<TypedReduction> Outermost(TypedExpr expr)
    {
        if (expr is TypedReduction reduction)
        {
            yield return reduction;
            yield break;
        }

        foreach (TypedExpr operand in expr.Operands)
        {
            foreach (TypedReduction inner in Outermost(operand))
            {
                yield return inner;
            }
        }
    }

    // Which statement gives the value a read at statement 'i' sees: the last assignment before it, or -1 (an old value or an input).
    private int Source(string name, int i)
    {
        for (int j = i - 1; j >= 0; j--)
        {
            if (_statements[j].Target == name)
            {
                return j;
            }
        }

        return -1;
    }

    private bool PropagateDependencies()
    {
        bool changed = false;
        for (int i = 0; i < _statements.Count; i++)
        {
            if (_pass[i] == 0 && IsElement(i) == false && !IsBetween(i))
            {
                continue; // per step: before the passes
            }

            bool element = IsElement(i);

            // A per-row or per-column value is computed after a pass (its loop over the rows or columns runs then);
            // a per-tensor one that reads no pass's result is computed before the passes.
            int required = element || _statements[i].Variable!.Rate is Rate.PerRow or Rate.PerColumn ? 1 : 0;
            foreach ((TypedExpr node, TypedReduction? inside) in Reads(_statements[i].Value, null))
            {
                if (node is TypedReduction reduction)
                {
                    int argumentPass = 1;
                    foreach ((TypedExpr read, TypedReduction? _) in Reads(reduction.Argument, reduction))
                    {
                        argumentPass = System.Math.Max(argumentPass, reduction.IsOverLines ? LinePassOf(read, i) : ElementPassOf(read, i));
                    }

                    if (argumentPass > _reductionPass[reduction])
                    {
                        _reductionPass[reduction] = argumentPass;
                        changed = true;
                    }

                    required = System.Math.Max(required, element ? _reductionPass[reduction] + 1 : _reductionPass[reduction]);
                }
                else if (node is TypedName name && Source(name.Name, i) is int j && j >= 0)
                {
                    required = System.Math.Max(required, IsBetween(j) ? (element ? _pass[j] + 1 : _pass[j]) : _pass[j]);
                }
            }

            if (required > _pass[i])
            {
                _pass[i] = required;
                changed = true;
            }
        }

        return changed;
    }

    // The pass from which a name read inside a reduction's argument (per element) is available.
    private int ElementPassOf(TypedExpr read, int i)
    {
        if (read is TypedName name && Source(name.Name, i) is int j && j >= 0)
        {
            return IsBetween(j) ? _pass[j] + 1 : System.Math.Max(1, _pass[j]);
        }

        return 1;
    }

    // The pass after which a name read inside a reduction over rows or columns (a per-row or per-column value) is computed.
    private int LinePassOf(TypedExpr read, int i)
        => read is TypedName name && Source(name.Name, i) is int j && j >= 0 ? System.Math.Max(1, _pass[j]) : 1;

    // The names and reductions an expression reads, not looking inside reductions (their arguments are read in their own pass).
    private static IEnumerable<(TypedExpr Node, TypedReduction? Inside)> Reads(TypedExpr expr, TypedReduction? inside)
    {
        foreach (TypedExpr node in Walk(expr))
        {
            if (node is TypedName or TypedReduction)
            {
                yield return (node, inside);
            }
        }
    }

    private static IEnumerable<TypedExpr> Walk(TypedExpr expr)
    {
        yield return expr;
        if (expr is TypedReduction)
        {
            yield break;
        }

        foreach (TypedExpr operand in expr.Operands)
        {
            foreach (TypedExpr node in Walk(operand))
            {
                yield return node;
            }
        }
    }

    // A per-element statement is evaluated in its pass and again in every later pass that reads its value
    // (a temporary is recomputed; a stored state is loaded, so it is not evaluated again).
    private void ComputeEvaluatedUntil()
    {
        for (int j = _statements.Count - 1; j >= 0; j--)
        {
            _evaluatedUntil[j] = _pass[j];
            if (!IsElement(j) || IsStored(_statements[j].Target))
            {
                continue;
            }

            string target = _statements[j].Target;
            for (int i = j + 1; i < _statements.Count; i++)
            {
                if (_statements[i].Target == target)
                {
                    break;
                }

                foreach ((TypedExpr node, TypedReduction? _) in Reads(_statements[i].Value, null))
                {
                    if (node is TypedName name && name.Name == target && IsElement(i))
                    {
                        _evaluatedUntil[j] = System.Math.Max(_evaluatedUntil[j], _evaluatedUntil[i]);
                    }
                    else if (node is TypedReduction reduction && reduction.Argument.DescendantsAndSelf().OfType<TypedName>().Any(n => n.Name == target))
                    {
                        _evaluatedUntil[j] = System.Math.Max(_evaluatedUntil[j], _reductionPass[reduction]);
                    }
                }
            }
        }
    }

    private readonly struct OldRead
    {
        public OldRead(string name, EquationSpan span, string reduction)
        {
            Name = name;
            Span = span;
            Reduction = reduction;
        }

        public string Name { get; }

        public EquationSpan Span { get; }

        public string Reduction { get; }
    }

    // A read of a stored name's old value (before its update in the text) in pass q needs the update in pass q or later.
    private (bool Moved, OldRead? Culprit) MoveUpdatesAfterOldReads(int limit)
    {
        bool moved = false;
        for (int i = 0; i < _statements.Count; i++)
        {
            if (!IsElement(i))
            {
                continue;
            }

            foreach ((TypedName read, int pass) in OldReads(i))
            {
                int update = Enumerable.Range(i, _statements.Count - i).FirstOrDefault(k => _statements[k].Target == read.Name && IsElement(k) && k >= i);
                if (_statements[update].Target != read.Name || update < i)
                {
                    continue;
                }

                if (update == i && pass == _pass[i])
                {
                    continue; // w = w - ...: reads the old value in the statement that updates it
                }

                if (_pass[update] < pass)
                {
                    _pass[update] = pass;
                    moved = true;
                    if (pass > limit)
                    {
                        TypedReduction? blocking = _reductionPass.Keys.FirstOrDefault(r => r.Argument.DescendantsAndSelf().OfType<TypedName>().Any(n => n.Name == read.Name || Depends(n.Name, read.Name)));
                        return (moved, new OldRead(read.Name, read.Syntax.Span, blocking is null ? "?" : Printer.Print(blocking.Syntax)));
                    }
                }
            }
        }

        return (moved, null);
    }

    // Whether the value of 'name' depends on 'on' through the statements.
    private bool Depends(string name, string on)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>();
        stack.Push(name);
        while (stack.Count > 0)
        {
            string current = stack.Pop();
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (TypedStatement statement in _statements.Where(s => s.Target == current))
            {
                foreach (TypedName read in statement.Value.DescendantsAndSelf().OfType<TypedName>())
                {
                    if (read.Name == on)
                    {
                        return true;
                    }

                    stack.Push(read.Name);
                }
            }
        }

        return false;
    }

    // The old-value reads of stored names in statement i, with the latest pass that evaluates each read.
    private IEnumerable<(TypedName Read, int Pass)> OldReads(int i)
    {
        foreach ((TypedExpr node, TypedReduction? _) in Reads(_statements[i].Value, null))
        {
            if (node is TypedName name && IsStored(name.Name) && Source(name.Name, i) < 0)
            {
                yield return (name, _evaluatedUntil[i]);
            }
            else if (node is TypedReduction reduction)
            {
                foreach (TypedName inner in reduction.Argument.DescendantsAndSelf().OfType<TypedName>())
                {
                    if (IsStored(inner.Name) && Source(inner.Name, i) < 0)
                    {
                        yield return (inner, _reductionPass[reduction]);
                    }
                }
            }
        }
    }

    private sealed class ReferenceComparer : IEqualityComparer<TypedReduction>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(TypedReduction? x, TypedReduction? y) => ReferenceEquals(x, y);

        public int GetHashCode(TypedReduction obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
