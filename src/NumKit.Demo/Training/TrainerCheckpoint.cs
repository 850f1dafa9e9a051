using System;

namespace NumKit.Demo.Training;

/// <summary>
/// A saved training state: parameters, optimizer state (stored as doubles, which holds float values
/// exactly), step count, epoch and learning rate. Made by <see cref="IMoonsTrainer.CreateCheckpoint"/>.
/// </summary>
public sealed class TrainerCheckpoint
{
    internal TrainerCheckpoint(string owner, int parameterCount, int stateCount, int scalarStateCount)
    {
        Owner = owner;
        Parameters = new double[parameterCount];
        State = new double[stateCount];
        ScalarState = new double[scalarStateCount];
    }

    /// <summary>Whether anything has been saved into this checkpoint yet.</summary>
    public bool IsSaved { get; internal set; }

    /// <summary>The epoch the checkpoint was saved after.</summary>
    public int Epoch { get; internal set; }

    /// <summary>The optimizer's step count when saved.</summary>
    public int StepCount { get; internal set; }

    /// <summary>The learning rate when saved.</summary>
    public float LearningRate { get; internal set; }

    internal string Owner { get; }

    internal double[] Parameters { get; }

    internal double[] State { get; }

    internal double[] ScalarState { get; }
}
