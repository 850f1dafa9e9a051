using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NumKit.Demo.Commands;

/// <summary>
/// The demo's command line: with no command, the course's experiment; <c>surfaces</c>, the optimizers
/// on classic surfaces; <c>tune</c>, hyperparameter search. Each command lives in its own class and is added here.
/// </summary>
/// <remarks>
/// Every number is parsed here, by <see cref="Whole"/>, <see cref="Number"/> and <see cref="Sizes"/>, which
/// turn text that is not a number, or a number outside what the experiment can use, into a parse error naming
/// the option and the value. <see cref="Run"/> prints the first error as one line and exits with
/// <see cref="UsageExitCode"/> before anything runs.
/// </remarks>
public static class DemoCommandLine
{
    /// <summary>The exit code for a command line the demo refuses (bad option, value or output folder): 2, as getopt tools use.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Create()
    {
        RootCommand root = CourseCommand.CreateRoot();
        root.Subcommands.Add(SurfacesCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(MemoryCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. A refused command line prints one line,
    /// <c>numkit-demo: error: …</c>, to <paramref name="error"/> and returns <see cref="UsageExitCode"/>; so does a
    /// <see cref="UsageException"/> the command throws before it starts (an output folder that cannot be written).
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ParseResult result = Create().Parse(args);
        if (result.Errors.Count > 0)
        {
            error.WriteLine($"numkit-demo: error: {OneLine(result.Errors[0].Message)} (see --help)");
            return UsageExitCode;
        }

        try
        {
            return result.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException refused)
        {
            error.WriteLine($"numkit-demo: error: {OneLine(refused.Message)}");
            return UsageExitCode;
        }
    }

    /// <summary>A whole-number option from <paramref name="minimum"/> to <paramref name="maximum"/>; other text or values are parse errors naming the option.</summary>
    internal static Option<int> Whole(this Option<int> option, int minimum, int maximum = int.MaxValue, string? why = null)
    {
        option.CustomParser = result =>
        {
            string text = Single(result);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                result.AddError($"{option.Name} must be a whole number; got '{text}'.");
                return default;
            }

            if (value < minimum || value > maximum)
            {
                result.AddError(maximum == int.MaxValue
                    ? $"{option.Name} must be at least {minimum}; it is {value}."
                    : $"{option.Name} must be from {minimum} to {maximum}{(why is null ? string.Empty : " (" + why + ")")}; it is {value}.");
                return default;
            }

            return value;
        };
        return option;
    }

    /// <summary>A whole-number option of at least <paramref name="minimum"/>: <see cref="Whole(Option{int}, int, int, string?)"/> with no maximum.</summary>
    internal static Option<int> AtLeast(this Option<int> option, int minimum) => option.Whole(minimum);

    /// <summary>An unsigned whole-number option (a seed); other text is a parse error naming the option.</summary>
    internal static Option<ulong> Whole(this Option<ulong> option)
    {
        option.CustomParser = result =>
        {
            string text = Single(result);
            if (!ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong value))
            {
                result.AddError($"{option.Name} must be a whole number from 0 to {ulong.MaxValue}; got '{text}'.");
                return default;
            }

            return value;
        };
        return option;
    }

    /// <summary>
    /// A number option greater than 0 and at most <paramref name="maximum"/> (finite); other text or values are
    /// parse errors naming the option and the value.
    /// </summary>
    internal static Option<T> Number<T>(this Option<T> option, float maximum, string why)
    {
        option.CustomParser = result =>
        {
            string text = Single(result);
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            {
                result.AddError($"{option.Name} must be a number; got '{text}'.");
                return default!;
            }

            if (value <= 0 || value > maximum)
            {
                result.AddError($"{option.Name} must be a positive number of at most {maximum.ToString(CultureInfo.InvariantCulture)} ({why}); it is {text}.");
                return default!;
            }

            return (T)(object)value;
        };
        return option;
    }

    /// <summary>A list of whole numbers from 1 to <paramref name="maximum"/>, at least one.</summary>
    internal static Option<int[]> Sizes(this Option<int[]> option, int maximum)
    {
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                result.AddError($"{option.Name} needs one or more layer sizes of at least 1; got none.");
                return [];
            }

            var sizes = new int[result.Tokens.Count];
            for (int i = 0; i < sizes.Length; i++)
            {
                string text = result.Tokens[i].Value;
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > maximum)
                {
                    result.AddError($"{option.Name} needs one or more layer sizes of at least 1 (and at most {maximum}); got '{text}'.");
                    return [];
                }
            }

            return sizes;
        };
        return option;
    }

    /// <summary>An option whose values (case-insensitive) must be among <paramref name="allowed"/>.</summary>
    internal static Option<string[]> OneOf(this Option<string[]> option, string[] allowed)
    {
        option.Validators.Add(result =>
        {
            foreach (Token token in result.Tokens)
            {
                if (!allowed.Contains(token.Value, StringComparer.OrdinalIgnoreCase))
                {
                    result.AddError($"{option.Name} '{token.Value}' is not one of: {string.Join(", ", allowed)}.");
                }
            }
        });
        return option;
    }

    internal static string[] Names(ParseResult parseResult, Option<string[]> option)
        => parseResult.GetValue(option) ?? [];

    private static string Single(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
