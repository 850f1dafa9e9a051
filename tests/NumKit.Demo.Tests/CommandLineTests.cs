using System.CommandLine;
using NumKit.Demo.Commands;

namespace NumKit.Demo.Tests;

public class CommandLineTests
{
    [Fact]
    public void Help_lists_every_option_and_the_surfaces_command()
    {
        (int code, string output) = Invoke("--help");
        Assert.Equal(0, code);
        foreach (string option in new[] { "--epochs", "--optimizer", "--learning-rate", "--decay", "--batch-size", "--precision", "--shuffle", "--seed", "--hidden", "--output", "--no-plots", "surfaces" })
        {
            Assert.Contains(option, output);
        }
    }

    [Theory]
    [InlineData("--epochs 0", "--epochs must be at least 1; it is 0")]
    [InlineData("--batch-size -3", "--batch-size must be from 1 to 300")]
    [InlineData("--optimizer adamm", "--optimizer 'adamm' is not one of: gd, momentum, adam")]
    [InlineData("--learning-rate -0.1", "--learning-rate must be a positive number")]
    [InlineData("--precision half", "half")]
    [InlineData("--hidden 5 0", "--hidden needs one or more layer sizes of at least 1")]
    [InlineData("surfaces --surface everest", "--surface 'everest' is not one of")]
    public void Bad_options_are_refused_with_the_reason(string arguments, string message)
    {
        ParseResult result = DemoCommandLine.Create().Parse(arguments);
        Assert.NotEmpty(result.Errors);
        Assert.Contains(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    // Issue 11, observation 6: these aborted the process (SIGABRT, exit 134, a stack trace), were silently
    // clamped (a batch larger than the data set) or ran and printed a garbled table (lr 1e30).
    [Theory]
    [InlineData("--learning-rate abc", "--learning-rate must be a number; got 'abc'")]
    [InlineData("--epochs abc", "--epochs must be a whole number; got 'abc'")]
    [InlineData("--hidden abc", "--hidden needs one or more layer sizes of at least 1 (and at most 4096); got 'abc'")]
    [InlineData("--parallel abc", "--parallel must be a whole number; got 'abc'")]
    [InlineData("--seed -1", "--seed must be a whole number from 0 to")]
    [InlineData("--batch-size 1000", "--batch-size must be from 1 to 300 (the course's data set has 300 examples); it is 1000")]
    [InlineData("--lr 1e30", "--learning-rate must be a positive number of at most 10")]
    [InlineData("--lr NaN", "--learning-rate must be a number; got 'NaN'")]
    [InlineData("--lr 0", "--learning-rate must be a positive number")]
    [InlineData("--epochs 99999999999", "--epochs must be a whole number")]
    [InlineData("--optimizer adamm", "--optimizer 'adamm' is not one of")]
    [InlineData("--no-such-option", "--no-such-option")]
    [InlineData("tune --trials abc", "--trials must be a whole number; got 'abc'")]
    [InlineData("tune --panda-lr abc", "--panda-lr must be a number; got 'abc'")]
    public void Every_bad_option_is_one_line_on_stderr_and_exit_code_2(string arguments, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DemoCommandLine.Run(arguments.Split(' '), output, error);

        Assert.Equal(DemoCommandLine.UsageExitCode, code);
        Assert.Equal(string.Empty, output.ToString());
        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(lines);
        Assert.StartsWith("numkit-demo: error: ", line);
        Assert.Contains(message, line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("surfaces ")]
    [InlineData("tune -t 2 -r 1 -e 3 ")]
    public void An_output_folder_that_cannot_be_written_is_refused_before_anything_runs(string command)
    {
        using var folder = new TemporaryFolder();
        string file = Path.Combine(folder.Path, "a-file");
        File.WriteAllText(file, "not a folder");
        var output = new StringWriter();
        var error = new StringWriter();

        int code = DemoCommandLine.Run((command + "--output " + Path.Combine(file, "out")).Split(' ', StringSplitOptions.RemoveEmptyEntries), output, error);

        Assert.Equal(DemoCommandLine.UsageExitCode, code);
        Assert.Equal(string.Empty, output.ToString());
        Assert.StartsWith("numkit-demo: error: --output ", error.ToString());
        Assert.Contains("cannot be written", error.ToString());
    }

    [Fact]
    public void A_diverging_run_prints_a_table_with_its_columns_apart()
    {
        (int code, string output) = Invoke("-o gd --lr 10 -e 3 --no-plots");
        Assert.Equal(0, code);
        string row = output.Split('\n').Single(l => l.StartsWith("Gradient descent", StringComparison.Ordinal));
        string[] cells = row["Gradient descent, α 10".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Every cell is one number (the costs and the accuracy), apart however large the cost grew.
        Assert.NotEmpty(cells);
        Assert.All(cells, cell => Assert.True(double.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) || cell is "NaN" or "∞" or "-∞", $"'{cell}' in '{row}'"));
    }

    [Fact]
    public void A_custom_run_prints_its_table()
    {
        (int code, string output) = Invoke("-o gd adam --lr 0.01 --decay interval -e 12 -b 100 --no-plots");
        Assert.Equal(0, code);
        Assert.Contains("Your runs", output);
        Assert.Contains("Gradient descent, α0 0.01, interval decay", output);
        Assert.Contains("Adam, α0 0.01, interval decay", output);
        Assert.Contains("mini-batches of 100", output);
        Assert.DoesNotContain("vs the course", output);
        Assert.DoesNotContain("float32", output);
    }

    [Fact]
    public void The_default_experiment_with_few_epochs_runs_the_course_set_and_the_companions_and_draws()
    {
        string directory = Path.Combine(Path.GetTempPath(), "numkit-demo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int code, string output) = Invoke($"-e 20 --output {directory}");
            Assert.Equal(0, code);
            Assert.Contains("1. The course's optimisation experiment", output);
            Assert.Contains("Adam, α0 0.01, interval decay", output);
            Assert.Contains("2. The same optimizers in float32", output);
            string[] pictures = Directory.GetFiles(directory, "*.png", SearchOption.AllDirectories);
            Assert.Equal(2 + 10, pictures.Length);
            foreach (string picture in pictures)
            {
                Assert.Contains(picture.Replace(directory, string.Empty, StringComparison.Ordinal).TrimStart('/', '\\').Replace('\\', '/'), output.Replace('\\', '/'));
                byte[] header = File.ReadAllBytes(picture)[..8];
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void Surfaces_prints_the_table_for_the_chosen_surfaces()
    {
        (int code, string output) = Invoke("surfaces -s saddle bowl -o gd momentum --no-plots");
        Assert.Equal(0, code);
        Assert.Contains("saddle", output);
        Assert.Contains("bowl", output);
        Assert.DoesNotContain("rosenbrock ", output);
        Assert.Contains("\nMomentum ", output);
        Assert.DoesNotContain("\nAdam ", output);
    }

    // Through DemoCommandLine.Run, as Program.cs runs it, so exit codes are the process's.
    private static (int Code, string Output) Invoke(string arguments)
    {
        var output = new StringWriter();
        int code = DemoCommandLine.Run(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), output, output);
        return (code, output.ToString());
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "numkit-demo-test-" + Guid.NewGuid().ToString("N"));

        public TemporaryFolder() => Directory.CreateDirectory(Path);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
