
namespace NumKit.Generators.Tests;

/// <summary>
/// Whole-file snapshots, Verify-style: the expected text lives in <c>Baselines/NAME.txt</c>; on a
/// mismatch the actual text is written beside it as <c>NAME.received.txt</c> and the test fails.
/// Accept a change by running the tests with <c>NUMKIT_ACCEPT_SNAPSHOTS=1</c> (which overwrites the
/// baselines instead of failing), or by running <c>tests/accept-snapshots.sh</c> to move every received
/// file over its baseline. CI (CI=true) never accepts.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string name, string actual)
    {
        string folder = Path.Combine(SnapshotTests.RepositoryRoot(), "tests", "NumKit.Generators.Tests", "Baselines");
        string baseline = Path.Combine(folder, name + ".txt");
        string received = Path.Combine(folder, name + ".received.txt");
        actual = actual.Replace("\r\n", "\n");

        string? expected = File.Exists(baseline) ? File.ReadAllText(baseline).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        bool accept = Environment.GetEnvironmentVariable("NUMKIT_ACCEPT_SNAPSHOTS") == "1"
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (accept)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(baseline, actual);
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No baseline for '{name}'. Review {received} and accept it (tests/accept-snapshots.sh, or NUMKIT_ACCEPT_SNAPSHOTS=1 dotnet test)."
            : $"'{name}' differs from its baseline at line {FirstDifference(expected, actual)}. Compare {received} with {baseline}; accept with tests/accept-snapshots.sh if the change is intended.");
    }

    private static int FirstDifference(string expected, string actual)
    {
        string[] a = expected.Split('\n');
        string[] b = actual.Split('\n');
        int line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        return line + 1;
    }
}
