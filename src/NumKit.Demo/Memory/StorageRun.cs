using System.Collections.Generic;

namespace NumKit.Demo.Memory;

/// <summary>One way to store the course's Adam run: its parameters (and gradients), their update, and Adam's m and v.</summary>
/// <param name="Label">What the table calls it.</param>
/// <param name="State">How m and v are stored.</param>
/// <param name="Parameters">How the parameters and gradients are stored.</param>
/// <param name="Update">How a bfloat16 parameter takes its update (ignored for float32 parameters).</param>
public sealed record StorageRun(string Label, StateStorage State, ParameterStorage Parameters, LowPrecisionUpdate Update)
{
    /// <summary>The reference every other row is compared with: float32 everywhere.</summary>
    public static readonly StorageRun Float32 = new("float32 everywhere", StateStorage.Float32, ParameterStorage.Float32, LowPrecisionUpdate.RoundToNearest);

    /// <summary>The rows of the full table: each state storage with float32 parameters, each 16-bit update with float32 state, and everything in bfloat16.</summary>
    public static IReadOnlyList<StorageRun> All { get; } =
    [
        Float32,
        new("state bfloat16, nearest", StateStorage.BFloat16, ParameterStorage.Float32, LowPrecisionUpdate.RoundToNearest),
        new("state bfloat16, stochastic", StateStorage.BFloat16Stochastic, ParameterStorage.Float32, LowPrecisionUpdate.RoundToNearest),
        new("state 8-bit blockwise, nearest", StateStorage.Blockwise8Bit, ParameterStorage.Float32, LowPrecisionUpdate.RoundToNearest),
        new("state 8-bit blockwise, stochastic", StateStorage.Blockwise8BitStochastic, ParameterStorage.Float32, LowPrecisionUpdate.RoundToNearest),
        new("parameters bfloat16, master copy", StateStorage.Float32, ParameterStorage.BFloat16, LowPrecisionUpdate.Float32MasterCopy),
        new("parameters bfloat16, Kahan", StateStorage.Float32, ParameterStorage.BFloat16, LowPrecisionUpdate.KahanSummation),
        new("parameters bfloat16, stochastic", StateStorage.Float32, ParameterStorage.BFloat16, LowPrecisionUpdate.StochasticRounding),
        new("parameters bfloat16, nearest", StateStorage.Float32, ParameterStorage.BFloat16, LowPrecisionUpdate.RoundToNearest),
        new("all bfloat16 (Kahan, stochastic state)", StateStorage.BFloat16Stochastic, ParameterStorage.BFloat16, LowPrecisionUpdate.KahanSummation),
    ];

    /// <summary>A label for a configuration given on the command line.</summary>
    public static string Describe(StateStorage state, ParameterStorage parameters, LowPrecisionUpdate update)
        => parameters == ParameterStorage.Float32
            ? $"state {Name(state)}, parameters float32"
            : $"state {Name(state)}, parameters bfloat16 ({Name(update)})";

    /// <summary>The command line's name of a state storage.</summary>
    public static string Name(StateStorage state) => state switch
    {
        StateStorage.BFloat16 => "bfloat16",
        StateStorage.BFloat16Stochastic => "bfloat16-stochastic",
        StateStorage.Blockwise8Bit => "8bit",
        StateStorage.Blockwise8BitStochastic => "8bit-stochastic",
        _ => "float32",
    };

    /// <summary>The command line's name of a 16-bit parameter update.</summary>
    public static string Name(LowPrecisionUpdate update) => update switch
    {
        LowPrecisionUpdate.Float32MasterCopy => "master",
        LowPrecisionUpdate.StochasticRounding => "stochastic",
        LowPrecisionUpdate.KahanSummation => "kahan",
        _ => "nearest",
    };
}
