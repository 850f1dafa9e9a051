using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// The test assembly's entry point, used only when a crash test starts it as a child process
/// (<c>dotnet exec NumKit.Tests.dll crash-child ...</c>); the test host never calls it. The child saves files
/// in a loop until a file-size limit (<c>ulimit -f</c>) or a kill stops it mid-save.
/// </summary>
public static class CrashChild
{
    /// <summary>The size of the optimizer the child saves: about 800 KB of Adam checkpoint, as in the issue.</summary>
    public const int ParameterCount = 100_000;

    public static int Main(string[] args)
    {
        if (args.Length != 3 || args[0] != "crash-child")
        {
            Console.Error.WriteLine("usage: NumKit.Tests.dll crash-child checkpoint|values|text <path>");
            return 2;
        }

        string path = args[2];
        var parameters = new ParameterSet<float>(new ParameterLayout().Add("w", ParameterCount));
        var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 0.5f }, parameters.Layout);
        for (int round = 1; ; round++)
        {
            // Every round's file differs from the last, so a half-written file could not pass for a whole one.
            parameters.Values.Fill(round);
            parameters.Gradients.Fill(1f / round);
            optimizer.Step(parameters);
            switch (args[1])
            {
                case "checkpoint":
                    optimizer.SaveCheckpoint(path);
                    break;
                case "values":
                    parameters.SaveValues(path);
                    break;
                default:
                    IO.AtomicFile.WriteAllText(path, CrashTests.CsvOf(round));
                    break;
            }

            // Tell the parent a whole file is in place, so it can start the kill.
            Console.Out.WriteLine(round);
            Console.Out.Flush();
        }
    }
}
