using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace NumKit.Demo.Course;

/// <summary>Prints an experiment's results as the course does: the cost every thousand epochs and the training accuracy.</summary>
public static class CourseReport
{
    /// <summary>
    /// The epochs whose cost the table shows: 0, 1000, 2000, 3000, 4000 for the course's 5000 epochs,
    /// and five evenly spaced epochs from 0 otherwise.
    /// </summary>
    public static int[] ReportedEpochs(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        int step = Math.Max(1, epochs / 5);
        var list = new List<int>();
        for (int epoch = 0; epoch < epochs && list.Count < 5; epoch += step)
        {
            list.Add(epoch);
        }

        return list.ToArray();
    }

    /// <summary>Writes the table of <paramref name="results"/>, with a column comparing each to the course's printed numbers when it has them.</summary>
    public static void Write(TextWriter writer, string title, IReadOnlyList<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        ExperimentSettings settings = results[0].Settings;
        int[] epochs = ReportedEpochs(settings.Epochs);
        bool compare = results.Any(r => r.Run.PublishedCosts is not null) && settings.MatchesCourse;
        int labelWidth = Math.Max(3, results.Max(r => r.Run.Label.Length));

        writer.WriteLine(title);
        writer.WriteLine(settings.Describe());
        writer.WriteLine();

        var header = new StringBuilder();
        header.Append("run".PadRight(labelWidth));
        foreach (int epoch in epochs)
        {
            header.Append(("e" + epoch.ToString(CultureInfo.InvariantCulture)).PadLeft(10));
        }

        header.Append("accuracy".PadLeft(10));
        if (compare)
        {
            header.Append("  vs the course");
        }

        writer.WriteLine(header.ToString());
        writer.WriteLine(new string('-', header.Length + (compare ? 14 : 0)));

        double largest = 0;
        int matched = 0;
        int compared = 0;
        foreach (RunResult result in results)
        {
            var line = new StringBuilder();
            line.Append(result.Run.Label.PadRight(labelWidth));
            foreach (int epoch in epochs)
            {
                line.Append(Format(result.Costs[epoch], "F6", 10));
            }

            line.Append(Format(result.Accuracy, "F4", 10));
            if (compare && result.Run.PublishedCosts is not null)
            {
                compared++;
                bool ok = result.MatchesPublished(CourseExperiment.CostTolerance, out double difference);
                largest = Math.Max(largest, difference);
                matched += ok ? 1 : 0;
                line.Append(CultureInfo.InvariantCulture, $"  max |Δ| {difference:0.0e+00} {(ok ? "ok" : "DIFFERS")}");
            }

            writer.WriteLine(line.ToString());
        }

        if (compare)
        {
            writer.WriteLine();
            writer.WriteLine(matched == compared
                ? string.Create(CultureInfo.InvariantCulture, $"All {compared * CourseRun.PublishedEpochs.Length} printed costs within {CourseExperiment.CostTolerance:0e+0} of the course's (largest difference {largest:0.0e+00}) and all {compared} accuracies equal.")
                : $"{compared - matched} of {compared} runs differ from the course's printed results.");
        }

        writer.WriteLine();
    }

    // A diverged run's cost can be huge or not a number: write it short (1.1E+32, NaN, ∞) so the columns stay
    // apart, and always with a space before it.
    private static string Format(double value, string format, int width)
    {
        string text = double.IsFinite(value) && Math.Abs(value) < 1e4
            ? value.ToString(format, CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
        return (" " + text).PadLeft(width);
    }
}
