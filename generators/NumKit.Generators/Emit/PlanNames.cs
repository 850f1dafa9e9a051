using System.Collections.Generic;
using System.Linq;
using NumKit.Generators.Model;

namespace NumKit.Generators.Emit;

/// <summary>
/// The C# identifiers of one plan's values: every equation name keeps its spelling where C# and the
/// kernel allow; a per-step state's new value is <c>name_t</c> (its old value is <c>name</c>); a name
/// assigned more than once per step is <c>name_1</c>, <c>name_2</c>, ...; a hoisted value is the lone
/// name it is, or <c>k1</c>, <c>k2</c>, ... The kernel's own names are then handed out by <see cref="Fresh"/>.
/// </summary>
internal sealed class PlanNames
{
    private readonly Identifiers _identifiers;
    private readonly Dictionary<(string Name, int Version), string> _versions = new();
    private readonly List<string> _hoisted = new();

    /// <param name="plan">The plan whose names these are.</param>
    /// <param name="reserved">Identifiers the kernel uses for itself beyond the usual ones (renamed type parameters).</param>
    public PlanNames(RulePlan plan, IEnumerable<string>? reserved = null)
    {
        _identifiers = new Identifiers(reserved);
        _plan = plan;
        foreach (string name in plan.Names)
        {
            _identifiers.ForEquationName(name);
        }

        // A per-row or per-column state's new value is named apart from its incoming one, as a per-step state's is.
        var states = new HashSet<string>(plan.ScalarStates.Select(s => s.Name).Concat(plan.RowStates.Concat(plan.ColumnStates).Select(s => s.Name)));
        // Values between passes (per tensor, row or column) are versions like per-step ones; a one-pass plan has none.
        List<StepAssignment> steps = plan.StepAssignments.Concat(plan.TensorAssignments).Concat(plan.Passes.SelectMany(p => p.After)).ToList();
        Dictionary<string, int> assignments = steps.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.Count());
        foreach (StepAssignment step in steps)
        {
            string id = Of(step.Name);
            int count = assignments[step.Name];
            _versions[(step.Name, step.Version)] = states.Contains(step.Name)
                ? _identifiers.Fresh(count == 1 ? id + "_t" : id + "_t" + step.Version)
                : count == 1 ? id : _identifiers.Fresh(id + "_" + step.Version);
        }

        // A reduction is named after what it reduces when that is one name (norm_w), else numbered (norm1).
        foreach (ReductionSlot reduction in plan.Reductions)
        {
            _reductions.Add(_identifiers.Fresh(reduction.Function + "_" + (reduction.ArgumentName is null ? (reduction.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : Of(reduction.ArgumentName).TrimStart('@'))));
        }

        int compound = 0;
        foreach (HoistedValue hoisted in plan.Hoisted)
        {
            _hoisted.Add(HoistedName(hoisted, ref compound));
        }

        if (plan.Period is not null)
        {
            Due = _identifiers.Fresh("due");
        }
        foreach (PassPlan pass in plan.Passes)
        {
            var names = new List<string>();
            foreach (HoistedValue hoisted in pass.Hoisted)
            {
                names.Add(HoistedName(hoisted, ref compound));
            }

            _passHoisted.Add(names);
        }
    }

    private readonly RulePlan _plan;
    private readonly List<string> _reductions = new();
    private readonly List<List<string>> _passHoisted = new();
    private int _pass;

    private string HoistedName(HoistedValue hoisted, ref int compound) => hoisted.Value switch
    {
        PlanHyperparameter hyperparameter => Of(hyperparameter.Name),
        PlanStepValue value => Of(value),
        PlanReductionValue reduction => Reduction(reduction.Index),
        _ => _identifiers.Fresh("k" + ++compound),
    };

    /// <summary>The local that holds reduction <paramref name="index"/>'s finished value.</summary>
    public string Reduction(int index) => _reductions[index];

    /// <summary>The local that holds a row or column slot's value (per element: its block; between passes: its double).</summary>
    public string MatrixValue(bool column, int slot)
    {
        MatrixValueSlot value = column ? _plan.ColumnValues[slot] : _plan.RowValues[slot];
        return value.Reduction >= 0 ? Reduction(value.Reduction) : Of(new PlanStepValue(value.Name!, value.Version));
    }

    /// <summary>Names hoisted values as pass <paramref name="pass"/> (1, 2, ...) hoists them; 0 for a one-pass plan.</summary>
    public PlanNames InPass(int pass)
    {
        _pass = pass;
        return this;
    }

    /// <summary>The per-step condition "this step is one of k, 2k, ..." of the periodic statements (null without any).</summary>
    public string? Due { get; }

    /// <summary>The identifier of an equation name: a built-in, hyperparameter, state or temporary.</summary>
    public string Of(string name) => _identifiers.ForEquationName(name);

    /// <summary>The local that holds a version of a per-step name (version 0: the state's incoming value).</summary>
    public string Of(PlanStepValue value) => value.Version == 0 ? Of(value.Name) : _versions[(value.Name, value.Version)];

    /// <summary>The identifier of the hoisted value at <paramref name="index"/>.</summary>
    public string Hoisted(int index) => _pass == 0 ? _hoisted[index] : _passHoisted[_pass - 1][index];

    /// <summary>A fresh identifier for the kernel's own use, distinct from every plan name.</summary>
    public string Fresh(string preferred) => _identifiers.Fresh(preferred);
}
