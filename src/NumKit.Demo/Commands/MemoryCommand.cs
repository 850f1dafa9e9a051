using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Diagnostics;
using NumKit.Demo.Course;
using NumKit.Demo.Memory;

namespace NumKit.Demo.Commands;

/// <summary>The <c>memory</c> command: the course's Adam run with its parameters and optimizer state stored in fewer bits.</summary>
public static class MemoryCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var state = new Option<string?>("--state")
        {
            Description = "How Adam's m and v are stored: float32, bfloat16 (round to nearest), bfloat16-stochastic, 8bit (blockwise, round to nearest) or 8bit-stochastic [default: the whole table].",
        };
        state.AcceptOnlyFromAmong("float32", "bfloat16", "bfloat16-stochastic", "8bit", "8bit-stochastic");
        var parameters = new Option<string?>("--parameters")
        {
            Description = "How the parameters and gradients are stored: float32 or bfloat16 [default: float32 when --state or --update is given].",
        };
        parameters.AcceptOnlyFromAmong("float32", "bfloat16");
        var update = new Option<string?>("--update")
        {
            Description = "How bfloat16 parameters take each update: master (a float32 master copy), kahan, stochastic or nearest [default: kahan]. Needs --parameters bfloat16.",
        };
        update.AcceptOnlyFromAmong("master", "kahan", "stochastic", "nearest");
        var epochs = new Option<int>("--epochs", "-e")
        {
            Description = "Epochs per run.",
            DefaultValueFactory = _ => 5000,
        }.Whole(1);
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many runs train at once (step times are fairer with 1).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        }.Whole(1, 1024);

        var command = new Command(
            "memory",
            "The course's Adam run with its parameters and optimizer state in float32, bfloat16 or 8 bits: bytes per parameter, "
            + "final cost against float32's, accuracy and step time. Name a storage to run it next to float32, or none for the whole table.")
        {
            state, parameters, update, epochs, parallel,
        };
        command.Validators.Add(result =>
        {
            // Read the tokens, not the values: a value that is not one of the allowed names has its own error already.
            string? chosen = result.GetResult(update)?.Tokens.FirstOrDefault()?.Value;
            string? storage = result.GetResult(parameters)?.Tokens.FirstOrDefault()?.Value;
            if (chosen is not null && storage != "bfloat16")
            {
                result.AddError($"--update {chosen} is how bfloat16 parameters take each update; add --parameters bfloat16.");
            }
        });
        command.SetAction(parseResult =>
        {
            string? stateName = parseResult.GetValue(state);
            string? parameterName = parseResult.GetValue(parameters);
            string? updateName = parseResult.GetValue(update);
            StorageRun[] runs = stateName is null && parameterName is null
                ? [.. StorageRun.All]
                : [StorageRun.Float32, Chosen(stateName, parameterName, updateName)];
            return Run(runs, parseResult.GetValue(epochs), parseResult.GetValue(parallel), parseResult.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>Trains <paramref name="runs"/> and prints their table; returns the exit code.</summary>
    public static int Run(StorageRun[] runs, int epochs, int parallelism, System.IO.TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(output);
        long start = Stopwatch.GetTimestamp();
        StorageResult[] results = StorageExperiment.TrainAll(MoonsData.LoadCourse(), runs, epochs, parallelism);
        StorageReport.Write(output, epochs, results);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s."));
        return 0;
    }

    private static StorageRun Chosen(string? stateName, string? parameterName, string? updateName)
    {
        StateStorage storage = stateName switch
        {
            "bfloat16" => StateStorage.BFloat16,
            "bfloat16-stochastic" => StateStorage.BFloat16Stochastic,
            "8bit" => StateStorage.Blockwise8Bit,
            "8bit-stochastic" => StateStorage.Blockwise8BitStochastic,
            _ => StateStorage.Float32,
        };
        ParameterStorage parameterStorage = parameterName == "bfloat16" ? ParameterStorage.BFloat16 : ParameterStorage.Float32;
        LowPrecisionUpdate lowPrecisionUpdate = updateName switch
        {
            "master" => LowPrecisionUpdate.Float32MasterCopy,
            "stochastic" => LowPrecisionUpdate.StochasticRounding,
            "nearest" => LowPrecisionUpdate.RoundToNearest,
            _ => LowPrecisionUpdate.KahanSummation,
        };
        if (parameterStorage == ParameterStorage.Float32)
        {
            lowPrecisionUpdate = LowPrecisionUpdate.RoundToNearest;
        }

        return new StorageRun(StorageRun.Describe(storage, parameterStorage, lowPrecisionUpdate), storage, parameterStorage, lowPrecisionUpdate);
    }
}
