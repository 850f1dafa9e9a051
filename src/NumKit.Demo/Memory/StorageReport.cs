using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NumKit.Demo.Memory;

/// <summary>Prints the storage table: bytes per parameter, final cost against float32's, accuracy, step time.</summary>
public static class StorageReport
{
    /// <summary>Writes <paramref name="results"/>; the row whose run is <see cref="StorageRun.Float32"/> is the reference for the cost column.</summary>
    public static void Write(TextWriter writer, int epochs, IReadOnlyList<StorageResult> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        StorageResult? reference = results.FirstOrDefault(r => r.Run == StorageRun.Float32);
        int labelWidth = Math.Max(7, results.Max(r => r.Run.Label.Length));

        writer.WriteLine("Memory and precision: the course's Adam run stored in fewer bits");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[2, 5, 2, 1] network, α {StorageExperiment.Run.LearningRate}, mini-batches of 64, the course's shuffles, {epochs} epochs, float32 compute"));
        writer.WriteLine("(bytes per parameter: w + g = parameter and gradient; optimizer = m and v, with 8-bit's absmax, plus a master copy or compensation)");
        writer.WriteLine();
        string header = "storage".PadRight(labelWidth) + "   w + g  optimizer  total   final cost  vs float32  accuracy  step";
        writer.WriteLine(header);
        writer.WriteLine(new string('-', header.Length + 4));
        foreach (StorageResult result in results)
        {
            string versus = reference is null || ReferenceEquals(result, reference)
                ? "—"
                : ((result.Cost - reference.Cost) / reference.Cost).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Run.Label.PadRight(labelWidth)}  {result.ParameterBytes,6:F2}  {result.OptimizerBytes,9:F2}  {result.TotalBytes,5:F2}  {result.Cost,11:F6}  {versus,10}  {result.Accuracy,8:P2}  {result.StepTime.TotalMicroseconds,5:F2} µs"));
        }

        writer.WriteLine();
        writer.WriteLine("The network has 30 parameters, so step times here are dominated by each step's fixed cost; benchmarks/README.md");
        writer.WriteLine("measures the storages at 16 Mi parameters. The 8-bit rows quantize these small tensors (Blockwise8BitMinimumSize = 0).");
        writer.WriteLine();
    }
}
