using System.Collections.Generic;
using System.Linq;

namespace NumKit.Generators.Equations;

/// <summary>A member of the optimizer struct, as the checker sees it: a public float (or bool) property is a hyperparameter.</summary>
/// <param name="Name">The member's name.</param>
/// <param name="IsHyperparameter">Whether it is a public, readable float or bool property.</param>
/// <param name="Description">What it is, for messages when it is not a hyperparameter (such as "a double property").</param>
/// <param name="IsCondition">Whether it is a bool property: a per-step condition, as in <c>if(Maximize, -g, g)</c>.</param>
internal sealed record HostMember(string Name, bool IsHyperparameter, string Description, bool IsCondition = false);

/// <summary>Whether a value is computed once per step or once per element.</summary>
internal enum Rate
{
    PerStep,
    PerElement,
}

/// <summary>Whether an expression is a number or a condition.</summary>
internal enum ValueType
{
    Number,
    Condition,
}

/// <summary>What the checker learned about one assigned name.</summary>
internal sealed class Variable
{
    public Variable(string name) => Name = name;

    public string Name { get; }

    /// <summary>Read before any statement of the step assigns it, so it persists between steps.</summary>
    public bool IsState { get; set; }

    public Rate Rate { get; set; }

    public ValueType Type { get; set; }

    /// <summary>Where the name first appears in the update statements, for the kernel's parameter order.</summary>
    public int FirstAppearance { get; set; } = int.MaxValue;

    public EquationSpan FirstAssignment { get; set; }

    /// <summary>The declared starting value (an <c>init</c> statement), if any.</summary>
    public Expr? Initializer { get; set; }
}

/// <summary>The result of checking a spec: its update statements and what every name is.</summary>
internal sealed class CheckedSpec
{
    public CheckedSpec(List<Statement> statements, Dictionary<string, Variable> variables, HashSet<string> conditionHyperparameters)
    {
        Statements = statements;
        Variables = variables;
        ConditionHyperparameters = conditionHyperparameters;
    }

    /// <summary>The bool hyperparameters: conditions decided once per step.</summary>
    public HashSet<string> ConditionHyperparameters { get; }

    /// <summary>The update statements, in order (initializers removed).</summary>
    public List<Statement> Statements { get; }

    /// <summary>Every assigned name but <c>w</c>.</summary>
    public Dictionary<string, Variable> Variables { get; }

    public IEnumerable<Variable> States(Rate rate)
        => Variables.Values.Where(v => v.IsState && v.Rate == rate).OrderBy(v => v.FirstAppearance);
}

/// <summary>
/// Resolves names, infers state, rates (per step or per element) and types, and reports every
/// semantic problem. Never throws on any input the parser produced.
/// </summary>
internal sealed class Checker
{
    private readonly Dictionary<string, HostMember> _members;
    private readonly Dialect _dialect;
    private readonly List<Problem> _problems;
    private readonly Dictionary<string, Variable> _variables = new();

    private Checker(Dialect dialect, IEnumerable<HostMember> members, List<Problem> problems)
    {
        _dialect = dialect;
        _members = new Dictionary<string, HostMember>();
        foreach (HostMember member in members)
        {
            _members[member.Name] = member;
        }

        _problems = problems;
    }

    public static CheckedSpec Check(string text, List<Statement> statements, IEnumerable<HostMember> members, List<Problem> problems)
        => Check(Dialect.Optimizer, text, statements, members, problems);

    public static CheckedSpec Check(Dialect dialect, string text, List<Statement> statements, IEnumerable<HostMember> members, List<Problem> problems)
        => new Checker(dialect, members, problems).Run(text, statements);

    private bool IsHyperparameter(string name) => _members.TryGetValue(name, out HostMember? member) && member.IsHyperparameter;

    private CheckedSpec Run(string text, List<Statement> all)
    {
        List<Statement> updates = all.Where(s => !s.IsInitializer).ToList();
        CollectTargets(updates);
        ResolveReads(updates);
        InferRates(updates);
        InferTypes(updates);
        CheckInitializers(all.Where(s => s.IsInitializer));
        CheckParameterUpdated(text, updates);
        ReportUnused(updates);
        return new CheckedSpec(updates, _variables, new HashSet<string>(_members.Values.Where(m => m.IsHyperparameter && m.IsCondition).Select(m => m.Name)));
    }

    // Every name a statement assigns, and the assignments that are not allowed.
    private void CollectTargets(List<Statement> updates)
    {
        foreach (Statement statement in updates)
        {
            string target = statement.Target;
            if (_dialect.IsReadOnlyInput(target))
            {
                Report(ProblemKind.AssignmentToBuiltIn, statement.TargetSpan, target, target == _dialect.StepName ? "the step number" : "the gradient");
            }
            else if (_members.TryGetValue(target, out HostMember? member))
            {
                Report(ProblemKind.AssignmentToHyperparameter, statement.TargetSpan, target, member.IsHyperparameter ? "a hyperparameter" : member.Description);
            }
            else if (!IsBuiltInOutput(target) && !_variables.ContainsKey(target))
            {
                _variables[target] = new Variable(target) { FirstAssignment = statement.TargetSpan };
            }
        }
    }

    // Which names are state (read before the step assigns them); unknown names and bad calls.
    private void ResolveReads(List<Statement> updates)
    {
        var assignedSoFar = new HashSet<string>();
        int position = 0;
        foreach (Statement statement in updates)
        {
            foreach (Expr node in Walk(statement.Value))
            {
                switch (node)
                {
                    case NameExpr name:
                        ResolveName(name, assignedSoFar, position++);
                        break;
                    case CallExpr call:
                        CheckCall(call);
                        break;
                }
            }

            if (_variables.TryGetValue(statement.Target, out Variable? variable))
            {
                variable.FirstAppearance = System.Math.Min(variable.FirstAppearance, position++);
                assignedSoFar.Add(statement.Target);
            }
        }
    }

    private void ResolveName(NameExpr name, HashSet<string> assignedSoFar, int position)
    {
        if (_dialect.IsBuiltIn(name.Name) || IsHyperparameter(name.Name))
        {
            return;
        }

        if (_members.TryGetValue(name.Name, out HostMember? member))
        {
            Report(ProblemKind.HyperparameterNotFloat, name.Span, name.Name, member.Description);
        }
        else if (_variables.TryGetValue(name.Name, out Variable? variable))
        {
            variable.FirstAppearance = System.Math.Min(variable.FirstAppearance, position);
            if (!assignedSoFar.Contains(name.Name))
            {
                if (!_dialect.AllowsState && !variable.IsState)
                {
                    Report(ProblemKind.StateNotAllowed, name.Span, name.Name);
                }

                variable.IsState = true;
            }
        }
        else
        {
            string? suggestion = Suggestions.Closest(name.Name, KnownNames());
            Report(ProblemKind.UnknownName, name.Span, name.Name,
                suggestion is null ? KnownNamesHint() : $"did you mean '{suggestion}'?");
        }
    }

    private void CheckCall(CallExpr call)
    {
        if (!Language.Functions.TryGetValue(call.Function, out int arity))
        {
            string? suggestion = Suggestions.Closest(call.Function, Language.Functions.Keys);
            Report(ProblemKind.UnknownFunction, call.NameSpan, call.Function,
                suggestion is null ? "the functions are " + string.Join(", ", Language.Functions.Keys) : $"did you mean '{suggestion}'?");
        }
        else if (call.Arguments.Count != arity)
        {
            Report(ProblemKind.WrongArgumentCount, call.Span, call.Function, arity.ToString(), call.Arguments.Count.ToString());
        }
    }

    private IEnumerable<string> KnownNames()
        => _dialect.BuiltIns
            .Concat(_members.Values.Where(m => m.IsHyperparameter).Select(m => m.Name))
            .Concat(_variables.Keys);

    private string KnownNamesHint()
    {
        string hyperparameters = string.Join(", ", _members.Values.Where(m => m.IsHyperparameter).Select(m => m.Name).OrderBy(n => n, System.StringComparer.Ordinal));
        return $"names are {string.Join(", ", _dialect.BuiltIns)}, the struct's float properties"
            + (hyperparameters.Length > 0 ? $" ({hyperparameters})" : string.Empty)
            + " and names the equations assign";
    }

    // Per element if anything per element flows into it, to a fixed point (state can feed itself).
    private void InferRates(List<Statement> updates)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Statement statement in updates)
            {
                if (_variables.TryGetValue(statement.Target, out Variable? variable)
                    && variable.Rate == Rate.PerStep
                    && RateOf(statement.Value) == Rate.PerElement)
                {
                    variable.Rate = Rate.PerElement;
                    changed = true;
                }
            }
        }
    }

    private Rate RateOf(Expr expr) => RateOf(expr, _dialect, _variables);

    /// <summary>Per element if the expression reads a per-element built-in or name; otherwise per step.</summary>
    public static Rate RateOf(Expr expr, Dialect dialect, IReadOnlyDictionary<string, Variable> variables)
    {
        foreach (Expr node in Walk(expr))
        {
            if (node is NameExpr name
                && (dialect.IsElementBuiltIn(name.Name)
                    || (variables.TryGetValue(name.Name, out Variable? variable) && variable.Rate == Rate.PerElement)))
            {
                return Rate.PerElement;
            }
        }

        return Rate.PerStep;
    }

    private void InferTypes(List<Statement> updates)
    {
        var typed = new HashSet<string>();
        foreach (Statement statement in updates)
        {
            ValueType type = TypeOf(statement.Value);
            if (IsBuiltInOutput(statement.Target) || !_variables.TryGetValue(statement.Target, out Variable? variable))
            {
                if (IsBuiltInOutput(statement.Target))
                {
                    RequireNumber(statement.Value, type, $"'{statement.Target}'");
                }

                continue;
            }

            if (variable.IsState)
            {
                RequireNumber(statement.Value, type, $"state '{variable.Name}'");
            }
            else if (typed.Add(variable.Name))
            {
                variable.Type = type;
            }
            else if (variable.Type != type)
            {
                Report(ProblemKind.TypeMismatch, statement.Value.Span,
                    $"'{variable.Name}' was first assigned a {Describe(variable.Type)}, here a {Describe(type)}");
            }
        }
    }

    private void RequireNumber(Expr expr, ValueType type, string what)
    {
        if (type == ValueType.Condition)
        {
            Report(ProblemKind.TypeMismatch, expr.Span, $"{what} must be a number, not a condition; use if(condition, a, b) to choose a number");
        }
    }

    // The type of an expression; reports operands of the wrong type once, where they are.
    private ValueType TypeOf(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr:
                return ValueType.Number;
            case NameExpr name:
                if (_members.TryGetValue(name.Name, out HostMember? member) && member.IsHyperparameter)
                {
                    return member.IsCondition ? ValueType.Condition : ValueType.Number;
                }

                return _variables.TryGetValue(name.Name, out Variable? variable) ? variable.Type : ValueType.Number;
            case NegateExpr negate:
                ExpectNumber(negate.Operand, "'-'");
                return ValueType.Number;
            case BinaryExpr binary:
                ExpectNumber(binary.Left, $"'{Printer.Symbol(binary.Operator)}'");
                ExpectNumber(binary.Right, $"'{Printer.Symbol(binary.Operator)}'");
                return binary.Operator >= BinaryOperator.Less ? ValueType.Condition : ValueType.Number;
            case CallExpr call:
                foreach (Expr argument in call.Arguments)
                {
                    ExpectNumber(argument, $"{call.Function}()");
                }

                return ValueType.Number;
            case ConditionalExpr conditional:
                if (TypeOf(conditional.Condition) != ValueType.Condition)
                {
                    Report(ProblemKind.TypeMismatch, conditional.Condition.Span, "the first argument of if(condition, a, b) must be a comparison such as 'g > 0'");
                }

                ExpectNumber(conditional.WhenTrue, "if()");
                ExpectNumber(conditional.WhenFalse, "if()");
                return ValueType.Number;
            default:
                return ValueType.Number;
        }
    }

    private void ExpectNumber(Expr operand, string user)
    {
        if (TypeOf(operand) == ValueType.Condition)
        {
            Report(ProblemKind.TypeMismatch, operand.Span, $"{user} needs a number here, not a condition; use if(condition, a, b)");
        }
    }

    private void CheckInitializers(IEnumerable<Statement> initializers)
    {
        foreach (Statement init in initializers)
        {
            if (!_variables.TryGetValue(init.Target, out Variable? variable) || !variable.IsState)
            {
                Report(ProblemKind.InvalidInitialValue, init.TargetSpan,
                    $"'{init.Target}' is not state: only a name the equations read before they assign it keeps a value between steps");
                continue;
            }

            if (variable.Initializer is not null)
            {
                Report(ProblemKind.InvalidInitialValue, init.TargetSpan, $"'{init.Target}' already has an initial value");
                continue;
            }

            bool valid = true;
            foreach (Expr node in Walk(init.Value))
            {
                if (node is NameExpr name && !IsHyperparameter(name.Name))
                {
                    Report(ProblemKind.InvalidInitialValue, name.Span,
                        $"an initial value may use only numbers and hyperparameters, not '{name.Name}'");
                    valid = false;
                }
                else if (node is CallExpr call)
                {
                    CheckCall(call);
                }
            }

            if (valid && TypeOf(init.Value) == ValueType.Number)
            {
                variable.Initializer = init.Value;
            }
        }
    }

    private void CheckParameterUpdated(string text, List<Statement> updates)
    {
        if (!updates.Any(s => s.Target == _dialect.Output))
        {
            // No statement to point at: mark the equations themselves, trimmed of surrounding blank space.
            int start = 0;
            int end = text.Length;
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            Report(ProblemKind.ParameterNeverUpdated, new EquationSpan(start, end - start), _dialect.Output, _dialect.ExampleOutput);
        }
    }

    // A name is used if it feeds w, directly or through other names, in this step or a later one.
    private void ReportUnused(List<Statement> updates)
    {
        var live = new HashSet<string> { _dialect.Output };
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Statement statement in updates)
            {
                if (!live.Contains(statement.Target))
                {
                    continue;
                }

                foreach (Expr node in Walk(statement.Value))
                {
                    if (node is NameExpr name && live.Add(name.Name))
                    {
                        changed = true;
                    }
                }
            }
        }

        foreach (Variable variable in _variables.Values.OrderBy(v => v.FirstAssignment.Start))
        {
            if (!live.Contains(variable.Name) && variable.Name != _dialect.Output)
            {
                Report(ProblemKind.UnusedVariable, variable.FirstAssignment, variable.Name, _dialect.Output);
            }
        }
    }

    private bool IsBuiltInOutput(string name) => _dialect.OutputIsBuiltIn && name == _dialect.Output;

    private static string Describe(ValueType type) => type == ValueType.Number ? "number" : "condition";

    private void Report(ProblemKind kind, EquationSpan span, params string[] arguments)
        => _problems.Add(Problem.Create(kind, span, arguments));

    /// <summary>Every node of the tree, parents before children, left to right.</summary>
    public static IEnumerable<Expr> Walk(Expr expr)
    {
        var stack = new Stack<Expr>();
        stack.Push(expr);
        while (stack.Count > 0)
        {
            Expr node = stack.Pop();
            yield return node;
            switch (node)
            {
                case NegateExpr negate:
                    stack.Push(negate.Operand);
                    break;
                case BinaryExpr binary:
                    stack.Push(binary.Right);
                    stack.Push(binary.Left);
                    break;
                case CallExpr call:
                    for (int i = call.Arguments.Count - 1; i >= 0; i--)
                    {
                        stack.Push(call.Arguments[i]);
                    }

                    break;
                case ConditionalExpr conditional:
                    stack.Push(conditional.WhenFalse);
                    stack.Push(conditional.WhenTrue);
                    stack.Push(conditional.Condition);
                    break;
            }
        }
    }
}
