using System;
using NumKit.Kernels;

namespace NumKit;

// 16-bit parameters (Half, BFloat16): the rule computes in float on widened tiles; the parameters take each
// update as LowPrecisionUpdate says, with a float32 master copy or a compensation buffer held here.
public partial class Optimizer<TRule, T>
{
    private LowPrecisionUpdate _update;

    // The float32 master copy (Float32MasterCopy), pinned, indexed as the parameters; taken from the
    // parameters at the first step after creation, Reset or a change of update.
    private float[]? _master;
    private bool _masterPending;

    // What rounding lost (KahanSummation), pinned, indexed as the parameters.
    private T[]? _compensation;

    /// <summary>
    /// How the parameters take each step's update when they are <see cref="Half"/> or <see cref="BFloat16"/>:
    /// <see cref="LowPrecisionUpdate.KahanSummation"/> unless set (a 16-bit compensation buffer; the README's
    /// "Memory and precision" compares the four). Float and double parameters take
    /// <see cref="LowPrecisionUpdate.RoundToNearest"/> only. Set before the first step; the state is reset.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a <see cref="LowPrecisionUpdate"/> value.</exception>
    /// <exception cref="NotSupportedException">Another update than RoundToNearest for float or double parameters.</exception>
    /// <exception cref="InvalidOperationException">A step has already been applied.</exception>
    public LowPrecisionUpdate LowPrecisionUpdate
    {
        get => _update;
        set
        {
            if (value is < LowPrecisionUpdate.RoundToNearest or > LowPrecisionUpdate.KahanSummation)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Not a LowPrecisionUpdate value.");
            }

            if (!IsLowPrecision && value != LowPrecisionUpdate.RoundToNearest)
            {
                throw new NotSupportedException($"{value} is for Half or BFloat16 parameters; this optimizer runs {typeof(T).Name}, which takes each update at its own precision.");
            }

            RequireNoStep("The low-precision update");
            _update = value;
            AllocateParameterCompanion();
            Reset();
        }
    }

    /// <summary>
    /// The float32 master copy of the parameters under <see cref="LowPrecisionUpdate.Float32MasterCopy"/>: what the
    /// rule steps (the 16-bit parameters are its rounding). It is taken from the parameters at the first step after
    /// creation, <see cref="Reset"/> or a change of <see cref="LowPrecisionUpdate"/>, and saved in checkpoints; write
    /// it to change the parameters afterwards (the next step rounds it into them).
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer keeps no master copy.</exception>
    public Span<float> MasterCopy => _master ?? throw new InvalidOperationException(
        $"This optimizer keeps no master copy: its parameters are {typeof(T).Name} and take updates by {_update}; set LowPrecisionUpdate to Float32MasterCopy before the first step.");

    // Half or BFloat16: stepped through float tiles.
    private static bool IsLowPrecision => ParameterConversion.IsLowPrecision<T>();

    // The bytes of the master copy or the compensation.
    private long ParameterCompanionBytes => (_master?.LongLength * sizeof(float) ?? 0) + (_compensation?.LongLength * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() ?? 0);

    // How checkpoints name the parameters' update (16-bit parameters only).
    private string UpdateName => _update switch
    {
        LowPrecisionUpdate.Float32MasterCopy => "float32 master copy",
        LowPrecisionUpdate.StochasticRounding => "stochastic rounding",
        LowPrecisionUpdate.KahanSummation => $"Kahan summation ({Stepping.StorageNames.Of<T>()} compensation)",
        _ => "rounding to nearest",
    };

    private void AllocateParameterCompanion()
    {
        _master = _update == LowPrecisionUpdate.Float32MasterCopy ? GC.AllocateArray<float>(ParameterCount, pinned: true) : null;
        _compensation = _update == LowPrecisionUpdate.KahanSummation && IsLowPrecision ? GC.AllocateArray<T>(ParameterCount, pinned: true) : null;
        _masterPending = _master is not null;
    }

    private void ResetParameterCompanion()
    {
        _compensation?.AsSpan().Clear();
        _masterPending = _master is not null;
    }
}
