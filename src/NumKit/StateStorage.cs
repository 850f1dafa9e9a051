namespace NumKit;

/// <summary>
/// How an optimizer keeps a per-element state buffer (such as Adam's m or v) between steps. The kernel
/// always computes in float: a compact buffer is widened to float as a step reads it and narrowed back
/// as it writes it, so the rule's equations do not change.
/// </summary>
/// <remarks>
/// Bytes per element: <see cref="Float32"/> 4, <see cref="BFloat16"/> and <see cref="BFloat16Stochastic"/>
/// 2, <see cref="Blockwise8Bit"/> and <see cref="Blockwise8BitStochastic"/> 1 + 4/256. What each costs in accuracy on the course experiment is in
/// the README's "Memory and precision" section.
/// </remarks>
public enum StateStorage
{
    /// <summary>IEEE single precision: exact, as without any choice (the default).</summary>
    Float32 = 0,

    /// <summary>bfloat16, rounded to nearest even on every store (float's range, 8 significant bits).</summary>
    BFloat16 = 1,

    /// <summary>
    /// bfloat16, rounded stochastically on every store (up with probability equal to the distance from
    /// the value below), so small updates survive on average; the random bits are keyed by the seed,
    /// the step and the element index, so results are reproducible.
    /// </summary>
    BFloat16Stochastic = 2,

    /// <summary>
    /// bitsandbytes' 8-bit blockwise format: blocks of 256 values, each with its largest magnitude as a
    /// float and every value as the nearest of 256 dynamic-exponent codes (the unsigned map for a block
    /// with no negative value, the signed map otherwise). Tensors smaller than the optimizer's
    /// <c>Blockwise8BitMinimumSize</c> (4096 by default) keep float32, as bitsandbytes does.
    /// </summary>
    Blockwise8Bit = 3,

    /// <summary>
    /// <see cref="Blockwise8Bit"/>'s format, each value rounded stochastically on every store between the two codes
    /// around it (the upper with probability equal to the distance from the lower over the gap between them), so an
    /// update smaller than half a code survives on average; the random bits are keyed by the seed, the step and the
    /// element index, as for <see cref="BFloat16Stochastic"/>. The same bytes per element as <see cref="Blockwise8Bit"/>.
    /// </summary>
    Blockwise8BitStochastic = 4,
}
