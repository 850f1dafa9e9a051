using System;
using System.Globalization;
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
            if (done.Length > 0)
            {
                // ScottPlot has no log axis: plot log10(α) and label the ticks as powers of ten.
                var scatter = plot.Add.ScatterPoints(
                    done.Select(r => Math.Log10(r.Trial["alpha"])).ToArray(),
                    done.Select(r => r.Cost).ToArray());
                scatter.Color = palette.GetColor(round.Index);
                scatter.MarkerSize = 9;
                scatter.LegendText = $"round {round.Index} ({round.Name})";
            }

            // Pruned trials at the cost they were stopped with: open circles in the round's colour.
            TrialResult[] pruned = round.Results.Trials.Where(r => r.Status == TrialStatus.Pruned && r.Curve.Length > 0 && double.IsFinite(r.Curve[^1].Cost)).ToArray();
            if (pruned.Length > 0)
            {
                var stopped = plot.Add.ScatterPoints(
                    pruned.Select(r => Math.Log10(r.Trial["alpha"])).ToArray(),
                    pruned.Select(r => r.Curve[^1].Cost).ToArray());
                stopped.Color = palette.GetColor(round.Index);
                stopped.MarkerShape = MarkerShape.OpenCircle;
                stopped.MarkerSize = 6;
                stopped.LegendText = $"round {round.Index}: pruned (cost when stopped)";
            }
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => $"1e{x:0}",
        };
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-4.1, 0.1);
        plot.Title("Final cost against the learning rate α, per coarse-to-fine round");
        plot.XLabel("α (log scale)");
        plot.YLabel("last epoch cost");
        plot.Axes.SetLimitsY(0, 0.8);
        plot.ShowLegend(Alignment.UpperRight);
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
        bool divergenceLabelled = false, plateauLabelled = false;
        for (int i = 0; i < result.Corrections.Length; i++)
        {
            Correction correction = result.Corrections[i];
            bool divergence = correction.Kind == CorrectionKind.Divergence;
            var marker = plot.Add.VerticalLine(correction.Epoch);
            marker.Color = divergence ? Colors.Red : Colors.Orange;
            marker.LinePattern = LinePattern.Dashed;
            marker.LineWidth = 1.5f;

            // One legend entry per kind; the new learning rate is written beside each line.
            if (divergence ? !divergenceLabelled : !plateauLabelled)
            {
                marker.LegendText = divergence ? "divergence: restore, lower α" : "plateau: lower α";
                divergenceLabelled |= divergence;
                plateauLabelled |= !divergence;
            }

            var text = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"α {correction.NewLearningRate:G3}"), correction.Epoch, 0.78 - (0.04 * (i % 3)));
            text.LabelFontColor = marker.Color;
            text.LabelFontSize = 11;
            text.LabelAlignment = Alignment.UpperLeft;
        }

        plot.Axes.SetLimitsY(0, 0.8);
        plot.Title($"Babysitter (panda): {label} babysat, α {result.InitialLearningRate:G3} → {result.FinalLearningRate:G3}");
        plot.XLabel("epoch");
        plot.YLabel("cost");
        plot.ShowLegend(Alignment.MiddleRight);
        return Save(plot, path, 900, 500);
    }

    private static string Save(Plot plot, string path, int width, int height)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        Commands.OutputFolder.SaveAtomically(path, file => plot.SavePng(file, width, height));
        return path;
    }
}
