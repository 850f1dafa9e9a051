using System;
using System.Collections.Generic;
using System.IO;
using NumKit.Demo.Surfaces;
using ScottPlot;

namespace NumKit.Demo.Plots;

/// <summary>The surfaces' pictures: every optimizer's path drawn over the surface's contour lines.</summary>
public static class SurfacePlots
{
    // A path of tens of thousands of points draws no better than one of a couple of thousand.
    private const int MaxPathPoints = 2000;
    private const int GridSize = 120;

    /// <summary>Draws the paths of <paramref name="results"/> (all on one surface) over its contours and writes the image.</summary>
    /// <returns>The path written.</returns>
    public static string Trajectories(IReadOnlyList<SurfaceResult> results, string path)
    {
        using Plot plot = TrajectoryPlot(results);
        EnsureDirectory(path);
        plot.SavePng(path, 640, 480);
        return path;
    }

    /// <summary>Draws one panel per surface, <paramref name="columns"/> to a row, in one image.</summary>
    /// <param name="results">Results by surface (rows), then optimizer.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="columns">Panels per row.</param>
    /// <returns>The path written.</returns>
    public static string AllTrajectories(SurfaceResult[,] results, string path, int columns)
    {
        ArgumentNullException.ThrowIfNull(results);
        int surfaces = results.GetLength(0);
        ArgumentOutOfRangeException.ThrowIfZero(surfaces);
        var plots = new Plot[surfaces];
        try
        {
            for (int s = 0; s < surfaces; s++)
            {
                var row = new SurfaceResult[results.GetLength(1)];
                for (int o = 0; o < row.Length; o++)
                {
                    row[o] = results[s, o];
                }

                plots[s] = TrajectoryPlot(row);
            }

            var multiplot = new Multiplot(plots[0]);
            for (int s = 1; s < surfaces; s++)
            {
                multiplot.AddPlot(plots[s]);
            }

            int used = Math.Min(columns, surfaces);
            int rows = (surfaces + used - 1) / used;
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, used);
            EnsureDirectory(path);
            multiplot.SavePng(path, 560 * used, 440 * rows);
            return path;
        }
        finally
        {
            foreach (Plot? plot in plots)
            {
                plot?.Dispose();
            }
        }
    }

    private static Plot TrajectoryPlot(IReadOnlyList<SurfaceResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentOutOfRangeException.ThrowIfZero(results.Count);
        Surface surface = results[0].Surface;
        (double xMin, double xMax, double yMin, double yMax) = surface.View;

        // Contours of log(1 + f − min f): evenly spaced in f they would crowd the steep walls and leave the
        // flat floor (where the interesting walking happens) empty.
        var values = new double[GridSize, GridSize];
        double lowest = double.MaxValue;
        for (int r = 0; r < GridSize; r++)
        {
            for (int c = 0; c < GridSize; c++)
            {
                double x = xMin + (c * (xMax - xMin) / (GridSize - 1));
                double y = yMin + (r * (yMax - yMin) / (GridSize - 1));
                values[r, c] = surface.Value(x, y);
                lowest = Math.Min(lowest, values[r, c]);
            }
        }

        var points = new Coordinates3d[GridSize, GridSize];
        for (int r = 0; r < GridSize; r++)
        {
            for (int c = 0; c < GridSize; c++)
            {
                double x = xMin + (c * (xMax - xMin) / (GridSize - 1));
                double y = yMin + (r * (yMax - yMin) / (GridSize - 1));
                points[r, c] = new Coordinates3d(x, y, Math.Log(1 + values[r, c] - lowest));
            }
        }

        var plot = new Plot();
        var contours = plot.Add.ContourLines(points, 14);
        contours.LineColor = Colors.Gray.WithAlpha(0.6);
        contours.LabelStyle.IsVisible = false;

        IPalette palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < results.Count; i++)
        {
            SurfaceResult result = results[i];
            (double[] xs, double[] ys) = Decimate(result.Xs, result.Ys, xMin, xMax, yMin, yMax);
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(i));
            // Paths often run on top of each other: draw the first widest so the later ones leave it visible.
            line.LineWidth = 2 + (1.5f * (results.Count - 1 - i));
            line.LegendText = $"{result.Optimizer.Label}: {result.Outcome}";
        }

        plot.Add.Marker(surface.Start.X, surface.Start.Y, MarkerShape.FilledDiamond, 10, Colors.Black);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Title($"{surface.Name}: f = {surface.Formula}, α = {surface.LearningRate:G3}", size: 14);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static (double[] Xs, double[] Ys) Decimate(double[] xs, double[] ys, double xMin, double xMax, double yMin, double yMax)
    {
        int stride = Math.Max(1, (xs.Length + MaxPathPoints - 1) / MaxPathPoints);
        var keptX = new List<double>();
        var keptY = new List<double>();
        for (int i = 0; i < xs.Length; i += stride)
        {
            Keep(i);
        }

        if ((xs.Length - 1) % stride != 0)
        {
            Keep(xs.Length - 1);
        }

        return (keptX.ToArray(), keptY.ToArray());

        void Keep(int i)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i]))
            {
                return;
            }

            // Clamp far excursions to just outside the view so a path that leaves still draws its direction.
            double padX = (xMax - xMin) * 0.05;
            double padY = (yMax - yMin) * 0.05;
            keptX.Add(Math.Clamp(xs[i], xMin - padX, xMax + padX));
            keptY.Add(Math.Clamp(ys[i], yMin - padY, yMax + padY));
        }
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
