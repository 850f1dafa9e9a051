namespace NumKit.Tests.Specs;

/// <summary>
/// SGD with a running average of the weights taken every Cycle steps (stochastic weight averaging,
/// Izmailov et al. 2018, with a constant learning rate): a per-step count and a per-element average that
/// only the periodic statements touch, so the average is loaded and stored on averaging steps alone.
/// </summary>
[Optimizer("""
    w = w - LearningRate * g
    count = count + 1                                every Cycle
    keep average = average + (w - average) / count   every Cycle
    """)]
public partial struct WeightAveraging
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; } = 0.05f;

    /// <summary>How many steps between the weights the average takes in.</summary>
    public float Cycle { get; set; } = 2f;
}
