using System.Collections.Generic;
using NumKit.Generators.Model;

namespace NumKit.Generators.Emit;

/// <summary>
/// The names of the generated half's private members and type parameters, chosen so that none collides
/// with what the user declared: a member named <c>Sweep</c> or <c>PerStep</c>, a struct named <c>T</c> or
/// <c>PerStep</c>, or an equation name that would become a field of the per-step values. The public members
/// (<c>Update</c>, <c>Equations</c>) keep their names; a user member of those names is an NK diagnostic.
/// </summary>
internal sealed class MemberNames
{
    private readonly HashSet<string> _taken;

    public MemberNames(RuleHost host, RulePlan plan)
    {
        // The struct's own name (C# forbids a member or type parameter of the enclosing type's name), every member
        // the user declared, and every equation name (the per-step struct's fields are named after them).
        _taken = new HashSet<string>(host.MemberNames) { host.TypeName, "Update", "Equations", "UpdateGroupPass", "FinishGroupPass", "FinishGroupStep", "GroupPassCount", "GroupScratchLength" };
        _taken.UnionWith(plan.Names);
        UpdateCore = Fresh("UpdateCore");
        StepPacked = Fresh("StepPacked");
        Sweep = Fresh("Sweep");
        PerStep = Fresh("PerStep");
        StateNames = Fresh("s_stateNames");
        ScalarStateNames = Fresh("s_scalarStateNames");
        HyperparameterNames = Fresh("s_hyperparameterNames");
        SpanNames = Fresh("s_spanNames");

        // The members of rules with reductions (several passes): claimed for every rule, so no other name moves.
        PassCore = Fresh("PassCore");
        PassPacked = Fresh("PassPacked");
        Pass = Fresh("Pass");
        PerPass = Fresh("PerPass");
        SweepPass = Fresh("SweepPass");
        Finish = Fresh("Finish");
        FinishStep = Fresh("FinishStep");
        Fold = Fresh("Fold");

        // The kernel over stored spans (compact state, 16-bit parameters): claimed after the others, so no other name moves.
        StepStoredCore = Fresh("StepStoredCore");
        SweepStored = Fresh("SweepStored");

        // The names of the rule's bool options: claimed last, and only read by rules that have options.
        OptionNames = Fresh("s_optionNames");

        // Type parameters need only differ from the struct's name (CS0694) and the methods': locals already avoid
        // T, TVector and V (Identifiers), and are told the renamed ones (PlanNames).
        var typeParameterTaken = new HashSet<string> { host.TypeName, UpdateCore, StepPacked, Sweep, PerStep };
        T = FreshAmong(typeParameterTaken, "T");
        TVector = FreshAmong(typeParameterTaken, "TVector");
        V = FreshAmong(typeParameterTaken, "V");
        TPhase = plan.HasPeriodicElementWork ? FreshAmong(typeParameterTaken, "TPhase") : null;
        typeParameterTaken.UnionWith(new[] { StepStoredCore, SweepStored });
        TW = FreshAmong(typeParameterTaken, "TW");
        TG = FreshAmong(typeParameterTaken, "TG");
        TS = FreshAmong(typeParameterTaken, "TS");
    }

    /// <summary>The field holding the names of the rule's bool options (written only when it has some).</summary>
    public string OptionNames { get; }

    /// <summary>The kernel over stored spans: per-step values once, then each run the runtime hands out.</summary>
    public string StepStoredCore { get; }

    /// <summary>The loop over stored spans: each load widens, each store narrows, as the span's storage says.</summary>
    public string SweepStored { get; }

    /// <summary>The parameters' storage type parameter of the stored kernel.</summary>
    public string TW { get; }

    /// <summary>The gradients' storage type parameter of the stored kernel.</summary>
    public string TG { get; }

    /// <summary>The per-element state's storage type parameter of the stored kernel.</summary>
    public string TS { get; }

    public string UpdateCore { get; }

    public string PassCore { get; }

    public string PassPacked { get; }

    /// <summary>The prefix of each pass's method: Pass1, Pass2, ...</summary>
    public string Pass { get; }

    public string PerPass { get; }

    public string SweepPass { get; }

    public string Finish { get; }

    public string FinishStep { get; }

    public string Fold { get; }

    public string StepPacked { get; }

    public string Sweep { get; }

    public string PerStep { get; }

    public string StateNames { get; }

    public string ScalarStateNames { get; }

    public string HyperparameterNames { get; }

    public string SpanNames { get; }

    /// <summary>The element type parameter (float or double).</summary>
    public string T { get; }

    /// <summary>The vector type parameter.</summary>
    public string TVector { get; }

    /// <summary>The <c>ISimd</c> implementation type parameter.</summary>
    public string V { get; }

    /// <summary>The phase type parameter (a step of the periodic statements or not), for rules with periodic per-element statements only.</summary>
    public string? TPhase { get; }

    /// <summary>The type parameters, for the kernel's locals to avoid (C# forbids a local of a type parameter's name).</summary>
    public IEnumerable<string> TypeParameters => TPhase is null ? new[] { T, TVector, V, TW, TG, TS } : new[] { T, TVector, V, TPhase, TW, TG, TS };

    private string Fresh(string preferred) => FreshAmong(_taken, preferred);

    private static string FreshAmong(HashSet<string> taken, string preferred)
    {
        string name = preferred;
        for (int i = 2; taken.Contains(name); i++)
        {
            name = preferred + i;
        }

        taken.Add(name);
        return name;
    }
}
