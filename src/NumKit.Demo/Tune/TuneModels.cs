using System;
using NumKit.Demo.Course;
using NumKit.Demo.Training;
using NumKit.Optimizers;
using NumKit.Tuning;

namespace NumKit.Demo.Tune;

/// <summary>
/// The search space the <c>tune</c> command explores on the moons, and how one trial becomes a trainer:
/// Adam on a [2, hidden, 2, 1] network in float32 with the iterator's shuffles seeded by the trial.
/// </summary>
public static class MoonsSearch
{
    /// <summary>The learning rate α, log-uniform in [1e-4, 1] (the course's r = −4·rand, α = 10^r).</summary>
    public const string Alpha = "alpha";

    /// <summary>Adam's β1, sampled as 1 − β on a log scale in [0.9, 0.999].</summary>
    public const string Beta = "beta";

    /// <summary>The mini-batch size, a power of two in [16, 256].</summary>
    public const string Batch = "batch";

    /// <summary>The units of the first hidden layer, an integer in [3, 10].</summary>
    public const string Hidden = "hidden";

    /// <summary>The space: α, β, mini-batch size and hidden units, each on its own scale.</summary>
    public static SearchSpace Space { get; } = new(
        Dimension.LogUniform(Alpha, 1e-4, 1),
        Dimension.OneMinusLogUniform(Beta, 0.9, 0.999),
        Dimension.PowerOfTwo(Batch, 16, 256),
        Dimension.Integer(Hidden, 3, 10));

    /// <summary>
    /// A trainer for <paramref name="trial"/>: its own network and optimizer state, and shuffles seeded by
    /// <see cref="Trial.Seed"/>, so the trial trains the same on any thread. The initial weights are
    /// numpy-exact He initialisation with a fixed seed, so trials differ only by their hyperparameters
    /// and shuffles.
    /// </summary>
    public static IMoonsTrainer CreateTrainer(MoonsData data, Trial trial)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(trial);
        var rule = new Adam { LearningRate = trial.GetSingle(Alpha), Beta1 = trial.GetSingle(Beta), Beta2 = 0.999f, Epsilon = 1e-8f };
        var options = new TrainerOptions
        {
            LayerSizes = [2, trial.GetInt32(Hidden), 2, 1],
            BatchSize = trial.GetInt32(Batch),
            Shuffle = ShuffleSource.Seeded,
            Seed = trial.Seed,
        };
        return new MoonsTrainer<Adam, float>(data, rule, options);
    }

    /// <summary>
    /// Trains <paramref name="trainer"/> for <paramref name="epochs"/> epochs, reporting each epoch's cost;
    /// stops when the reporter says so (pruned, cancelled) or the cost is no longer finite.
    /// </summary>
    /// <returns>The last epoch's cost.</returns>
    public static double Train(IMoonsTrainer trainer, TrialReporter reporter, int epochs)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(reporter);
        double cost = double.NaN;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cost = trainer.TrainEpoch();
            if (!reporter.Report(epoch, cost) || !double.IsFinite(cost))
            {
                break;
            }
        }

        return cost;
    }
}

/// <summary>
/// A moons trainer as <see cref="Babysitter"/> babysits it: one epoch at a time, its learning rate, and one
/// checkpoint (parameters, optimizer state and step count, epoch) allocated once and saved over.
/// </summary>
public sealed class BabysatMoonsRun : IBabysatRun
{
    private readonly TrainerCheckpoint _checkpoint;

    /// <summary>Wraps <paramref name="trainer"/> and allocates its checkpoint.</summary>
    public BabysatMoonsRun(IMoonsTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        Trainer = trainer;
        _checkpoint = trainer.CreateCheckpoint();
    }

    /// <summary>The trainer being babysat.</summary>
    public IMoonsTrainer Trainer { get; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => Trainer.LearningRate;
        set => Trainer.LearningRate = value;
    }

    /// <inheritdoc/>
    public double TrainEpoch() => Trainer.TrainEpoch();

    /// <inheritdoc/>
    public void SaveCheckpoint() => Trainer.SaveCheckpoint(_checkpoint);

    /// <inheritdoc/>
    public void RestoreCheckpoint()
    {
        // The optimizer's checkpoint carries the learning rate of the save; the babysitter sets the lowered one
        // after restoring, so nothing else is kept across a restore.
        Trainer.RestoreCheckpoint(_checkpoint);
    }
}
