using System.CommandLine;
using System.Linq;
using NumKit.Demo.Surfaces;
using NumKit.Demo.Training;

namespace NumKit.Demo.Commands;

/// <summary>The <c>surfaces</c> command: plateaus and saddle points.</summary>
public static class SurfacesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var optimizers = new Option<string[]>("--optimizer", "-o")
        {
            Description = $"Walk only these optimizers [default: all of {string.Join(", ", OptimizerCatalog.Names)}].",
            AllowMultipleArgumentsPerToken = true,
        }.OneOf(OptimizerCatalog.Names.ToArray());
        string[] surfaceNames = Surface.Classic.Select(s => s.Name).ToArray();
        var surfaces = new Option<string[]>("--surface", "-s")
        {
            Description = $"Walk only these surfaces [default: all of {string.Join(", ", surfaceNames)}].",
            AllowMultipleArgumentsPerToken = true,
        }.OneOf(surfaceNames);
        var output = new Option<string>("--output")
        {
            Description = "Folder for the pictures.",
            DefaultValueFactory = _ => "out",
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the pictures." };

        var command = new Command(
            "surfaces",
            "Every catalog optimizer from the same start on a saddle, a plateau, an elongated bowl and Rosenbrock's valley: "
            + "steps to escape or converge, and the paths drawn over the contours.")
        {
            optimizers, surfaces, output, noPlots,
        };
        command.SetAction(parseResult =>
        {
            string[] chosenOptimizers = DemoCommandLine.Names(parseResult, optimizers);
            string[] chosenSurfaces = DemoCommandLine.Names(parseResult, surfaces);
            var options = new SurfacesDemoOptions
            {
                Optimizers = chosenOptimizers.Length == 0 ? null : chosenOptimizers,
                Surfaces = chosenSurfaces.Length == 0 ? null : chosenSurfaces,
                OutputDirectory = parseResult.GetValue(output) ?? "out",
                Plots = !parseResult.GetValue(noPlots),
            };
            return SurfacesDemo.Run(options, parseResult.InvocationConfiguration.Output);
        });
        return command;
    }
}
