using System.Collections.Generic;

namespace NumKit.Generators.Equations;

/// <summary>The fixed vocabulary of the equation language: built-in names and functions.</summary>
internal static class Language
{
    /// <summary>The parameter being updated; element-wise, and every spec must assign it.</summary>
    public const string Parameter = "w";

    /// <summary>The parameter's gradient; element-wise and read-only.</summary>
    public const string Gradient = "g";

    /// <summary>The step number, 1 on the first step; per step and read-only.</summary>
    public const string StepNumber = "t";

    /// <summary>The keyword that declares a state's initial value.</summary>
    public const string Init = "init";

    /// <summary>The hyperparameter every rule must have.</summary>
    public const string LearningRate = "LearningRate";

    /// <summary>Every function and how many arguments it takes. <c>if</c> is parsed as a conditional.</summary>
    public static readonly IReadOnlyDictionary<string, int> Functions = new Dictionary<string, int>
    {
        ["sqrt"] = 1,
        ["abs"] = 1,
        ["sign"] = 1,
        ["exp"] = 1,
        ["log"] = 1,
        ["floor"] = 1,
        ["cos"] = 1,
        ["min"] = 2,
        ["max"] = 2,
        ["clamp"] = 3,
        ["if"] = 3,
    };

    public static bool IsBuiltIn(string name) => name is Parameter or Gradient or StepNumber;
}
