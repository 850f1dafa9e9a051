using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading.Tasks;
using NumKit.Demo.Course;
using NumKit.Demo.Training;
using NumKit.Optimizers;

namespace NumKit.Demo.Memory;

/// <summary>
/// The course's Adam run (α 0.0007, mini-batches of 64 in the course's order, float32 compute) trained with its
/// parameters and state stored in fewer bits: what each storage saves, what it costs in final cost and accuracy.
/// </summary>
public static class StorageExperiment
{
    /// <summary>The course's Adam run, which every storage trains.</summary>
    public static CourseRun Run { get; } = CourseRun.Published.First(r => r.Label == "Adam, α 0.0007");

    /// <summary>Trains <paramref name="run"/> for <paramref name="epochs"/> epochs.</summary>
    public static StorageResult Train(MoonsData data, StorageRun run, int epochs)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        return run.Parameters == ParameterStorage.Float32 ? TrainFloat32(data, run, epochs) : TrainBFloat16(data, run, epochs);
    }

    /// <summary>Trains every run, up to <paramref name="parallelism"/> at once, in the runs' order.</summary>
    public static StorageResult[] TrainAll(MoonsData data, IReadOnlyList<StorageRun> runs, int epochs, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var results = new StorageResult[runs.Count];
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i => results[i] = Train(data, runs[i], epochs));
        return results;
    }

    private static StorageResult TrainFloat32(MoonsData data, StorageRun run, int epochs)
    {
        var trainer = (MoonsTrainer<Adam, float>)CourseExperiment.CreateTrainer(data, Run, ExperimentSettings.Course with { Precision = Precision.Single });
        Configure(trainer.Optimizer, run.State);
        double cost = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cost = trainer.TrainEpoch();
        }

        Optimizer<Adam, float> optimizer = trainer.Optimizer;
        return new StorageResult(run, 2 * sizeof(float), (double)optimizer.StateBytes / optimizer.ParameterCount, cost, trainer.Accuracy(), trainer.UpdateTime / optimizer.StepCount);
    }

    private static StorageResult TrainBFloat16(MoonsData data, StorageRun run, int epochs)
    {
        var rule = new Adam { LearningRate = Run.LearningRate, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f };
        var trainer = new BFloat16MoonsTrainer<Adam>(data, rule, run.Update);
        Configure(trainer.Optimizer, run.State);
        double cost = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cost = trainer.TrainEpoch();
        }

        Optimizer<Adam, BFloat16> optimizer = trainer.Optimizer;
        return new StorageResult(run, 2 * 2, (double)optimizer.StateBytes / optimizer.ParameterCount, cost, trainer.Accuracy(), trainer.StepTime / optimizer.StepCount);
    }

    private static void Configure<T>(Optimizer<Adam, T> optimizer, StateStorage state)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The course network's 33 parameters are far under 8-bit's default minimum tensor size (4096, as bitsandbytes),
        // which would keep them in float32: lower it so the 8-bit rows really are quantized.
        optimizer.Blockwise8BitMinimumSize = 0;
        optimizer.SetStateStorage(state);
    }
}
