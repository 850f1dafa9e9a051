namespace NumKit.Optimizers;

/// <summary>
/// Adafactor: a second moment kept as a row and a column factor of each matrix (rows + columns values instead of
/// rows × columns), exactly as <c>torch.optim.Adafactor</c> of current PyTorch.
/// </summary>
/// <remarks>
/// <para>
/// Equations, per tensor at step t (β̂ = t^Beta2Decay, PyTorch's <c>one_minus_beta2_t</c>):
/// ρ = min(α, 1/√t); a = max(ε₂, RMS(w))·ρ, with w before weight decay; per row and column of each matrix (the last two
/// dimensions; a tensor of rank ≥ 3 is a batch of them) R ← R + β̂(mean over the row of g² − R),
/// C ← C + β̂(mean over the column of g² − C); V̂ = (R / max(mean of the matrix's R, ε₁))·C; a tensor of rank 0 or 1
/// keeps a full second moment instead — it is seen as one column, so its rows are its elements and V̂ = R;
/// U = g / √max(V̂, ε₁²); w ← w·(1 − α·λ) − a / max(1, RMS(U)/d) · U, RMS over the whole tensor.
/// From Shazeer and Stern, 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost" (Algorithm 4), as
/// PyTorch writes it (pytorch/pytorch@051d6a09, torch/optim/_adafactor.py, <c>_single_tensor_adafactor</c>).
/// </para>
/// <para>
/// Three passes over memory per tensor: the first accumulates RMS(w) and each row's and column's mean of g²; between
/// passes R, C, each matrix's mean of R and the row and column factors of 1/√V̂ are updated (a few values per row and
/// column); the second computes U and accumulates RMS(U); the third recomputes U from g and the factors and moves w.
/// A 2048 × 2048 tensor keeps 2048 + 2048 values of second moment. Sums run in a fixed order, so every vector width and thread count gives the same bits.
/// </para>
/// <para>
/// Departures: none from PyTorch's single-tensor algorithm. Its <c>eps=(None, ...)</c>, the parameter type's machine
/// epsilon, is fixed at float32's (1.1920929e-7) for both precisions; <c>maximize</c> is not offered (negate the
/// gradient). A rank 0 or 1 tensor also keeps one unused column value (its C), and its row and column sums are
/// computed though only the rows are used. Rounding differs in the last bits: R / max(mean R, ε₁) is computed once per
/// row, and 1/√V̂ is the product of a per-row 1/√(R / max(mean R, ε₁)) and a per-column 1/√C (each computed in double
/// between passes), capped at 1/ε₁ — mathematically 1/√max(V̂, ε₁²) — and U is g times it, as PyTorch multiplies g by
/// rsqrt(V̂) (PyTorch forms R·C, divides, then takes the rsqrt of each element). So the passes over g do no division or
/// square root per element.
/// </para>
/// </remarks>
[Optimizer("""
    factored = rank >= 2                                   # PyTorch: grad.dim() > 1
    rho = min(LearningRate, 1 / sqrt(t))
    decay = t ^ Beta2Decay                                 # 1 - beta2, PyTorch's one_minus_beta2_t
    alpha = max(Epsilon2, rms(w)) * rho                    # w before weight decay
    r = r + decay * (rowmean(g^2) - r)                     # lerp; a vector's rows are its elements
    c = c + decay * (colmean(g^2) - c)
    s = r / max(mean(r), Epsilon1)                         # per row; mean(r) over each matrix's rows
    p = 1 / sqrt(if(factored, s, r))                       # per row: 1/sqrt(v) = p * q, v = s * c (or r)
    q = if(factored, 1 / sqrt(c), 1)                       # per column
    u = g * min(p * q, 1 / Epsilon1)                       # g / sqrt(max(v, Epsilon1^2)), PyTorch's g * rsqrt(...)
    w = w * (1 - LearningRate * WeightDecay) - alpha / max(1, rms(u) / ClipThreshold) * u
    """)]
public partial struct Adafactor
{
    /// <summary>α: caps the relative step size ρ and scales the weight decay (PyTorch's <c>lr</c>).</summary>
    public float LearningRate { get; set; } = 1e-2f;

    /// <summary>The decay rate τ of β₂: 1 − β₂ = t^τ (PyTorch's <c>beta2_decay</c>); 0 or less.</summary>
    [HyperparameterRange(float.NegativeInfinity, 0)]
    public float Beta2Decay { get; set; } = -0.8f;

    /// <summary>ε₁: the floor of the row factor's mean and of √V̂ (PyTorch's <c>eps[0]</c>; float32's machine epsilon).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float Epsilon1 { get; set; } = 1.1920929e-7f;

    /// <summary>ε₂: the floor of RMS(w) in the step size (PyTorch's <c>eps[1]</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float Epsilon2 { get; set; } = 1e-3f;

    /// <summary>d: the update is scaled down when its RMS exceeds d (PyTorch's <c>d</c>); 1 or more.</summary>
    [HyperparameterRange(1, float.PositiveInfinity)]
    public float ClipThreshold { get; set; } = 1.0f;

    /// <summary>λ: decoupled weight decay, w ← w·(1 − α·λ) (PyTorch's <c>weight_decay</c>).</summary>
    [HyperparameterRange(0, float.PositiveInfinity)]
    public float WeightDecay { get; set; }
}
