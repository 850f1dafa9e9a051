namespace NumKit.Generators.Equations;

/// <summary>The fixed vocabulary of the equation language: built-in names (the functions are <see cref="Functions"/>).</summary>
internal static class Language
{
    /// <summary>The parameter being updated; element-wise, and every spec must assign it.</summary>
    public const string Parameter = "w";

    /// <summary>The parameter's gradient; element-wise and read-only.</summary>
    public const string Gradient = "g";

    /// <summary>The step number, 1 on the first step; per step and read-only.</summary>
    public const string StepNumber = "t";

    /// <summary>
    /// An optimizer's per-tensor number of dimensions (0 for a scalar), read where the equations branch on it
    /// (<c>factored = rank >= 2</c>); a name the equations or the struct define instead takes its place.
    /// </summary>
    public const string Rank = "rank";

    /// <summary>The keyword that declares a state's initial value.</summary>
    public const string Init = "init";

    /// <summary>The keyword that marks an update's state as a result kept for the caller, used or not.</summary>
    public const string Keep = "keep";

    /// <summary>The keyword that ends an update applied every k steps: <c>slow = slow + a * (w - slow) every k</c>.</summary>
    public const string Every = "every";

    /// <summary>The hyperparameter every rule must have.</summary>
    public const string LearningRate = "LearningRate";
}
