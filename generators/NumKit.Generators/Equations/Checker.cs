using System.Collections.Generic;
using System.Linq;
using NumKit.Generators.Helpers;

namespace NumKit.Generators.Equations;

/// <summary>A member of the optimizer struct, as the checker sees it: a public float (or bool) property is a hyperparameter.</summary>
/// <param name="Name">The member's name.</param>
/// <param name="IsHyperparameter">Whether it is a public, readable float or bool property.</param>
/// <param name="Description">What it is, for messages when it is not a hyperparameter (such as "a double property").</param>
/// <param name="IsCondition">Whether it is a bool property: a per-step condition, as in <c>if(Maximize, -g, g)</c>.</param>
internal sealed record HostMember(string Name, bool IsHyperparameter, string Description, bool IsCondition = false);

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
    public TypedExpr? Initializer { get; set; }
}

/// <summary>The result of checking a spec: its update statements and what every name is.</summary>
internal sealed class CheckedSpec
{
    public CheckedSpec(Dialect dialect, List<TypedStatement> statements, Dictionary<string, Variable> variables)
    {
        Dialect = dialect;
        Statements = statements;
        Variables = variables;
    }

    /// <summary>Which use of the language the spec is: an optimizer or a schedule.</summary>
    public Dialect Dialect { get; }

    /// <summary>The update statements, in order (initializers removed), every node typed.</summary>
    public List<TypedStatement> Statements { get; }

    /// <summary>Every assigned name but <c>w</c>.</summary>
    public Dictionary<string, Variable> Variables { get; }

    /// <summary>Where each statement runs when the equations reduce (several passes over the elements); null for one pass.</summary>
    public PassAnalysis? Passes { get; init; }

    public IEnumerable<Variable> States(Rate rate)
        => Variables.Values.Where(v => v.IsState && v.Rate == rate).OrderBy(v => v.FirstAppearance);

    /// <summary>
    /// The state kept as one number per step of each group (the group's scalar state): per-step state, and per-group
    /// state (assigned from a group reduction, as Prodigy's d), in order of first appearance.
    /// </summary>
    public IEnumerable<Variable> ScalarStates()
        => Variables.Values.Where(v => v.IsState && v.Rate is Rate.PerStep or Rate.PerGroup).OrderBy(v => v.FirstAppearance);

    /// <summary>Whether the equations reduce over every tensor of the group (<c>groupsum</c>, ...), so a step runs each pass over the whole group.</summary>
    public bool ReducesOverGroups
        => Statements.Any(s => s.Value.DescendantsAndSelf().OfType<TypedReduction>().Any(r => r.Reduction.Scope == ReductionScope.Group));

    /// <summary>
    /// The period k of the statements that end <c>every k</c> — a whole number or a float hyperparameter,
    /// the same for all of them — or null when no statement is periodic (or the period is invalid).
    /// </summary>
    public TypedExpr? Period { get; set; }
}

/// <summary>
/// Resolves names, infers state, rates (per step or per element) and types, and reports every
/// semantic problem; returns the typed tree, where each node's rate and type are decided once, here.
/// Never throws on any input the parser produced.
/// </summary>
internal sealed class Checker
{
    private readonly Dictionary<string, HostMember> _members;
    private readonly Dialect _dialect;
    private readonly List<Problem> _problems;
    private readonly Dictionary<string, Variable> _variables = new();

    // Set when the parser skipped lines: what they would have said is unknown, so the whole-spec checks
    // ("never assigns w", "never used") and unknown names that a skipped line assigns are not reported.
    private readonly bool _hasSyntaxErrors;
    private readonly ISet<string> _skippedTargets;

    private Checker(Dialect dialect, IEnumerable<HostMember> members, List<Problem> problems, ISet<string>? skippedTargets)
    {
        _hasSyntaxErrors = problems.Any(p => p.IsError);
        _skippedTargets = skippedTargets ?? new HashSet<string>();
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
        => Check(dialect, text, statements, members, problems, null);

    /// <summary>Checks the statements the parser kept; <paramref name="skippedTargets"/> are the names its skipped lines assign.</summary>
    public static CheckedSpec Check(Dialect dialect, string text, List<Statement> statements, IEnumerable<HostMember> members, List<Problem> problems, ISet<string>? skippedTargets)
        => new Checker(dialect, members, problems, skippedTargets).Run(text, statements);

    private bool IsHyperparameter(string name) => _members.TryGetValue(name, out HostMember? member) && member.IsHyperparameter;

    // 'rank' is the tensor's rank in an optimizer, unless the equations assign it or the struct has a member of that name.
    private bool IsRank(string name)
        => name == Language.Rank && _dialect.OutputIsBuiltIn && _dialect.AllowsState && !_members.ContainsKey(name) && !_variables.ContainsKey(name);

    private string _text = string.Empty;

    private CheckedSpec Run(string text, List<Statement> all)
    {
        _text = text;
        List<Statement> written = all.Where(s => !s.IsInitializer).ToList();
        List<Statement> updates = WithoutSelfAssignments(written);
        CollectTargets(updates);
        CollectInitializedOnly(all.Where(s => s.IsInitializer));
        ResolveReads(updates);
        TypedExpr? period = CheckPeriods(updates);
        InferRates(updates.Concat(all.Where(s => s.IsInitializer)).ToList());
        List<TypedStatement> typed = TypeStatements(updates);
        CheckInitializers(all.Where(s => s.IsInitializer));
        foreach (TypedStatement statement in typed)
        {
            CheckConstants(text, statement.Value);
        }

        CheckParameterUpdated(text, written);
        ReportUnused(updates);
        CheckStateRates();
        CheckMatrixUses(typed);
        if (typed.Any(s => s.IsPeriodic))
        {
            foreach (TypedReduction reduction in typed.SelectMany(s => s.Value.DescendantsAndSelf()).OfType<TypedReduction>())
            {
                Report(ProblemKind.ReductionScopeNotSupported, ((CallExpr)reduction.Syntax).NameSpan, reduction.Reduction.Name, "each tensor in equations with 'every k' statements");
            }
        }

        CheckOneScope(typed);
        PassAnalysis? passes = _problems.Any(p => p.IsError) ? null : PassAnalysis.Analyze(typed, _dialect, _problems);
        return new CheckedSpec(_dialect, typed, _variables) { Period = period, Passes = passes };
    }

    // 'x = e every k': one period for the whole rule (a whole number of steps, or a float hyperparameter checked
    // by the kernel on each call), and the periodic statements on consecutive lines, so the kernel runs them as
    // one block that it skips on the other steps, decided once per step.
    private TypedExpr? CheckPeriods(List<Statement> updates)
    {
        Statement? first = null;
        TypedExpr? period = null;
        int previous = -1;
        for (int i = 0; i < updates.Count; i++)
        {
            Statement statement = updates[i];
            if (!statement.IsPeriodic)
            {
                continue;
            }

            if (first is null)
            {
                first = statement;
                period = CheckPeriod(statement.Period!);
            }
            else if (Printer.Print(statement.Period!) != Printer.Print(first.Period!))
            {
                Report(ProblemKind.PeriodicNotOneBlock, statement.Period!.Span,
                    $"a rule has one period: this statement applies 'every {Printer.Print(statement.Period!)}', an earlier one 'every {Printer.Print(first.Period!)}'");
            }
            else if (previous != i - 1)
            {
                Report(ProblemKind.PeriodicNotOneBlock, statement.TargetSpan,
                    $"the statements applied 'every {Printer.Print(first.Period!)}' must be consecutive lines, so they run as one block; move '{statement.Target}' up to the others");
            }

            previous = i;
        }

        return period;
    }

    private TypedExpr? CheckPeriod(Expr period)
    {
        string written = Printer.Print(period);
        string? problem = period switch
        {
            _ when !_dialect.AllowsState => $"a [{_dialect.Attribute}] is a function of the step alone; write the choice with floor({_dialect.StepName} / k)",
            NumberExpr number when number.Value != System.Math.Floor(number.Value) || number.Value < 1 || number.Value > int.MaxValue
                => $"the period is a number of steps: a whole number from 1 to {int.MaxValue}",
            NumberExpr => null,
            NameExpr name when name.Name == _dialect.StepName || _dialect.IsBuiltIn(name.Name) || _variables.ContainsKey(name.Name)
                => $"the period must be the same on every step: a whole number or a hyperparameter, not '{name.Name}', which changes",
            NameExpr name when _members.TryGetValue(name.Name, out HostMember? member) && member.IsHyperparameter
                => member.IsCondition ? $"'{name.Name}' is a condition; the period is a number of steps" : null,
            NameExpr name when _members.TryGetValue(name.Name, out HostMember? member)
                => $"'{name.Name}' is {member.Description}; a period is a whole number or a public float property",
            NameExpr name => $"'{name.Name}' is not a hyperparameter of the struct; a period is a whole number or a public float property",
            _ => "write the period as a whole number or a hyperparameter (compute anything else into a property from C#)",
        };
        if (problem is not null)
        {
            Report(ProblemKind.InvalidPeriod, period.Span, written, problem);
            return null;
        }

        return TypeOf(period);
    }

    // 'm = m' changes nothing (and is C#'s CS1717 in the kernel): one diagnostic, and the statement is
    // otherwise ignored, with its name treated as assigned so no "unknown name" follows from it.
    private List<Statement> WithoutSelfAssignments(List<Statement> updates)
    {
        var kept = new List<Statement>();
        foreach (Statement statement in updates)
        {
            if (statement.Value is NameExpr name && name.Name == statement.Target)
            {
                Report(ProblemKind.SelfAssignment, statement.Span, statement.Target);
                _skippedTargets.Add(statement.Target);
            }
            else
            {
                kept.Add(statement);
            }
        }

        return kept;
    }

    // Constant arithmetic without a finite value (g / 0, sqrt(-1), log(0)) would be NaN or infinite on every step.
    private void CheckConstants(string text, TypedExpr expr)
    {
        foreach (Constants.Finding finding in Constants.Check(expr))
        {
            EquationSpan span = finding.Node.Syntax.Span;
            string written = span.Start >= 0 && span.Start + span.Length <= text.Length ? text.Substring(span.Start, span.Length) : Printer.Print(finding.Node.Syntax);
            Report(ProblemKind.ConstantNotFinite, span, written, finding.Reason);
        }
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

    // A name only an initializer assigns is state that never changes after it starts (Prodigy's x0 = w).
    private void CollectInitializedOnly(IEnumerable<Statement> initializers)
    {
        foreach (Statement init in initializers)
        {
            if (!_dialect.IsBuiltIn(init.Target) && !_members.ContainsKey(init.Target) && !_variables.ContainsKey(init.Target))
            {
                _variables[init.Target] = new Variable(init.Target) { FirstAssignment = init.TargetSpan };
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
            foreach (Expr node in statement.Value.DescendantsAndSelf())
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
                // 'x = e every k' keeps x on the other steps, so it reads x: state unless this step assigned it already.
                if (statement.IsPeriodic && _dialect.AllowsState && !assignedSoFar.Contains(statement.Target))
                {
                    variable.IsState = true;
                }

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
        else if (IsRank(name.Name))
        {
            // the tensor's rank: known to rules over rows and columns (CheckMatrixUses)
        }
        else if (!_skippedTargets.Contains(name.Name))
        {
            string? suggestion = Suggestions.Closest(name.Name, KnownNames());
            Report(ProblemKind.UnknownName, name.Span, name.Name,
                suggestion is null ? KnownNamesHint() : $"did you mean '{suggestion}'?");
        }
    }

    private void CheckCall(CallExpr call)
    {
        int arity = 1;
        if (!Reductions.TryGet(call.Function, out _) && !Functions.TryGetArity(call.Function, out arity))
        {
            string? suggestion = Suggestions.Closest(call.Function, Functions.Names.Concat(Reductions.Names));
            Report(ProblemKind.UnknownFunction, call.NameSpan, call.Function,
                suggestion is null ? "the functions are " + string.Join(", ", Functions.Names) + "; the reductions " + string.Join(", ", Reductions.Names) : $"did you mean '{suggestion}'?");
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

    // The finest rate of anything that flows into a name, to a fixed point (state can feed itself); a
    // state that starts from w (its initializer is among the statements) is per element too.
    private void InferRates(List<Statement> updates)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Statement statement in updates)
            {
                if (_variables.TryGetValue(statement.Target, out Variable? variable))
                {
                    Rate joined = Rates.Join(variable.Rate, RateOf(statement.Value));
                    if (joined != variable.Rate)
                    {
                        variable.Rate = joined;
                        changed = true;
                    }
                }
            }
        }
    }

    // The join of the rates of what the expression reads: per-element built-ins and names at their rate, a
    // reduction at its scope's rate (whatever its argument reads), everything else per step.
    private Rate RateOf(Expr expr)
    {
        switch (expr)
        {
            case NameExpr name when _dialect.IsElementBuiltIn(name.Name):
                return Rate.PerElement;
            case NameExpr name when _variables.TryGetValue(name.Name, out Variable? variable):
                return variable.Rate;
            case NameExpr name when IsRank(name.Name):
                return Rate.PerTensor;
            case CallExpr call when Reductions.TryGet(call.Function, out Reduction reduction):
                // Over each matrix's rows (columns) of a per-row (per-column) value: read per row (column).
                return reduction.Scope == ReductionScope.Tensor && call.Arguments.Count == 1 && RateOf(call.Arguments[0]) is Rate.PerRow or Rate.PerColumn
                    ? RateOf(call.Arguments[0])
                    : reduction.Rate;
            case NegateExpr negate:
                return RateOf(negate.Operand);
            case BinaryExpr binary:
                return Rates.Join(RateOf(binary.Left), RateOf(binary.Right));
            case CallExpr call:
                return call.Arguments.Aggregate(Rate.PerStep, (rate, argument) => Rates.Join(rate, RateOf(argument)));
            case ConditionalExpr conditional:
                return Rates.Join(RateOf(conditional.Condition), Rates.Join(RateOf(conditional.WhenTrue), RateOf(conditional.WhenFalse)));
            default:
                return Rate.PerStep;
        }
    }

    // Types every statement, in order: a temporary takes the type of its first assignment.
    private List<TypedStatement> TypeStatements(List<Statement> updates)
    {
        var result = new List<TypedStatement>();
        var typed = new HashSet<string>();
        foreach (Statement statement in updates)
        {
            TypedExpr value = TypeOf(statement.Value);
            ValueType type = value.Type;
            if (IsBuiltInOutput(statement.Target) || !_variables.TryGetValue(statement.Target, out Variable? variable))
            {
                if (IsBuiltInOutput(statement.Target))
                {
                    RequireNumber(statement.Value, type, $"'{statement.Target}'");
                }

                result.Add(new TypedStatement(statement.Target, null, value, statement.Text, statement.IsPeriodic, statement.TargetSpan));
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

            result.Add(new TypedStatement(statement.Target, variable, value, statement.Text, statement.IsPeriodic, statement.TargetSpan));
        }

        return result;
    }

    private void RequireNumber(Expr expr, ValueType type, string what)
    {
        if (type == ValueType.Condition)
        {
            Report(ProblemKind.TypeMismatch, expr.Span, $"{what} must be a number, not a condition; use if(condition, a, b) to choose a number");
        }
    }

    // The typed tree of an expression; reports operands of the wrong type once, where they are.
    private TypedExpr TypeOf(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr number:
                return new TypedNumber(number.Value, expr);
            case NameExpr name:
                return TypeOfName(name);
            case NegateExpr negate:
                TypedExpr operand = ExpectNumber(negate.Operand, "'-'");
                return new TypedNegate(operand, operand.Rate, expr);
            case BinaryExpr binary:
                TypedExpr left = ExpectNumber(binary.Left, $"'{Printer.Symbol(binary.Operator)}'");
                TypedExpr right = ExpectNumber(binary.Right, $"'{Printer.Symbol(binary.Operator)}'");
                Rate rate = RateOf(left, right);
                if (binary.Operator == BinaryOperator.Power)
                {
                    (PowerForm form, int whole) = FormOfPower(binary.Right);
                    return new TypedPower(left, right, form, whole, rate, expr);
                }

                return new TypedBinary(binary.Operator, left, right, rate,
                    binary.Operator >= BinaryOperator.Less ? ValueType.Condition : ValueType.Number, expr);
            case CallExpr call when Reductions.TryGet(call.Function, out Reduction reduction):
                return TypeOfReduction(call, reduction);
            case CallExpr call:
                var arguments = new List<TypedExpr>();
                foreach (Expr argument in call.Arguments)
                {
                    arguments.Add(ExpectNumber(argument, $"{call.Function}()"));
                }

                return new TypedCall(call.Function, arguments.ToEquatableArray(), RateOf(arguments.ToArray()), expr);
            case ConditionalExpr conditional:
                TypedExpr condition = TypeOf(conditional.Condition);
                if (condition.Type != ValueType.Condition)
                {
                    Report(ProblemKind.TypeMismatch, conditional.Condition.Span, "the first argument of if(condition, a, b) must be a comparison such as 'g > 0'");
                }

                TypedExpr whenTrue = ExpectNumber(conditional.WhenTrue, "if()");
                TypedExpr whenFalse = ExpectNumber(conditional.WhenFalse, "if()");
                return new TypedConditional(condition, whenTrue, whenFalse, RateOf(condition, whenTrue, whenFalse), expr);
            default:
                return new TypedNumber(double.NaN, expr);
        }
    }

    // The built-ins first, as name resolution has them: a property named like one does not hide it.
    private TypedExpr TypeOfName(NameExpr name)
    {
        if (_dialect.IsElementBuiltIn(name.Name))
        {
            return new TypedName(name.Name, NameKind.ElementInput, Rate.PerElement, ValueType.Number, name);
        }

        if (name.Name == _dialect.StepName)
        {
            return new TypedName(name.Name, NameKind.StepNumber, Rate.PerStep, ValueType.Number, name);
        }

        if (_members.TryGetValue(name.Name, out HostMember? member) && member.IsHyperparameter)
        {
            return new TypedName(name.Name, NameKind.Hyperparameter, Rate.PerStep, member.IsCondition ? ValueType.Condition : ValueType.Number, name);
        }

        if (_variables.TryGetValue(name.Name, out Variable? variable))
        {
            return new TypedName(name.Name, NameKind.Variable, variable.Rate, variable.Type, name);
        }

        if (IsRank(name.Name))
        {
            return new TypedName(name.Name, NameKind.TensorRank, Rate.PerTensor, ValueType.Number, name);
        }

        return new TypedName(name.Name, NameKind.Unresolved, Rate.PerStep, ValueType.Number, name);
    }

    private static Rate RateOf(params TypedExpr[] operands)
        => operands.Aggregate(Rate.PerStep, (rate, operand) => Rates.Join(rate, operand.Rate));

    // A reduction runs over per-element values; its result has its scope's rate.
    private TypedExpr TypeOfReduction(CallExpr call, Reduction reduction)
    {
        if (call.Arguments.Count != 1)
        {
            return new TypedReduction(reduction, new TypedNumber(double.NaN, call), call);
        }

        TypedExpr argument = ExpectNumber(call.Arguments[0], $"{call.Function}()");
        bool overLines = reduction.Scope == ReductionScope.Tensor && argument.Rate is Rate.PerRow or Rate.PerColumn;
        if (overLines && argument.DescendantsAndSelf().OfType<TypedReduction>().FirstOrDefault() is { } inner)
        {
            Report(ProblemKind.NestedReduction, call.Span, Printer.Print(call), Printer.Print(inner.Syntax));
        }
        else if (argument.Rate != Rate.PerElement && !overLines)
        {
            Report(ProblemKind.ReductionOfNonElement, call.Span, call.Function, Printer.Print(call.Arguments[0]), Rates.Describe(argument.Rate));
        }

        return new TypedReduction(reduction, argument, call);
    }

    // x^n with a small whole n (a literal, or a negated one) is a product; x^0.5 is a square root.
    private static (PowerForm Form, int Whole) FormOfPower(Expr exponent)
    {
        double? value = exponent switch
        {
            NumberExpr number => number.Value,
            NegateExpr { Operand: NumberExpr number } => -number.Value,
            _ => null,
        };
        if (value is double v && v == System.Math.Floor(v) && System.Math.Abs(v) <= 64)
        {
            return (PowerForm.Whole, (int)v);
        }

        return exponent is NumberExpr { Value: 0.5 } ? (PowerForm.SquareRoot, 0) : (PowerForm.General, 0);
    }

    private TypedExpr ExpectNumber(Expr operand, string user)
    {
        TypedExpr typed = TypeOf(operand);
        if (typed.Type == ValueType.Condition)
        {
            Report(ProblemKind.TypeMismatch, operand.Span, $"{user} needs a number here, not a condition; use if(condition, a, b)");
        }

        return typed;
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

            if (variable.Rate is Rate.PerRow or Rate.PerColumn)
            {
                Report(ProblemKind.MatrixStateInitialValue, init.TargetSpan, init.Target, Rates.Describe(variable.Rate));
                continue;
            }

            // An optimizer's state may also start from the parameter (Lookahead's slow weights, Prodigy's x0):
            // set from w on the first step, so only a per-element state can.
            bool valid = true;
            string allowed = _dialect.OutputIsBuiltIn ? "numbers, hyperparameters and " + _dialect.Output : "numbers and hyperparameters";
            foreach (Expr node in init.Value.DescendantsAndSelf())
            {
                bool isParameter = node is NameExpr { Name: var parameter } && _dialect.OutputIsBuiltIn && parameter == _dialect.Output;
                if (node is NameExpr name && !IsHyperparameter(name.Name) && !isParameter)
                {
                    Report(ProblemKind.InvalidInitialValue, name.Span,
                        $"an initial value may use only {allowed}, not '{name.Name}'");
                    valid = false;
                }
                else if (isParameter && variable.Rate != Rate.PerElement)
                {
                    Report(ProblemKind.InvalidInitialValue, node.Span,
                        $"'{init.Target}' is one number per step, so it cannot start from '{_dialect.Output}', which is one value per element");
                    valid = false;
                }
                else if (node is CallExpr reduction && Reductions.TryGet(reduction.Function, out _))
                {
                    Report(ProblemKind.InvalidInitialValue, reduction.Span,
                        $"an initial value may use only {allowed}, not the reduction '{reduction.Function}'");
                    valid = false;
                }
                else if (node is CallExpr call)
                {
                    CheckCall(call);
                }
            }

            if (valid && TypeOf(init.Value) is { Type: ValueType.Number } initial)
            {
                variable.Initializer = initial;
                CheckConstants(_text, initial);
            }
        }
    }

    private void CheckParameterUpdated(string text, List<Statement> updates)
    {
        if (!_hasSyntaxErrors && !updates.Any(s => s.Target == _dialect.Output))
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
        if (_hasSyntaxErrors)
        {
            return;
        }

        var live = new HashSet<string> { _dialect.Output };
        foreach (Statement kept in updates.Where(s => s.IsKept))
        {
            if (_variables.TryGetValue(kept.Target, out Variable? variable) && variable.IsState)
            {
                live.Add(kept.Target);
            }
            else if (!IsBuiltInOutput(kept.Target))
            {
                Report(ProblemKind.KeptNotState, kept.TargetSpan, kept.Target);
            }
        }

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

                foreach (Expr node in statement.Value.DescendantsAndSelf())
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

    // A group reduction runs pass by pass over every tensor of the group, a tensor (row, column) reduction over each
    // tensor in turn: one rule reduces over one of the two, so its passes have one order (NK0036).
    private void CheckOneScope(List<TypedStatement> typed)
    {
        List<TypedReduction> reductions = typed.SelectMany(s => s.Value.DescendantsAndSelf()).OfType<TypedReduction>().ToList();
        TypedReduction? group = reductions.FirstOrDefault(r => r.Reduction.Scope == ReductionScope.Group);
        if (group is null)
        {
            return;
        }

        foreach (TypedReduction other in reductions.Where(r => r.Reduction.Scope != ReductionScope.Group))
        {
            Report(ProblemKind.GroupAndTensorReductions, ((CallExpr)other.Syntax).NameSpan, other.Reduction.Name, group.Reduction.Name);
        }
    }

    // State is kept per element, per step or per group (one number of each group: the group's scalar state, which
    // Prodigy's d is), per row or per column (kept per tensor by the optimizer); a state computed from a per-tensor value
    // has no place to be kept yet.
    private void CheckStateRates()
    {
        foreach (Variable variable in _variables.Values.Where(v => v.IsState && v.Rate is not (Rate.PerStep or Rate.PerElement or Rate.PerGroup or Rate.PerRow or Rate.PerColumn)).OrderBy(v => v.FirstAssignment.Start))
        {
            Report(ProblemKind.StateRateNotSupported, variable.FirstAssignment, variable.Name, Rates.Describe(variable.Rate));
        }
    }

    // 'rank' needs the tensors' shapes, which a step passes only to rules over rows and columns; a per-row or
    // per-column name holds numbers (its values sit in the element type between passes).
    private void CheckMatrixUses(List<TypedStatement> typed)
    {
        List<TypedExpr> nodes = typed.SelectMany(s => s.Value.DescendantsAndSelf()).ToList();
        bool overLines = nodes.OfType<TypedReduction>().Any(r => r.Reduction.Scope is ReductionScope.Row or ReductionScope.Column);
        if (!overLines)
        {
            foreach (TypedName rank in nodes.OfType<TypedName>().Where(n => n.Kind == NameKind.TensorRank))
            {
                Report(ProblemKind.RankWithoutMatrices, rank.Syntax.Span);
            }
        }

        foreach (TypedStatement statement in typed.Where(s => s.Variable is { Type: ValueType.Condition, Rate: Rate.PerRow or Rate.PerColumn }))
        {
            Report(ProblemKind.MatrixCondition, statement.TargetSpan, statement.Target, statement.Variable!.Rate == Rate.PerRow ? "row" : "column");
        }
    }

    private bool IsBuiltInOutput(string name) => _dialect.OutputIsBuiltIn && name == _dialect.Output;

    private static string Describe(ValueType type) => type == ValueType.Number ? "number" : "condition";

    private void Report(ProblemKind kind, EquationSpan span, params string[] arguments)
        => _problems.Add(Problem.Create(kind, span, arguments));
}
