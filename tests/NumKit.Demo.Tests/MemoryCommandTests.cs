using NumKit.Demo.Commands;

namespace NumKit.Demo.Tests;

public class MemoryCommandTests
{
    [Fact]
    public void Memory_without_a_storage_prints_every_row_of_the_table()
    {
        (int code, string output) = Invoke("memory -e 3 --parallel 2");
        Assert.Equal(0, code);
        foreach (Memory.StorageRun run in Memory.StorageRun.All)
        {
            string row = Assert.Single(output.Split('\n'), l => l.StartsWith(run.Label + "  ", StringComparison.Ordinal));
            Assert.EndsWith("µs", row.TrimEnd());
        }

        Assert.Contains("w + g  optimizer  total", output);
    }

    [Theory]
    [InlineData("memory -e 2 --state 8bit", "state 8bit, parameters float32")]
    [InlineData("memory -e 2 --state 8bit-stochastic", "state 8bit-stochastic, parameters float32")]
    [InlineData("memory -e 2 --parameters bfloat16", "state float32, parameters bfloat16 (kahan)")]
    [InlineData("memory -e 2 --parameters bfloat16 --update master --state bfloat16-stochastic", "state bfloat16-stochastic, parameters bfloat16 (master)")]
    public void Memory_with_a_storage_runs_it_next_to_float32(string arguments, string label)
    {
        (int code, string output) = Invoke(arguments);
        Assert.Equal(0, code);
        Assert.Contains("\nfloat32 everywhere ", output);
        Assert.Contains("\n" + label + " ", output);
        Assert.DoesNotContain("state bfloat16, nearest", output);
    }

    [Theory]
    [InlineData("memory --state float16", "float16")]
    [InlineData("memory --update kahan", "--update kahan is how bfloat16 parameters take each update; add --parameters bfloat16.")]
    [InlineData("memory --parameters bfloat16 --update exact", "exact")]
    [InlineData("memory --epochs abc", "--epochs must be a whole number; got 'abc'")]
    public void Bad_memory_options_are_one_line_on_stderr_and_exit_code_2(string arguments, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DemoCommandLine.Run(arguments.Split(' '), output, error);

        Assert.Equal(DemoCommandLine.UsageExitCode, code);
        Assert.Equal(string.Empty, output.ToString());
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("numkit-demo: error: ", line);
        Assert.Contains(message, line);
    }

    private static (int Code, string Output) Invoke(string arguments)
    {
        var output = new StringWriter();
        int code = DemoCommandLine.Run(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), output, output);
        return (code, output.ToString());
    }
}
