namespace NumKit;

/// <summary>
/// How an optimizer over <see cref="System.Half"/> or <see cref="BFloat16"/> parameters applies each step's
/// update: the rule always computes in float; what differs is how the result gets back into 16 bits, and so
/// whether updates smaller than half a unit in the last place survive.
/// </summary>
/// <remarks>
/// <para>
/// bfloat16 keeps 8 significant bits: near 1, a step smaller than 2^-9 (about 0.002) rounds away under
/// <see cref="RoundToNearest"/>, so late in training, with small learning rates, parameters stop moving.
/// The other three are the ways the field trains in 16 bits anyway (bytes per parameter for the parameter
/// alone, with 16-bit parameters):
/// </para>
/// <list type="table">
/// <listheader><term>Update</term><description>What it keeps, and costs</description></listheader>
/// <item><term><see cref="Float32MasterCopy"/></term><description>A float32 copy held by the optimizer is what the rule steps; the
/// 16-bit parameters are its rounding, for the forward pass. Exact float32 training; 2 + 4 bytes.</description></item>
/// <item><term><see cref="StochasticRounding"/></term><description>The result is rounded up or down at random, with the
/// probability that makes its expected value exact (counter-based bits: the same at every thread count and vector width).
/// No extra memory; 2 bytes. Noise of one unit in the last place per step.</description></item>
/// <item><term><see cref="KahanSummation"/></term><description>A 16-bit compensation buffer keeps what rounding lost; the
/// rule steps parameter + compensation, so the pair carries about twice the significant bits. 2 + 2 bytes.</description></item>
/// <item><term><see cref="RoundToNearest"/></term><description>Plain rounding to nearest even: small updates are lost. 2 bytes.</description></item>
/// </list>
/// <para>For float and double parameters only <see cref="RoundToNearest"/> applies (the update is computed at the parameters' precision).</para>
/// </remarks>
public enum LowPrecisionUpdate
{
    /// <summary>Round each updated parameter to the nearest 16-bit value (ties to even): small updates are lost.</summary>
    RoundToNearest = 0,

    /// <summary>The optimizer keeps a float32 master copy of the parameters, steps it, and writes its rounding into the 16-bit parameters.</summary>
    Float32MasterCopy = 1,

    /// <summary>Round each updated parameter up or down at random, unbiased; the bits are keyed by the seed, the step and the element index.</summary>
    StochasticRounding = 2,

    /// <summary>Keep what rounding lost in a 16-bit compensation buffer and add it back before the next step (Kahan summation).</summary>
    KahanSummation = 3,
}
