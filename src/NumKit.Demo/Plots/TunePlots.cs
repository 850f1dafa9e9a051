using System;
using System.IO;
using System.Linq;
using NumKit.Tuning;
using ScottPlot;

namespace NumKit.Demo.Plots;

/// <summary>The <c>tune</c> command's pictures, drawn with ScottPlot: the search's costs against α, and a babysat run.</summary>
public static class TunePlots
{
    /// <summary>
    /// Draws each completed trial's final cost against its learning rate α on a log axis, one colour per
    /// coarse-to-fine round, and writes the PNG to <paramref name="path"/>.
    /// </summary>
    /// <returns>The path written.</returns>
    public static string CostAgainstAlpha(SearchHistory history, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        using var plot = new Plot();
        IPalette palette = new ScottPlot.Palettes.Category10();
        foreach (SearchRound round in history.Rounds)
        {
            TrialResult[] done = round.Results.Trials.Where(r => r.IsRankable).ToArray();
            if (done.Length == 0)
            {
                continue;
            }

            // ScottPlot has no log axis: plot log10(α) and label the ticks as powers of ten.
            double[] xs = done.Select(r => Math.Log10(r.Trial["alpha"])).ToArray();
            double[] ys = done.Select(r => r.Cost).ToArray();
            var scatter = plot.Add.ScatterPoints(xs, ys);
            scatter.Color = palette.GetColor(round.Index);
            scatter.MarkerSize = 8;
            scatter.LegendText = $"round {round.Index} ({round.Name})";
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => $"1e{x:0}",
        };
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-4.1, 0.1);
        plot.Title("Final cost against the learning rate α (completed trials)");
        plot.XLabel("α (log scale)");
        plot.YLabel("final epoch cost");
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, path, 900, 550);
    }

    /// <summary>
    /// Draws a babysat run's cost and smoothed cost per epoch with a vertical line at each correction
    /// (red: divergence, restore and lower; orange: plateau, lower), and writes the PNG to <paramref name="path"/>.
    /// </summary>
    /// <returns>The path written.</returns>
    public static string Babysitting(BabysitResult result, string label, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var plot = new Plot();
        double[] epochs = result.Epochs.Select(e => (double)e.Epoch).ToArray();
        double[] costs = result.Epochs.Select(e => double.IsFinite(e.Cost) ? e.Cost : double.NaN).ToArray();
        double[] smoothed = result.Epochs.Select(e => e.SmoothedCost).ToArray();
        var raw = plot.Add.ScatterLine(epochs, costs);
        raw.LegendText = "epoch cost";
        raw.Color = Colors.Gray.WithAlpha(0.5);
        var line = plot.Add.ScatterLine(epochs, smoothed);
        line.LegendText = "smoothed (EWA)";
        line.Color = Colors.Blue;
        line.LineWidth = 2;
        foreach (Correction correction in result.Corrections)
        {
            var marker = plot.Add.VerticalLine(correction.Epoch);
            marker.Color = correction.Kind == CorrectionKind.Divergence ? Colors.Red : Colors.Orange;
            marker.LinePattern = LinePattern.Dashed;
            marker.Text = $"{(correction.Kind == CorrectionKind.Divergence ? "restore" : "plateau")} α→{correction.NewLearningRate:G3}";
            marker.LabelOppositeAxis = true;
        }

        double top = smoothed.Where(double.IsFinite).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, Math.Max(0.1, Math.Min(2 * top, 1.5)));
        plot.Title($"Panda: {label} babysat, α {result.InitialLearningRate:G3} → {result.FinalLearningRate:G3}");
        plot.XLabel("epoch");
        plot.YLabel("cost");
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, path, 900, 500);
    }

    private static string Save(Plot plot, string path, int width, int height)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, width, height);
        return path;
    }
}
