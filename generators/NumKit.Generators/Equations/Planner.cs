using System.Collections.Generic;
using System.Linq;
using NumKit.Generators.Helpers;
using NumKit.Generators.Model;

namespace NumKit.Generators.Equations;

/// <summary>
/// Lowers checked equations to a <see cref="KernelPlan"/>: per-step statements move before the loop
/// (each assignment of a per-step name gets its own local, so a statement sees the value as of its
/// place in the equations), and every per-step subexpression of a per-element statement is hoisted
/// into a value computed once per step.
/// </summary>
internal sealed class Planner
{
    private readonly CheckedSpec _spec;
    private readonly Dialect _dialect;
    private readonly Identifiers _identifiers = new();
    private readonly Dictionary<string, string> _currentVersion = new();
    private readonly List<string> _hyperparameters = new();
    private readonly List<HoistedValue> _hoisted = new();
    private bool _readsStepNumber;
    private int _compoundHoisted;

    private Planner(CheckedSpec spec, Dialect dialect)
    {
        _spec = spec;
        _dialect = dialect;
    }

    public static KernelPlan Plan(CheckedSpec spec) => new Planner(spec, Dialect.Optimizer).Run();

    /// <summary>Plans a schedule: every statement is per step; the result is the last value of <c>lr</c>.</summary>
    public static SchedulePlan PlanSchedule(CheckedSpec spec)
    {
        var planner = new Planner(spec, Dialect.Schedule);
        KernelPlan plan = planner.Run();
        return new SchedulePlan(plan.Hyperparameters, plan.StepAssignments, planner._currentVersion[Dialect.Schedule.Output]);
    }

    private KernelPlan Run()
    {
        // Equation names first, so they keep their own spelling in the generated code.
        foreach (string builtIn in _dialect.BuiltIns)
        {
            _identifiers.ForEquationName(builtIn);
        }
        foreach (Variable variable in _spec.Variables.Values.OrderBy(v => v.FirstAppearance).ThenBy(v => v.Name, System.StringComparer.Ordinal))
        {
            _identifiers.ForEquationName(variable.Name);
        }

        foreach (Statement statement in _spec.Statements)
        {
            foreach (Expr node in Checker.Walk(statement.Value))
            {
                if (node is NameExpr name && !_dialect.IsBuiltIn(name.Name) && !_spec.Variables.ContainsKey(name.Name))
                {
                    _identifiers.ForEquationName(name.Name);
                }
            }
        }

        // Before the loop, a per-step state's local holds last step's value: its ref parameter.
        Dictionary<string, int> assignmentCounts = _spec.Statements.GroupBy(s => s.Target).ToDictionary(g => g.Key, g => g.Count());
        var assignmentsSoFar = new Dictionary<string, int>();
        foreach (Variable state in _spec.States(Rate.PerStep))
        {
            _currentVersion[state.Name] = Id(state.Name);
        }

        var stepAssignments = new List<StepAssignment>();
        var elementAssignments = new List<ElementAssignment>();
        var declared = new HashSet<string>();
        foreach (Statement statement in _spec.Statements)
        {
            if (_spec.Variables.TryGetValue(statement.Target, out Variable? variable) && variable.Rate == Rate.PerStep)
            {
                Expr value = LowerStep(statement.Value);
                assignmentsSoFar.TryGetValue(statement.Target, out int soFar);
                assignmentsSoFar[statement.Target] = ++soFar;
                string local = VersionName(variable, soFar, assignmentCounts[statement.Target]);
                stepAssignments.Add(new StepAssignment(local, value, statement.Text, variable.Type == ValueType.Condition));
                _currentVersion[statement.Target] = local;
            }
            else
            {
                bool declares = variable is { IsState: false } && declared.Add(statement.Target);
                elementAssignments.Add(new ElementAssignment(Id(statement.Target), declares, LowerElement(statement.Value), statement.Text));
            }
        }

        return new KernelPlan(
            Slots(Rate.PerElement),
            Slots(Rate.PerStep),
            _hyperparameters.Select(h => new HyperparameterRead(h, Id(h), _spec.ConditionHyperparameters.Contains(h))).ToEquatableArray(),
            stepAssignments.ToEquatableArray(),
            _hoisted.ToEquatableArray(),
            elementAssignments.ToEquatableArray(),
            _spec.States(Rate.PerStep)
                .Where(s => _currentVersion[s.Name] != Id(s.Name))
                .Select(s => new ScalarStateWrite(Id(s.Name), _currentVersion[s.Name]))
                .ToEquatableArray(),
            _readsStepNumber);
    }

    private string Id(string name) => _identifiers.ForEquationName(name);

    // Temporaries assigned once keep their name; a state's new value is name_t (its old value is name).
    private string VersionName(Variable variable, int assignment, int assignments)
    {
        string id = Id(variable.Name);
        if (variable.IsState)
        {
            return _identifiers.Fresh(assignments == 1 ? id + "_t" : id + "_t" + assignment);
        }

        return assignments == 1 ? id : _identifiers.Fresh(id + "_" + assignment);
    }

    private EquatableArray<StateSlot> Slots(Rate rate)
        => _spec.States(rate)
            .Select(s => new StateSlot(
                s.Name,
                Id(s.Name),
                s.Initializer is null ? null : LowerInitializer(s.Initializer),
                s.Initializer is null ? null : Printer.Print(s.Initializer)))
            .ToEquatableArray();

    // Initial values are evaluated in an instance member of the rule, where hyperparameters are properties.
    private static Expr LowerInitializer(Expr expr) => Rewrite(expr, name => new NameExpr("(double)this." + name.Name, default));

    // A per-step expression in double precision: hyperparameters as double locals, per-step names at their current version.
    private Expr LowerStep(Expr expr) => Rewrite(expr, name =>
    {
        if (name.Name == _dialect.StepName)
        {
            _readsStepNumber = true;
            return new NameExpr("(double)" + Id(_dialect.StepName), default);
        }

        if (_currentVersion.TryGetValue(name.Name, out string? version))
        {
            return new NameExpr(version, default);
        }

        if (!_spec.Variables.ContainsKey(name.Name) && !_hyperparameters.Contains(name.Name))
        {
            _hyperparameters.Add(name.Name);
        }

        return new NameExpr(Id(name.Name), default);
    });

    // A per-element expression: per-step subtrees become hoisted values; the rest keeps its shape.
    private Expr LowerElement(Expr expr)
    {
        if (RateOf(expr) == Rate.PerStep)
        {
            return Hoist(expr);
        }

        switch (expr)
        {
            case NameExpr name:
                return new NameExpr(Id(name.Name), default);
            case NegateExpr negate:
                return new NegateExpr(LowerElement(negate.Operand), default);
            case BinaryExpr { Operator: BinaryOperator.Power } power when IntegerExponent(power.Right) is int n:
                // x^n with a small whole n is multiplication (g^2 is g * g, as PyTorch computes it).
                if (n == 0)
                {
                    return Hoist(new NumberExpr(1, "1", default));
                }

                Expr product = new BinaryExpr(BinaryOperator.Power, LowerElement(power.Left), new NumberExpr(System.Math.Abs(n), System.Math.Abs(n).ToString(System.Globalization.CultureInfo.InvariantCulture), default), default);
                return n > 0 ? product : new BinaryExpr(BinaryOperator.Divide, Hoist(new NumberExpr(1, "1", default)), product, default);
            case BinaryExpr { Operator: BinaryOperator.Power, Right: NumberExpr { Value: 0.5 } } root:
                return new CallExpr("sqrt", default, new EquatableArray<Expr>(new[] { LowerElement(root.Left) }), default);
            case BinaryExpr binary:
                return new BinaryExpr(binary.Operator, LowerElement(binary.Left), LowerElement(binary.Right), default);
            case CallExpr call:
                return new CallExpr(call.Function, default, call.Arguments.Select(LowerElement).ToEquatableArray(), default);
            case ConditionalExpr conditional:
                return new ConditionalExpr(LowerElement(conditional.Condition), LowerElement(conditional.WhenTrue), LowerElement(conditional.WhenFalse), default);
            default:
                return Hoist(expr);
        }
    }

    private Rate RateOf(Expr expr) => Checker.RateOf(expr, _dialect, _spec.Variables);

    private static int? IntegerExponent(Expr exponent)
    {
        double? value = exponent switch
        {
            NumberExpr number => number.Value,
            NegateExpr { Operand: NumberExpr number } => -number.Value,
            _ => null,
        };
        return value is double v && v == System.Math.Floor(v) && System.Math.Abs(v) <= 64 ? (int)v : null;
    }

    private Expr Hoist(Expr expr)
    {
        Expr lowered = LowerStep(expr);
        HoistedValue? existing = _hoisted.FirstOrDefault(h => h.Value.Equals(lowered));
        if (existing is null)
        {
            // A lone name keeps its name; anything else is k1, k2, ... with the expression beside it.
            string name = lowered is NameExpr named && !named.Name.StartsWith("(", System.StringComparison.Ordinal)
                ? named.Name
                : _identifiers.Fresh("k" + ++_compoundHoisted);
            existing = new HoistedValue(name, lowered, Printer.Print(expr), IsCondition(expr));
            _hoisted.Add(existing);
        }

        return new NameExpr(existing.Name, default);
    }

    private bool IsCondition(Expr expr) => expr switch
    {
        BinaryExpr binary => binary.Operator >= BinaryOperator.Less,
        NameExpr name => _spec.ConditionHyperparameters.Contains(name.Name)
            || (_spec.Variables.TryGetValue(name.Name, out Variable? variable) && variable.Type == ValueType.Condition),
        _ => false,
    };

    /// <summary>A copy of the tree without spans (so equal subtrees compare equal), with names mapped by <paramref name="name"/>.</summary>
    private static Expr Rewrite(Expr expr, System.Func<NameExpr, Expr> name) => expr switch
    {
        NumberExpr number => new NumberExpr(number.Value, number.Text, default),
        NameExpr n => name(n),
        NegateExpr negate => new NegateExpr(Rewrite(negate.Operand, name), default),
        BinaryExpr binary => new BinaryExpr(binary.Operator, Rewrite(binary.Left, name), Rewrite(binary.Right, name), default),
        CallExpr call => new CallExpr(call.Function, default, call.Arguments.Select(a => Rewrite(a, name)).ToEquatableArray(), default),
        ConditionalExpr conditional => new ConditionalExpr(Rewrite(conditional.Condition, name), Rewrite(conditional.WhenTrue, name), Rewrite(conditional.WhenFalse, name), default),
        _ => expr,
    };
}
