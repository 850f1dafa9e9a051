using System;
using System.Collections.Generic;
using NumKit.Demo.Training;

namespace NumKit.Demo.Surfaces;

/// <summary>One optimizer's walk on one surface.</summary>
/// <param name="Surface">The surface.</param>
/// <param name="Optimizer">The optimizer.</param>
/// <param name="Steps">The steps taken: to the goal if <see cref="Reached"/>, else all that were allowed or up to divergence.</param>
/// <param name="Reached">Whether the goal was reached.</param>
/// <param name="Diverged">Whether the walk left every sensible range (a coordinate non-finite or beyond 1e6).</param>
/// <param name="Xs">The x of every point visited, the start first.</param>
/// <param name="Ys">The y of every point visited.</param>
/// <param name="FinalValue">f at the last point.</param>
public sealed record SurfaceResult(Surface Surface, CatalogOptimizer Optimizer, int Steps, bool Reached, bool Diverged, double[] Xs, double[] Ys, double FinalValue)
{
    /// <summary>The table cell: the step count, "diverged", or "&gt; max" when the goal was not reached.</summary>
    public string Outcome => Reached ? Steps.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Diverged ? $"diverged ({Steps})"
        : $"> {Steps:N0}";
}

/// <summary>Walks NumKit's optimizers over the classic surfaces, every one from the same start with the same learning rate.</summary>
public static class SurfaceExperiment
{
    /// <summary>Runs <paramref name="optimizer"/> on <paramref name="surface"/> from its start until the goal, divergence, or <see cref="Surface.MaxSteps"/>.</summary>
    public static SurfaceResult Run(Surface surface, CatalogOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(surface);
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer.Accept(new Walker(surface, optimizer), surface.LearningRate);
    }

    /// <summary>Runs every optimizer on every surface; the results by surface, then optimizer.</summary>
    public static SurfaceResult[,] RunAll(IReadOnlyList<Surface> surfaces, IReadOnlyList<CatalogOptimizer> optimizers)
    {
        ArgumentNullException.ThrowIfNull(surfaces);
        ArgumentNullException.ThrowIfNull(optimizers);
        var results = new SurfaceResult[surfaces.Count, optimizers.Count];
        for (int s = 0; s < surfaces.Count; s++)
        {
            for (int o = 0; o < optimizers.Count; o++)
            {
                results[s, o] = Run(surfaces[s], optimizers[o]);
            }
        }

        return results;
    }

    /// <summary>Steps one rule over the two coordinates, in double precision.</summary>
    private sealed class Walker(Surface surface, CatalogOptimizer entry) : IOptimizerVisitor<SurfaceResult>
    {
        private const double Limit = 1e6;

        public SurfaceResult Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            var optimizer = new Optimizer<TRule, double>(rule, 2);
            Span<double> w = [surface.Start.X, surface.Start.Y];
            Span<double> g = stackalloc double[2];
            var xs = new List<double> { w[0] };
            var ys = new List<double> { w[1] };
            bool reached = surface.IsDone(w[0], w[1]);
            bool diverged = false;
            int steps = 0;
            while (!reached && steps < surface.MaxSteps)
            {
                (g[0], g[1]) = surface.Gradient(w[0], w[1]);
                optimizer.Step(w, g);
                steps++;
                xs.Add(w[0]);
                ys.Add(w[1]);
                if (!double.IsFinite(w[0]) || !double.IsFinite(w[1]) || Math.Abs(w[0]) > Limit || Math.Abs(w[1]) > Limit)
                {
                    diverged = true;
                    break;
                }

                reached = surface.IsDone(w[0], w[1]);
            }

            return new SurfaceResult(surface, entry, steps, reached, diverged, xs.ToArray(), ys.ToArray(), surface.Value(w[0], w[1]));
        }
    }
}
