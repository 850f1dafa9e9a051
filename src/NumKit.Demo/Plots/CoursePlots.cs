using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NumKit.Demo.Course;
using NumKit.Demo.Training;
using ScottPlot;

namespace NumKit.Demo.Plots;

/// <summary>The course experiment's pictures, drawn with ScottPlot: cost curves and decision boundaries.</summary>
public static class CoursePlots
{
    private static readonly Color s_class0 = Color.FromHex("#d62728");
    private static readonly Color s_class1 = Color.FromHex("#1f77b4");

    /// <summary>
    /// Draws every run's cost per epoch on one chart (<paramref name="dashed"/> runs with dashed lines)
    /// and writes it to <paramref name="path"/> (PNG or SVG by extension).
    /// </summary>
    /// <returns>The path written.</returns>
    public static string CostCurves(IReadOnlyList<RunResult> results, IReadOnlyList<RunResult> dashed, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(dashed);
        using var plot = new Plot();
        IPalette palette = new ScottPlot.Palettes.Category10();
        int index = 0;
        foreach (RunResult result in results)
        {
            var signal = plot.Add.Signal(result.Costs);
            signal.LegendText = result.Run.Label;
            signal.Color = palette.GetColor(index++);
            signal.LineWidth = 2;
        }

        foreach (RunResult result in dashed)
        {
            var signal = plot.Add.Signal(result.Costs);
            signal.LegendText = result.Run.Label + " (float32, own shuffles)";
            // The companions repeat the first runs' optimizers: the same colour, dashed.
            signal.Color = palette.GetColor(Array.IndexOf(CourseRun.Published, result.Run) is int k and >= 0 ? k : index++);
            signal.LinePattern = LinePattern.Dashed;
            signal.LineWidth = 1.5f;
        }

        plot.Title("Cost per epoch on the moons (mini-batches of 64)");
        plot.XLabel("epoch");
        plot.YLabel("cost (cross-entropy)");
        plot.Axes.SetLimitsY(0, 0.75);
        plot.ShowLegend(Alignment.MiddleRight);
        return Save(plot, path, 1000, 600);
    }

    /// <summary>Draws one run's decision boundary (the class the network predicts everywhere) under the data points.</summary>
    /// <returns>The path written.</returns>
    public static string DecisionBoundary(RunResult result, MoonsData data, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        using Plot plot = BoundaryPlot(result, data);
        return Save(plot, path, 480, 400);
    }

    /// <summary>Draws every run's decision boundary side by side, <paramref name="columns"/> to a row, in one image.</summary>
    /// <returns>The path written.</returns>
    public static string DecisionBoundaries(IReadOnlyList<RunResult> results, MoonsData data, string path, int columns)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfZero(results.Count);
        int rows = (results.Count + columns - 1) / columns;
        Plot[] plots = results.Select(r => BoundaryPlot(r, data)).ToArray();
        try
        {
            var multiplot = new Multiplot(plots[0]);
            for (int i = 1; i < plots.Length; i++)
            {
                multiplot.AddPlot(plots[i]);
            }

            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, Math.Min(columns, plots.Length));
            EnsureDirectory(path);
            Commands.OutputFolder.SaveAtomically(path, file => multiplot.SavePng(file, 400 * Math.Min(columns, plots.Length), 340 * rows));
            return path;
        }
        finally
        {
            foreach (Plot plot in plots)
            {
                plot.Dispose();
            }
        }
    }

    private static Plot BoundaryPlot(RunResult result, MoonsData data)
    {
        ReadOnlySpan<double> x = data.Features.Span;
        ReadOnlySpan<double> y = data.Labels.Span;
        int m = data.Count;
        double xMin = double.MaxValue, xMax = double.MinValue, yMin = double.MaxValue, yMax = double.MinValue;
        for (int j = 0; j < m; j++)
        {
            xMin = Math.Min(xMin, x[j]);
            xMax = Math.Max(xMax, x[j]);
            yMin = Math.Min(yMin, x[m + j]);
            yMax = Math.Max(yMax, x[m + j]);
        }

        // The course pads the data's range by 1; half of that keeps the moons large in a small panel.
        xMin -= 0.5;
        xMax += 0.5;
        yMin -= 0.5;
        yMax += 0.5;
        const int Columns = 160;
        const int Rows = 120;
        var grid = new double[2 * Rows * Columns];
        for (int r = 0; r < Rows; r++)
        {
            // Heatmap row 0 is drawn at the top, so row r holds the r-th y value from the top.
            double gy = yMax - ((r + 0.5) * (yMax - yMin) / Rows);
            for (int c = 0; c < Columns; c++)
            {
                grid[(r * Columns) + c] = xMin + ((c + 0.5) * (xMax - xMin) / Columns);
                grid[(Rows * Columns) + (r * Columns) + c] = gy;
            }
        }

        var probabilities = new double[Rows * Columns];
        result.Trainer.Predict(grid, probabilities);
        var classes = new double[Rows, Columns];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                classes[r, c] = probabilities[(r * Columns) + c] > 0.5 ? 1 : 0;
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(classes);
        heatmap.Extent = new CoordinateRect(xMin, xMax, yMin, yMax);
        heatmap.Colormap = new ScottPlot.Colormaps.Custom([s_class0.Lighten(0.7), s_class1.Lighten(0.7)], false);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);

        var x0 = new List<double>();
        var y0 = new List<double>();
        var x1 = new List<double>();
        var y1 = new List<double>();
        for (int j = 0; j < m; j++)
        {
            (y[j] == 1 ? x1 : x0).Add(x[j]);
            (y[j] == 1 ? y1 : y0).Add(x[m + j]);
        }

        plot.Add.Markers(x0.ToArray(), y0.ToArray(), MarkerShape.FilledCircle, 5, s_class0);
        plot.Add.Markers(x1.ToArray(), y1.ToArray(), MarkerShape.FilledCircle, 5, s_class1);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        string precision = result.Settings.Precision == Precision.Single ? ", float32" : string.Empty;
        plot.Title($"{result.Run.Label}{precision}\naccuracy {result.Accuracy:F4}", size: 12);
        return plot;
    }

    private static string Save(Plot plot, string path, int width, int height)
    {
        EnsureDirectory(path);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            Commands.OutputFolder.SaveAtomically(path, file => plot.SaveSvg(file, width, height));
        }
        else
        {
            Commands.OutputFolder.SaveAtomically(path, file => plot.SavePng(file, width, height));
        }

        return path;
    }

    private static void EnsureDirectory(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
