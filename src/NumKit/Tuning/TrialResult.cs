using System;
using System.Collections.Immutable;

namespace NumKit.Tuning;

/// <summary>What became of one trial: its status, cost, learning curve and, if pruned, when. Immutable.</summary>
public sealed class TrialResult
{
    /// <summary>Creates a result (the runner does this; public so results can be rebuilt from files).</summary>
    /// <exception cref="ArgumentException">A pruned trial without a pruning epoch, or a pruning epoch on another status.</exception>
    public TrialResult(Trial trial, TrialStatus status, double cost, ImmutableArray<EpochCost> curve, int? prunedAtEpoch = null, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if ((status == TrialStatus.Pruned) != prunedAtEpoch.HasValue)
        {
            throw new ArgumentException($"Trial {trial.Id}: a pruning epoch goes with the Pruned status and only with it (status {status}, epoch {prunedAtEpoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).", nameof(prunedAtEpoch));
        }

        Trial = trial;
        Status = status;
        Cost = cost;
        Curve = curve.IsDefault ? ImmutableArray<EpochCost>.Empty : curve;
        PrunedAtEpoch = prunedAtEpoch;
        Error = error;
    }

    /// <summary>The trial: its id, round, seed and hyperparameters.</summary>
    public Trial Trial { get; }

    /// <summary>The trial's id (results are ordered by it).</summary>
    public int Id => Trial.Id;

    /// <summary>How the trial ended.</summary>
    public TrialStatus Status { get; }

    /// <summary>
    /// The final cost for a completed trial; for a pruned or cancelled one the last cost it reported;
    /// NaN if it reported none (not started, or failed before its first epoch).
    /// </summary>
    public double Cost { get; }

    /// <summary>Every cost the trial reported, epoch by epoch.</summary>
    public ImmutableArray<EpochCost> Curve { get; }

    /// <summary>The epoch at which the pruner stopped the trial; null unless <see cref="Status"/> is Pruned.</summary>
    public int? PrunedAtEpoch { get; }

    /// <summary>The last epoch the trial reported, or null if it reported none.</summary>
    public int? LastEpoch => Curve.IsEmpty ? null : Curve[^1].Epoch;

    /// <summary>The exception's type and message, for a failed trial.</summary>
    public string? Error { get; }

    /// <summary>Whether the trial completed with a finite cost: the ones a search ranks and narrows around.</summary>
    public bool IsRankable => Status == TrialStatus.Completed && double.IsFinite(Cost);

    /// <summary>The result as one line, such as <c>#3 completed cost=0.1234 (alpha=0.003 ...)</c>.</summary>
    public override string ToString()
    {
        string how = Status == TrialStatus.Pruned
            ? $"pruned at epoch {PrunedAtEpoch!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : Status.ToString().ToLowerInvariant();
        return $"{Trial} {how} cost={Dimension.Show(Cost)}";
    }
}
