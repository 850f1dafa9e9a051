using System;

namespace NumKit.Demo.Training;

/// <summary>The floating-point type a network and its optimizer compute in.</summary>
public enum Precision
{
    /// <summary>64-bit <see cref="double"/>, as the course's numpy code.</summary>
    Double,

    /// <summary>32-bit <see cref="float"/>.</summary>
    Single,
}

/// <summary>Where each epoch's order of examples comes from.</summary>
public enum ShuffleSource
{
    /// <summary>The course's shuffles, <c>np.random.seed(11 + epoch); np.random.permutation(m)</c>, replayed exactly.</summary>
    Course,

    /// <summary>The mini-batch iterator's own seeded shuffle (<see cref="TrainerOptions.Seed"/>).</summary>
    Seeded,

    /// <summary>No shuffle: every epoch takes the examples in order.</summary>
    None,
}

/// <summary>Everything about one training run except the optimizer: the network, the batches, the shuffles, the learning-rate schedule.</summary>
public sealed record TrainerOptions
{
    /// <summary>The course's network: 2 inputs, hidden layers of 5 and 2 units, 1 output.</summary>
    public static readonly int[] CourseLayerSizes = [2, 5, 2, 1];

    /// <summary>The layer sizes n_0, …, n_L; n_0 must be 2 (the moons) and n_L 1.</summary>
    public int[] LayerSizes { get; init; } = CourseLayerSizes;

    /// <summary>
    /// The starting parameters in the network's flat order, or null for the course's weights when the
    /// layer sizes are the course's and numpy-exact He initialisation (seed 3) otherwise.
    /// </summary>
    public double[]? InitialParameters { get; init; }

    /// <summary>Examples per mini-batch; the last batch of an epoch takes what is left.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Where the order of each epoch's examples comes from.</summary>
    public ShuffleSource Shuffle { get; init; } = ShuffleSource.Course;

    /// <summary>The seed of the iterator's own shuffle when <see cref="Shuffle"/> is <see cref="ShuffleSource.Seeded"/>.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// The learning rate of each epoch (0-based), set before the epoch's first step; null keeps the
    /// rule's own. Called once per epoch, so a closure costs nothing in the training loop.
    /// </summary>
    public Func<int, float>? LearningRateAt { get; init; }
}
