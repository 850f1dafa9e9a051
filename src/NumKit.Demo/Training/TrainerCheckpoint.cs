using System.IO;

namespace NumKit.Demo.Training;

/// <summary>
/// A saved training state: the parameters (as doubles, which hold float values exactly), the
/// optimizer's own checkpoint (state, step count, hyperparameters), and the epoch. Made by
/// <see cref="IMoonsTrainer.CreateCheckpoint"/>; saving over it reuses its memory.
/// </summary>
public sealed class TrainerCheckpoint
{
    internal TrainerCheckpoint(string owner, int parameterCount)
    {
        Owner = owner;
        Parameters = new double[parameterCount];
        Optimizer = new MemoryStream();
    }

    /// <summary>Whether anything has been saved into this checkpoint yet.</summary>
    public bool IsSaved { get; internal set; }

    /// <summary>The epochs completed when it was saved.</summary>
    public int Epoch { get; internal set; }

    /// <summary>The optimizer's step count when saved.</summary>
    public int StepCount { get; internal set; }

    /// <summary>The learning rate when saved.</summary>
    public float LearningRate { get; internal set; }

    internal string Owner { get; }

    internal double[] Parameters { get; }

    internal MemoryStream Optimizer { get; }
}
