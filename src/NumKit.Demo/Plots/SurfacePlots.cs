using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NumKit.Demo.Surfaces;
using ScottPlot;

namespace NumKit.Demo.Plots;

/// <summary>The surfaces' pictures: optimizers' paths drawn over each surface's contour lines.</summary>
public static class SurfacePlots
{
    /// <summary>The optimizers the overview picture draws together, when they were run (one chart with all of them would be a tangle).</summary>
    public static readonly string[] OverviewOptimizers = ["gd", "momentum", "adam", "sgd-momentum", "rmsprop"];

    // A path of tens of thousands of points draws no better than one of a couple of thousand.
    private const int MaxPathPoints = 2000;
    private const int GridSize = 120;

    /// <summary>
    /// Draws one panel per surface, <paramref name="columns"/> to a row, each with the paths of the
    /// <see cref="OverviewOptimizers"/> that were run (or the first five run), and writes the PNG.
    /// </summary>
    /// <param name="results">Results by surface (rows), then optimizer.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="columns">Panels per row.</param>
    /// <returns>The path written.</returns>
    public static string Overview(SurfaceResult[,] results, string path, int columns)
    {
        ArgumentNullException.ThrowIfNull(results);
        int surfaces = results.GetLength(0);
        int optimizers = results.GetLength(1);
        ArgumentOutOfRangeException.ThrowIfZero(surfaces);
        ArgumentOutOfRangeException.ThrowIfZero(optimizers);
        int[] chosen = Enumerable.Range(0, optimizers).Where(o => OverviewOptimizers.Contains(results[0, o].Optimizer.Name)).ToArray();
        if (chosen.Length == 0)
        {
            chosen = Enumerable.Range(0, Math.Min(5, optimizers)).ToArray();
        }

        var plots = new Plot[surfaces];
        for (int s = 0; s < surfaces; s++)
        {
            SurfaceResult[] row = chosen.Select(o => results[s, o]).ToArray();
            Surface surface = row[0].Surface;
            plots[s] = TrajectoryPlot(row, $"{surface.Name}: f = {surface.Formula}, α = {surface.LearningRate:G3}", legend: true);
        }

        return SaveGrid(plots, path, columns, 560, 440);
    }

    /// <summary>Draws one small panel per optimizer on one surface (its path over the contours, and its outcome) and writes the PNG.</summary>
    /// <param name="results">One surface's results, one per optimizer.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="columns">Panels per row.</param>
    /// <returns>The path written.</returns>
    public static string PerOptimizer(IReadOnlyList<SurfaceResult> results, string path, int columns)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentOutOfRangeException.ThrowIfZero(results.Count);
        Plot[] plots = results
            .Select(r => TrajectoryPlot([r], $"{r.Optimizer.Label}: {r.Outcome}", legend: false))
            .ToArray();
        return SaveGrid(plots, path, columns, 340, 270);
    }

    private static string SaveGrid(Plot[] plots, string path, int columns, int panelWidth, int panelHeight)
    {
        try
        {
            var multiplot = new Multiplot(plots[0]);
            for (int i = 1; i < plots.Length; i++)
            {
                multiplot.AddPlot(plots[i]);
            }

            int used = Math.Min(columns, plots.Length);
            int rows = (plots.Length + used - 1) / used;
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, used);
            EnsureDirectory(path);
            Commands.OutputFolder.SaveAtomically(path, file => multiplot.SavePng(file, panelWidth * used, panelHeight * rows));
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

    private static Plot TrajectoryPlot(IReadOnlyList<SurfaceResult> results, string title, bool legend)
    {
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
                values[r, c] = surface.Value(GridX(c), GridY(r));
                lowest = Math.Min(lowest, values[r, c]);
            }
        }

        var points = new Coordinates3d[GridSize, GridSize];
        for (int r = 0; r < GridSize; r++)
        {
            for (int c = 0; c < GridSize; c++)
            {
                points[r, c] = new Coordinates3d(GridX(c), GridY(r), Math.Log(1 + values[r, c] - lowest));
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
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(Array.IndexOf(OverviewOptimizers, result.Optimizer.Name) is int k and >= 0 ? k : i));

            // Paths often run on top of each other: draw the first widest so the later ones leave it visible.
            line.LineWidth = 2 + (1.2f * (results.Count - 1 - i));
            if (legend)
            {
                line.LegendText = $"{result.Optimizer.Label}: {result.Outcome}";
            }
        }

        plot.Add.Marker(surface.Start.X, surface.Start.Y, MarkerShape.FilledDiamond, 10, Colors.Black);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Title(title, size: legend ? 14 : 12);
        if (legend)
        {
            plot.ShowLegend(Alignment.LowerRight);
        }

        return plot;

        double GridX(int c) => xMin + (c * (xMax - xMin) / (GridSize - 1));

        double GridY(int r) => yMin + (r * (yMax - yMin) / (GridSize - 1));
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
