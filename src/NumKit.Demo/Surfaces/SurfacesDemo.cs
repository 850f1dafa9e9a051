using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NumKit.Demo.Plots;
using NumKit.Demo.Training;

namespace NumKit.Demo.Surfaces;

/// <summary>What the <c>surfaces</c> command was asked to do.</summary>
public sealed record SurfacesDemoOptions
{
    /// <summary>The optimizers to walk, or null for every one in the catalog.</summary>
    public IReadOnlyList<string>? Optimizers { get; init; }

    /// <summary>The surfaces to walk, or null for all of <see cref="Surface.Classic"/>.</summary>
    public IReadOnlyList<string>? Surfaces { get; init; }

    /// <summary>Where the pictures go.</summary>
    public string OutputDirectory { get; init; } = "out";

    /// <summary>Whether to draw the pictures.</summary>
    public bool Plots { get; init; } = true;
}

/// <summary>The <c>surfaces</c> command: every optimizer from the same start on each classic surface, a table of steps and the paths drawn.</summary>
public static class SurfacesDemo
{
    /// <summary>Walks, prints and draws; returns the process exit code.</summary>
    public static int Run(SurfacesDemoOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Plots)
        {
            Commands.OutputFolder.Prepare(options.OutputDirectory);
        }

        CatalogOptimizer[] optimizers = options.Optimizers is null
            ? OptimizerCatalog.All.ToArray()
            : options.Optimizers.Select(OptimizerCatalog.Get).ToArray();
        Surface[] surfaces = options.Surfaces is null
            ? Surface.Classic.ToArray()
            : options.Surfaces.Select(Find).ToArray();

        SurfaceResult[,] results = SurfaceExperiment.RunAll(surfaces, optimizers);
        WriteTable(output, surfaces, optimizers, results);

        if (options.Plots)
        {
            output.WriteLine("Pictures");
            output.WriteLine("   " + SurfacePlots.Overview(results, Path.Combine(options.OutputDirectory, "surfaces.png"), columns: 2));
            for (int s = 0; s < surfaces.Length; s++)
            {
                var row = Enumerable.Range(0, optimizers.Length).Select(o => results[s, o]).ToArray();
                output.WriteLine("   " + SurfacePlots.PerOptimizer(row, Path.Combine(options.OutputDirectory, "surfaces", $"surface-{surfaces[s].Name}.png"), columns: 4));
            }

            output.WriteLine();
        }

        return 0;
    }

    /// <summary>Writes the steps each optimizer needed on each surface, with each surface's start, α and goal.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<Surface> surfaces, IReadOnlyList<CatalogOptimizer> optimizers, SurfaceResult[,] results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(surfaces);
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentNullException.ThrowIfNull(results);
        output.WriteLine("4. Plateaus and saddle points: steps to escape or converge, every optimizer from the same start with the same α");
        output.WriteLine();
        foreach (Surface surface in surfaces)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {surface.Name,-11} f = {surface.Formula,-26} start ({surface.Start.X:G4}, {surface.Start.Y:G4}), α {surface.LearningRate:G3}, {surface.GoalText}"));
        }

        output.WriteLine();
        int labelWidth = Math.Max(9, optimizers.Max(o => o.Label.Length));
        const int Width = 16;
        var header = new StringBuilder("optimizer".PadRight(labelWidth));
        foreach (Surface surface in surfaces)
        {
            header.Append(surface.Name.PadLeft(Width));
        }

        output.WriteLine(header.ToString());
        output.WriteLine(new string('-', header.Length));
        for (int o = 0; o < optimizers.Count; o++)
        {
            var line = new StringBuilder(optimizers[o].Label.PadRight(labelWidth));
            for (int s = 0; s < surfaces.Count; s++)
            {
                line.Append(results[s, o].Outcome.PadLeft(Width));
            }

            output.WriteLine(line.ToString());
        }

        output.WriteLine();
        foreach (Surface surface in surfaces)
        {
            output.WriteLine($"   {surface.Name}: {surface.Lesson}");
        }

        output.WriteLine();
    }

    private static Surface Find(string name)
        => Surface.Classic.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"There is no surface '{name}'; choose from: {string.Join(", ", Surface.Classic.Select(s => s.Name))}.", nameof(name));
}
