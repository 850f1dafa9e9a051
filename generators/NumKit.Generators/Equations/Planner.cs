using System.Collections.Generic;
using System.Linq;
using NumKit.Generators.Helpers;
using NumKit.Generators.Model;

namespace NumKit.Generators.Equations;

/// <summary>
/// Lowers a checked spec to a <see cref="RulePlan"/>: per-step statements move before the loop (each
/// assignment of a per-step name is a new version of it, so a statement sees the value as of its
/// place in the equations), and every per-step subexpression of a per-element statement is hoisted
/// into a value computed once per step. Reads the checker's rates and types; decides nothing about
/// them, and writes no C#.
/// </summary>
internal sealed class Planner
{
    private readonly CheckedSpec _spec;
    private readonly Dialect _dialect;
    private readonly Dictionary<string, int> _currentVersion = new();
    private readonly List<string> _hyperparameters = new();
    private List<HoistedValue> _hoisted = new();
    private readonly Dictionary<TypedReduction, int> _reductionIndex = new(new ReferenceEquality<TypedReduction>());
    private readonly List<MatrixValueSlot> _rowValues = new();
    private readonly List<MatrixValueSlot> _columnValues = new();

    private Planner(CheckedSpec spec)
    {
        _spec = spec;
        _dialect = spec.Dialect;
    }

    /// <summary>Plans a checked spec of either dialect; the spec must have no errors.</summary>
    public static RulePlan Plan(CheckedSpec spec) => new Planner(spec).Run();

    private RulePlan Run()
    {
        if (_spec.Passes is not null)
        {
            return RunPasses(_spec.Passes);
        }

        // Before the loop, a per-step state's current version is last step's value.
        foreach (Variable state in _spec.States(Rate.PerStep))
        {
            _currentVersion[state.Name] = 0;
        }

        var stepAssignments = new List<StepAssignment>();
        var elementAssignments = new List<ElementAssignment>();
        var declared = new HashSet<string>();

        // A state that starts from the parameter takes its value on step 1, before any statement changes w.
        foreach (Variable state in _spec.States(Rate.PerElement).Where(StartsFromParameter))
        {
            PlanExpr first = Hoist(new PlanBinary(BinaryOperator.Equal, new PlanStepNumber(_dialect.StepName), new PlanConstant(1)), _dialect.StepName + " == 1", isCondition: true);
            PlanExpr start = new PlanChoose(first, LowerElement(state.Initializer!), new PlanElementValue(state.Name));
            elementAssignments.Add(new ElementAssignment(state.Name, false, start, $"{Language.Init} {state.Name} = {Printer.Print(state.Initializer!.Syntax)} (on step 1)"));
        }

        foreach (TypedStatement statement in _spec.Statements)
        {
            Variable? variable = statement.Variable;
            if (variable is { Rate: Rate.PerStep })
            {
                PlanExpr value = LowerStep(statement.Value);
                _currentVersion.TryGetValue(statement.Target, out int version);

                // 'x = e every k' per step: chosen once per step, x keeps its value on the other steps.
                if (statement.IsPeriodic)
                {
                    value = new PlanChoose(new PlanDue(), value, new PlanStepValue(statement.Target, version));
                }

                _currentVersion[statement.Target] = ++version;
                stepAssignments.Add(new StepAssignment(statement.Target, version, value, statement.Text, variable.Type == ValueType.Condition));
            }
            else
            {
                bool declares = variable is { IsState: false } && declared.Add(statement.Target);
                elementAssignments.Add(new ElementAssignment(statement.Target, declares, LowerElement(statement.Value), statement.Text, statement.IsPeriodic));
            }
        }

        return new RulePlan(
            Names(),
            Slots(Rate.PerElement),
            Slots(Rate.PerStep),
            _hyperparameters.Select(h => new HyperparameterRead(h, IsConditionHyperparameter(h))).ToEquatableArray(),
            stepAssignments.ToEquatableArray(),
            _hoisted.ToEquatableArray(),
            elementAssignments.ToEquatableArray(),
            _spec.States(Rate.PerStep)
                .Where(s => _currentVersion[s.Name] != 0)
                .Select(s => new ScalarStateWrite(s.Name, _currentVersion[s.Name]))
                .ToEquatableArray(),
            _dialect.OutputIsBuiltIn ? null : new PlanStepValue(_dialect.Output, _currentVersion[_dialect.Output]),
            _spec.Period is null ? null : new PeriodicSchedule(LowerStep(_spec.Period, initializer: true), Printer.Print(_spec.Period.Syntax)));
    }

    // Equations with reductions: per-step statements before the passes as for one pass; then each pass's
    // per-element statements (and the temporaries it recomputes), its accumulations at their statements'
    // places, and the values between passes computed after it. A statement reads every name at the version
    // its place in the text gives it, whichever pass runs it.
    private RulePlan RunPasses(PassAnalysis passes)
    {
        foreach (Variable state in _spec.ScalarStates())
        {
            _currentVersion[state.Name] = 0;
        }

        // A per-row or per-column state's incoming value has its slot, as every version of it does.
        foreach (Variable state in _spec.States(Rate.PerRow).Concat(_spec.States(Rate.PerColumn)))
        {
            _currentVersion[state.Name] = 0;
            MatrixSlot(state.Rate == Rate.PerColumn, new MatrixValueSlot(-1, state.Name, 0));
        }

        List<TypedStatement> statements = _spec.Statements;
        var versionsAt = new Dictionary<string, int>[statements.Count];
        var versionOf = new int[statements.Count];
        var stepAssignments = new List<StepAssignment>();
        var tensorAssignments = new List<StepAssignment>();
        for (int i = 0; i < statements.Count; i++)
        {
            versionsAt[i] = new Dictionary<string, int>(_currentVersion);
            Variable? variable = statements[i].Variable;
            if (variable is null || variable.Rate == Rate.PerElement)
            {
                continue;
            }

            // A value between passes that reads no reduction (a per-group state's old value times a hyperparameter:
            // Prodigy's d·lr) is known before the first pass, so it is computed with the per-step statements; a per-tensor
            // one (factored = rank >= 2, in a rule over rows and columns) before each pass, where the tensor's shape is known.
            bool beforePasses = variable.Rate == Rate.PerTensor && passes.PassOf(i) == 0;
            PlanExpr? value = variable.Rate == Rate.PerStep || passes.PassOf(i) == 0 ? LowerStep(statements[i].Value) : null;
            _currentVersion.TryGetValue(statements[i].Target, out int version);
            _currentVersion[statements[i].Target] = versionOf[i] = ++version;
            if (beforePasses)
            {
                tensorAssignments.Add(new StepAssignment(statements[i].Target, version, value!, statements[i].Text, variable.Type == ValueType.Condition, Rate.PerTensor));
            }
            else if (value is not null)
            {
                stepAssignments.Add(new StepAssignment(statements[i].Target, version, value, statements[i].Text, variable.Type == ValueType.Condition));
            }
        }

        Dictionary<string, int> finalVersions = new(_currentVersion);
        var reductions = new List<ReductionSlot>();
        var reductionArguments = new List<(int Pass, string Function, PlanExpr Argument)>();
        var plans = new List<PassPlan>();
        for (int pass = 1; pass <= passes.PassCount; pass++)
        {
            _hoisted = new List<HoistedValue>();
            var assignments = new List<ElementAssignment>();
            var accumulations = new List<Accumulation>();
            var stores = new List<string>();
            var declared = new HashSet<string>();
            if (pass == 1)
            {
                AddParameterStarts(assignments, stores);
            }

            HashSet<int> evaluated = EvaluatedIn(passes, pass);
            for (int i = 0; i <= statements.Count; i++)
            {
                // The reductions of statement i are accumulated just before it, after what the pass computed so far.
                foreach (TypedReduction reduction in passes.Reductions.Where(r => !r.IsOverLines && passes.StatementOf(r) == i && passes.PassOf(r) == pass))
                {
                    _currentVersion.Clear();
                    foreach (KeyValuePair<string, int> entry in versionsAt[i])
                    {
                        _currentVersion[entry.Key] = entry.Value;
                    }

                    PlanExpr argument = LowerElement(reduction.Argument);
                    int index = reductionArguments.FindIndex(a => a.Pass == pass && a.Function == reduction.Reduction.Name && a.Argument.Equals(argument));
                    if (index < 0)
                    {
                        index = reductions.Count;
                        reductionArguments.Add((pass, reduction.Reduction.Name, argument));
                        string? argumentName = reduction.Argument is TypedName name ? name.Name : null;
                        reductions.Add(new ReductionSlot(index, reduction.Reduction.Name, reduction.Reduction.Kind, pass, Printer.Print(reduction.Syntax), argumentName, reduction.Reduction.Scope));
                        if (reduction.Reduction.Scope is ReductionScope.Row or ReductionScope.Column)
                        {
                            MatrixSlot(reduction.Reduction.Scope == ReductionScope.Column, new MatrixValueSlot(index, null, 0));
                        }

                        accumulations.Add(new Accumulation(index, assignments.Count, argument));
                    }

                    _reductionIndex[reduction] = index;
                }

                if (i == statements.Count || !evaluated.Contains(i))
                {
                    continue;
                }

                TypedStatement statement = statements[i];
                _currentVersion.Clear();
                foreach (KeyValuePair<string, int> entry in versionsAt[i])
                {
                    _currentVersion[entry.Key] = entry.Value;
                }

                bool isTemporary = statement.Variable is { IsState: false };
                bool declares = isTemporary && declared.Add(statement.Target);
                assignments.Add(new ElementAssignment(statement.Target, declares, LowerElement(statement.Value), statement.Text));
                if (!isTemporary && passes.PassOf(i) == pass)
                {
                    stores.Add(statement.Target);
                }
            }

            var after = new List<StepAssignment>();
            var lineReductions = new List<Accumulation>();
            var lineReductionsDone = new HashSet<TypedReduction>(new ReferenceEquality<TypedReduction>());
            for (int i = 0; i <= statements.Count; i++)
            {
                // Reductions over each matrix's rows or columns: before the statement that reads them if it is computed
                // after this pass too, else after every value this pass's finish computes.
                bool here = i < statements.Count && statements[i].Variable is { } reader && Rates.IsBetweenPasses(reader.Rate) && passes.PassOf(i) == pass;
                foreach (TypedReduction reduction in passes.Reductions.Where(r => r.IsOverLines && passes.PassOf(r) == pass && !lineReductionsDone.Contains(r)
                    && (i == statements.Count || (here && passes.StatementOf(r) == i))))
                {
                    int at = i == statements.Count ? passes.StatementOf(reduction) : i;
                    _currentVersion.Clear();
                    foreach (KeyValuePair<string, int> entry in versionsAt[at])
                    {
                        _currentVersion[entry.Key] = entry.Value;
                    }

                    int index = reductions.Count;
                    reductions.Add(new ReductionSlot(index, reduction.Reduction.Name, reduction.Reduction.Kind, pass, Printer.Print(reduction.Syntax), reduction.Argument is TypedName name ? name.Name : null, reduction.Reduction.Scope, reduction.Argument.Rate));
                    MatrixSlot(reduction.Argument.Rate == Rate.PerColumn, new MatrixValueSlot(index, null, 0));
                    _reductionIndex[reduction] = index;
                    lineReductions.Add(new Accumulation(index, after.Count, LowerStep(reduction.Argument)));
                    lineReductionsDone.Add(reduction);
                }

                if (i < statements.Count && statements[i].Variable is { } variable && Rates.IsBetweenPasses(variable.Rate) && passes.PassOf(i) == pass)
                {
                    _currentVersion.Clear();
                    foreach (KeyValuePair<string, int> entry in versionsAt[i])
                    {
                        _currentVersion[entry.Key] = entry.Value;
                    }

                    after.Add(new StepAssignment(statements[i].Target, versionOf[i], LowerStep(statements[i].Value), statements[i].Text, variable.Type == ValueType.Condition, variable.Rate));
                    if (variable.Rate is Rate.PerRow or Rate.PerColumn)
                    {
                        MatrixSlot(variable.Rate == Rate.PerColumn, new MatrixValueSlot(-1, statements[i].Target, versionOf[i]));
                    }

                }
            }

            plans.Add(new PassPlan(pass, _hoisted.ToEquatableArray(), assignments.ToEquatableArray(), accumulations.ToEquatableArray(), stores.ToEquatableArray(), after.ToEquatableArray(), lineReductions.ToEquatableArray()));
        }

        _currentVersion.Clear();
        foreach (KeyValuePair<string, int> entry in finalVersions)
        {
            _currentVersion[entry.Key] = entry.Value;
        }

        return new RulePlan(
            Names(),
            Slots(Rate.PerElement),
            Slots(_spec.ScalarStates()),
            _hyperparameters.Select(h => new HyperparameterRead(h, IsConditionHyperparameter(h))).ToEquatableArray(),
            stepAssignments.ToEquatableArray(),
            EquatableArray<HoistedValue>.Empty,
            EquatableArray<ElementAssignment>.Empty,
            _spec.ScalarStates()
                .Where(s => _currentVersion[s.Name] != 0)
                .Select(s => new ScalarStateWrite(s.Name, _currentVersion[s.Name]))
                .ToEquatableArray(),
            Output: null,
            Passes: plans.ToEquatableArray(),
            Reductions: reductions.ToEquatableArray(),
            ReducesOverGroups: _spec.ReducesOverGroups,
            RowValues: _rowValues.ToEquatableArray(),
            ColumnValues: _columnValues.ToEquatableArray(),
            TensorAssignments: tensorAssignments.ToEquatableArray(),
            RowStates: _spec.States(Rate.PerRow).Select(s => new ScalarStateWrite(s.Name, finalVersions[s.Name])).ToEquatableArray(),
            ColumnStates: _spec.States(Rate.PerColumn).Select(s => new ScalarStateWrite(s.Name, finalVersions[s.Name])).ToEquatableArray(),
            ReadsRank: _spec.Statements.SelectMany(s => s.Value.DescendantsAndSelf()).Any(n => n is TypedName { Kind: NameKind.TensorRank }));
    }

    // The slot of a per-row or per-column value between passes, added on first use.
    private int MatrixSlot(bool column, MatrixValueSlot slot)
    {
        List<MatrixValueSlot> slots = column ? _columnValues : _rowValues;
        int index = slots.IndexOf(slot);
        if (index < 0)
        {
            index = slots.Count;
            slots.Add(slot);
        }

        return index;
    }

    // A state that starts from the parameter takes its value on step 1, in the first pass, before any statement changes w.
    private void AddParameterStarts(List<ElementAssignment> assignments, List<string> stores)
    {
        foreach (Variable state in _spec.States(Rate.PerElement).Where(StartsFromParameter))
        {
            PlanExpr first = Hoist(new PlanBinary(BinaryOperator.Equal, new PlanStepNumber(_dialect.StepName), new PlanConstant(1)), _dialect.StepName + " == 1", isCondition: true);
            PlanExpr start = new PlanChoose(first, LowerElement(state.Initializer!), new PlanElementValue(state.Name));
            assignments.Add(new ElementAssignment(state.Name, false, start, $"{Language.Init} {state.Name} = {Printer.Print(state.Initializer!.Syntax)} (on step 1)"));
            stores.Add(state.Name);
        }
    }

    // The per-element statements pass 'pass' evaluates: its own, and the temporaries its statements and
    // accumulations read from earlier passes (recomputed from stored state), transitively.
    private HashSet<int> EvaluatedIn(PassAnalysis passes, int pass)
    {
        List<TypedStatement> statements = _spec.Statements;
        var evaluated = new HashSet<int>();
        var work = new Stack<(int Statement, TypedExpr Expr)>();
        for (int i = 0; i < statements.Count; i++)
        {
            bool element = statements[i].Variable is null || statements[i].Variable!.Rate == Rate.PerElement;
            if (element && passes.PassOf(i) == pass)
            {
                evaluated.Add(i);
                work.Push((i, statements[i].Value));
            }
        }

        foreach (TypedReduction reduction in passes.Reductions.Where(r => passes.PassOf(r) == pass))
        {
            work.Push((passes.StatementOf(reduction), reduction.Argument));
        }

        while (work.Count > 0)
        {
            (int at, TypedExpr expr) = work.Pop();
            foreach (TypedName name in ElementReads(expr))
            {
                for (int j = at - 1; j >= 0; j--)
                {
                    if (statements[j].Target != name.Name)
                    {
                        continue;
                    }

                    if (statements[j].Variable is { IsState: false, Rate: Rate.PerElement } && evaluated.Add(j))
                    {
                        work.Push((j, statements[j].Value));
                    }

                    break;
                }
            }
        }

        return evaluated;
    }

    // The per-element names an expression reads outside reductions (whose arguments belong to their own pass).
    private static IEnumerable<TypedName> ElementReads(TypedExpr expr)
    {
        if (expr is TypedReduction)
        {
            yield break;
        }

        if (expr is TypedName { Rate: Rate.PerElement } name)
        {
            yield return name;
        }

        foreach (TypedExpr operand in expr.Operands)
        {
            foreach (TypedName inner in ElementReads(operand))
            {
                yield return inner;
            }
        }
    }

    // Built-ins, then assigned names as they first appear, then the other names (hyperparameters) as the statements read them.
    private EquatableArray<string> Names()
    {
        var names = new List<string>();
        var seen = new HashSet<string>();
        IEnumerable<string> candidates = _dialect.BuiltIns
            .Concat(_spec.Variables.Values.OrderBy(v => v.FirstAppearance).ThenBy(v => v.Name, System.StringComparer.Ordinal).Select(v => v.Name))
            .Concat(_spec.Statements.SelectMany(s => s.Value.Syntax.DescendantsAndSelf()).OfType<NameExpr>().Select(n => n.Name));
        foreach (string name in candidates)
        {
            if (seen.Add(name))
            {
                names.Add(name);
            }
        }

        return names.ToEquatableArray();
    }

    private bool IsConditionHyperparameter(string name)
        => _spec.Statements.SelectMany(s => s.Value.DescendantsAndSelf()).OfType<TypedName>()
            .Any(n => n.Name == name && n.Kind == NameKind.Hyperparameter && n.Type == ValueType.Condition);

    private EquatableArray<StateSlot> Slots(Rate rate) => Slots(_spec.States(rate));

    private EquatableArray<StateSlot> Slots(IEnumerable<Variable> states)
        => states
            .Select(s => new StateSlot(
                s.Name,
                s.Initializer is null || StartsFromParameter(s) ? null : LowerStep(s.Initializer, initializer: true),
                s.Initializer is null ? null : Printer.Print(s.Initializer.Syntax),
                StartsFromParameter(s)))
            .ToEquatableArray();

    private static bool StartsFromParameter(Variable state)
        => state.Initializer is not null && state.Initializer.DescendantsAndSelf().Any(n => n is TypedName { Kind: NameKind.ElementInput });

    /// <summary>
    /// A per-step expression: hyperparameters (recorded as read, except in an initializer, which is
    /// evaluated apart from the step), the step number, and per-step names at their current version.
    /// </summary>
    private PlanExpr LowerStep(TypedExpr expr, bool initializer = false)
    {
        PlanExpr Lower(TypedExpr e) => LowerStep(e, initializer);
        switch (expr)
        {
            case TypedNumber number:
                return new PlanConstant(number.Value);
            case TypedName { Kind: NameKind.StepNumber } name:
                return new PlanStepNumber(name.Name);
            case TypedName { Kind: NameKind.TensorRank }:
                return new PlanTensorRank();
            case TypedName name when _currentVersion.TryGetValue(name.Name, out int version):
                return new PlanStepValue(name.Name, version);
            case TypedName name:
                if (!initializer && !_hyperparameters.Contains(name.Name))
                {
                    _hyperparameters.Add(name.Name);
                }

                return new PlanHyperparameter(name.Name);
            case TypedNegate negate:
                return new PlanNegate(Lower(negate.Operand));
            case TypedBinary binary:
                return new PlanBinary(binary.Operator, Lower(binary.Left), Lower(binary.Right));
            case TypedPower power:
                // Once per step in double precision, every power is pow(x, y).
                return new PlanPower(Lower(power.Base), Lower(power.Exponent));
            case TypedCall call:
                return new PlanCall(call.Function, call.Arguments.Select(Lower).ToEquatableArray());
            case TypedConditional conditional:
                return new PlanChoose(Lower(conditional.Condition), Lower(conditional.WhenTrue), Lower(conditional.WhenFalse));
            case TypedReduction reduction:
                return new PlanReductionValue(_reductionIndex[reduction]);
            default:
                throw new System.InvalidOperationException("Unknown node " + expr.GetType().Name);
        }
    }

    // A per-element expression: per-step subtrees become hoisted values; the rest keeps its shape.
    private PlanExpr LowerElement(TypedExpr expr)
    {
        // A row or column value is read from its slot; an expression of them is computed element by element.
        if (expr.Rate is Rate.PerRow or Rate.PerColumn)
        {
            bool column = expr.Rate == Rate.PerColumn;
            switch (expr)
            {
                case TypedReduction reduction:
                    return new PlanMatrixValue(column, MatrixSlot(column, new MatrixValueSlot(_reductionIndex[reduction], null, 0)));
                case TypedName name:
                    return new PlanMatrixValue(column, MatrixSlot(column, new MatrixValueSlot(-1, name.Name, _currentVersion[name.Name])));
            }
        }
        else if (expr.Rate != Rate.PerElement)
        {
            return Hoist(expr);
        }

        switch (expr)
        {
            case TypedName name:
                return new PlanElementValue(name.Name);
            case TypedNegate negate:
                return new PlanNegate(LowerElement(negate.Operand));
            case TypedPower { Form: PowerForm.Whole } power:
                int n = power.WholeExponent;
                if (n == 0)
                {
                    return Hoist(new PlanConstant(1), "1", isCondition: false);
                }

                PlanExpr product = new PlanIntegerPower(LowerElement(power.Base), System.Math.Abs(n));
                return n > 0 ? product : new PlanBinary(BinaryOperator.Divide, Hoist(new PlanConstant(1), "1", isCondition: false), product);
            case TypedPower { Form: PowerForm.SquareRoot } root:
                return new PlanCall("sqrt", new EquatableArray<PlanExpr>(new[] { LowerElement(root.Base) }));
            case TypedPower power:
                return new PlanPower(LowerElement(power.Base), LowerElement(power.Exponent));
            case TypedBinary binary:
                return new PlanBinary(binary.Operator, LowerElement(binary.Left), LowerElement(binary.Right));
            case TypedCall call:
                return new PlanCall(call.Function, call.Arguments.Select(LowerElement).ToEquatableArray());
            case TypedConditional conditional:
                // A per-step condition is decided once per step; a per-element one selects lane by lane.
                PlanExpr condition = LowerElement(conditional.Condition);
                PlanExpr whenTrue = LowerElement(conditional.WhenTrue);
                PlanExpr whenFalse = LowerElement(conditional.WhenFalse);
                return conditional.Condition.Rate is not (Rate.PerElement or Rate.PerRow or Rate.PerColumn)
                    ? new PlanChoose(condition, whenTrue, whenFalse)
                    : new PlanSelect(condition, whenTrue, whenFalse);
            default:
                return Hoist(expr);
        }
    }

    private PlanExpr Hoist(TypedExpr expr) => Hoist(LowerStep(expr), Printer.Print(expr.Syntax), expr.Type == ValueType.Condition);

    private PlanExpr Hoist(PlanExpr lowered, string equation, bool isCondition)
    {
        int index = _hoisted.FindIndex(h => h.Value.Equals(lowered));
        if (index < 0)
        {
            index = _hoisted.Count;
            _hoisted.Add(new HoistedValue(lowered, equation, isCondition));
        }

        return new PlanHoisted(index);
    }
}

/// <summary>Compares by reference: two reductions written alike at different places are different nodes.</summary>
internal sealed class ReferenceEquality<T> : IEqualityComparer<T>
    where T : class
{
    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}
