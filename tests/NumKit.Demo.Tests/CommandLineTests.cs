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
    [InlineData("--batch-size -3", "--batch-size must be at least 1; it is -3")]
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

    private static (int Code, string Output) Invoke(string arguments)
    {
        var output = new StringWriter();
        int code = DemoCommandLine.Create().Parse(arguments).Invoke(new InvocationConfiguration { Output = output, Error = output });
        return (code, output.ToString());
    }
}
