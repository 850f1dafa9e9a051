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
    private readonly List<HoistedValue> _hoisted = new();

    private Planner(CheckedSpec spec)
    {
        _spec = spec;
        _dialect = spec.Dialect;
    }

    /// <summary>Plans a checked spec of either dialect; the spec must have no errors.</summary>
    public static RulePlan Plan(CheckedSpec spec) => new Planner(spec).Run();

    private RulePlan Run()
    {
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

    private EquatableArray<StateSlot> Slots(Rate rate)
        => _spec.States(rate)
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
            default:
                throw new System.InvalidOperationException("Unknown node " + expr.GetType().Name);
        }
    }

    // A per-element expression: per-step subtrees become hoisted values; the rest keeps its shape.
    private PlanExpr LowerElement(TypedExpr expr)
    {
        if (expr.Rate == Rate.PerStep)
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
                return conditional.Condition.Rate == Rate.PerStep
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
