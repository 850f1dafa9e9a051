using System.Collections.Generic;
using System.Linq;

namespace NumKit.Generators.Equations;

/// <summary>
/// What the built-in names are for one use of the equation language: an optimizer updates the
/// parameter <c>w</c> from its gradient <c>g</c> at step <c>t</c> and may keep state; a schedule computes
/// <c>lr</c> from <c>step</c> alone and keeps none.
/// </summary>
internal sealed class Dialect
{
    public static readonly Dialect Optimizer = new(
        attribute: "Optimizer", output: Language.Parameter, outputIsBuiltIn: true, elementInputs: new[] { Language.Gradient },
        stepName: Language.StepNumber, allowsState: true, exampleOutput: "w = w - LearningRate * g");

    public static readonly Dialect Schedule = new(
        attribute: "Schedule", output: "lr", outputIsBuiltIn: false, elementInputs: new string[0],
        stepName: "step", allowsState: false, exampleOutput: "lr = Initial * 0.95^step");

    private Dialect(string attribute, string output, bool outputIsBuiltIn, string[] elementInputs, string stepName, bool allowsState, string exampleOutput)
    {
        Attribute = attribute;
        Output = output;
        OutputIsBuiltIn = outputIsBuiltIn;
        ElementInputs = elementInputs;
        StepName = stepName;
        AllowsState = allowsState;
        ExampleOutput = exampleOutput;
    }

    /// <summary>The attribute that declares this use, as written in C# without its suffix: <c>Optimizer</c> or <c>Schedule</c>.</summary>
    public string Attribute { get; }

    /// <summary>The name every spec must assign: <c>w</c> or <c>lr</c>.</summary>
    public string Output { get; }

    /// <summary>Whether the output is a built-in that holds a value before the first statement (<c>w</c> does; <c>lr</c> does not).</summary>
    public bool OutputIsBuiltIn { get; }

    /// <summary>Read-only per-element inputs (<c>g</c>).</summary>
    public IReadOnlyList<string> ElementInputs { get; }

    /// <summary>The per-step number: <c>t</c> (from 1) or <c>step</c> (from 0).</summary>
    public string StepName { get; }

    /// <summary>Whether a name may be read before it is assigned, keeping its value between steps.</summary>
    public bool AllowsState { get; }

    /// <summary>A statement that assigns the output, for messages.</summary>
    public string ExampleOutput { get; }

    public IEnumerable<string> BuiltIns => (OutputIsBuiltIn ? new[] { Output } : new string[0]).Concat(ElementInputs).Concat(new[] { StepName });

    public bool IsBuiltIn(string name) => BuiltIns.Contains(name);

    /// <summary>Built-ins that are inputs and may not be assigned.</summary>
    public bool IsReadOnlyInput(string name) => name == StepName || ElementInputs.Contains(name);

    /// <summary>Names whose value differs per element.</summary>
    public bool IsElementBuiltIn(string name) => (OutputIsBuiltIn && name == Output) || ElementInputs.Contains(name);
}
