using System;

namespace NumKit.Demo.Memory;

/// <summary>What one <see cref="StorageRun"/> cost and reached.</summary>
/// <param name="Run">The configuration.</param>
/// <param name="ParameterBytes">Bytes per parameter of the parameter and its gradient (8 in float32, 4 in bfloat16).</param>
/// <param name="OptimizerBytes">Bytes per parameter the optimizer keeps: m and v (with 8-bit's absmax), and a master copy or Kahan compensation.</param>
/// <param name="Cost">The last epoch's cost (the mean of its mini-batches' costs, as the course prints it).</param>
/// <param name="Accuracy">Training accuracy after the last epoch.</param>
/// <param name="StepTime">The mean time of one optimizer step (the update alone, not the forward and backward passes).</param>
public sealed record StorageResult(StorageRun Run, double ParameterBytes, double OptimizerBytes, double Cost, double Accuracy, TimeSpan StepTime)
{
    /// <summary>Bytes per parameter in all: parameter, gradient and what the optimizer keeps.</summary>
    public double TotalBytes => ParameterBytes + OptimizerBytes;
}
