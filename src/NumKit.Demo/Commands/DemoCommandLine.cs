using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;

namespace NumKit.Demo.Commands;

/// <summary>
/// The demo's command line: with no command, the course's experiment; <c>surfaces</c>, the optimizers
/// on classic surfaces; <c>tune</c>, hyperparameter search. Each command lives in its own class and is added here.
/// </summary>
public static class DemoCommandLine
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Create()
    {
        RootCommand root = CourseCommand.CreateRoot();
        root.Subcommands.Add(SurfacesCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        return root;
    }

    /// <summary>An option that must be at least <paramref name="minimum"/>, with a message naming it and the value.</summary>
    internal static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}; it is {value}.");
            }
        });
        return option;
    }

    /// <summary>An option whose values (case-insensitive) must be among <paramref name="allowed"/>.</summary>
    internal static Option<string[]> OneOf(this Option<string[]> option, string[] allowed)
    {
        option.Validators.Add(result =>
        {
            foreach (string value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    result.AddError($"{option.Name} '{value}' is not one of: {string.Join(", ", allowed)}.");
                }
            }
        });
        return option;
    }

    internal static string[] Names(ParseResult parseResult, Option<string[]> option)
        => parseResult.GetValue(option) ?? [];
}
