using System;

namespace NumKit.Demo.Training;

/// <summary>
/// One network and its optimizer training on the moons, epoch by epoch, whatever the rule and the
/// precision: what the demo's runs, plots and hyperparameter searches drive.
/// </summary>
public interface IMoonsTrainer
{
    /// <summary>The optimizer rule's type name, such as "Adam".</summary>
    string RuleName { get; }

    /// <summary>The precision the network and optimizer compute in.</summary>
    Precision Precision { get; }

    /// <summary>Epochs completed so far.</summary>
    int Epoch { get; }

    /// <summary>Optimizer steps (mini-batch updates) so far: Adam's t of the last step.</summary>
    int StepCount { get; }

    /// <summary>The learning rate of the next step (a schedule, if given, overwrites it at each epoch's start).</summary>
    float LearningRate { get; set; }

    /// <summary>How many parameters the network has.</summary>
    int ParameterCount { get; }

    /// <summary>
    /// Trains one epoch with the configured shuffle: every mini-batch's forward pass, cost, gradients
    /// and update, allocating nothing.
    /// </summary>
    /// <returns>The epoch's cost as the course reports it: the mini-batches' summed cross-entropy (each before its update), divided by m.</returns>
    double TrainEpoch();

    /// <summary>Trains one epoch taking the examples in the order <paramref name="permutation"/> gives.</summary>
    /// <returns>As <see cref="TrainEpoch()"/>.</returns>
    double TrainEpoch(ReadOnlySpan<int> permutation);

    /// <summary>The fraction of training examples the network classifies right (prediction: output &gt; 0.5).</summary>
    double Accuracy();

    /// <summary>The mean cross-entropy over the whole training set at the current parameters.</summary>
    double Cost();

    /// <summary>
    /// The network's output (the probability of class 1) for each point of <paramref name="points"/>, laid
    /// out as (2, n) row-major: every x1, then every x2.
    /// </summary>
    void Predict(ReadOnlySpan<double> points, Span<double> probabilities);

    /// <summary>Copies the parameters (W1, b1, W2, b2, …) into <paramref name="destination"/> as doubles.</summary>
    void CopyParameters(Span<double> destination);

    /// <summary>Allocates a checkpoint for this trainer; saving over it again reuses its memory.</summary>
    TrainerCheckpoint CreateCheckpoint();

    /// <summary>Saves the parameters, optimizer state, step count, epoch and learning rate into <paramref name="checkpoint"/>.</summary>
    void SaveCheckpoint(TrainerCheckpoint checkpoint);

    /// <summary>Returns to the state saved in <paramref name="checkpoint"/>.</summary>
    /// <exception cref="ArgumentException">The checkpoint was made for a different network or rule.</exception>
    void RestoreCheckpoint(TrainerCheckpoint checkpoint);
}
