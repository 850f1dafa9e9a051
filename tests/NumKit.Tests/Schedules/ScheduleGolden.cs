using System.Text.Json;

namespace NumKit.Tests.Schedules;

/// <summary>Reads Golden/schedules.json (PyTorch's learning rates by step and the course's averages).</summary>
internal static class ScheduleGolden
{
    private static readonly Lazy<JsonDocument> s_document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "schedules.json"))));

    /// <summary>One schedule case: its name, NumKit type, positional constructor arguments and expected rates by step.</summary>
    public sealed record Case(string Name, string Type, double[] Arguments, double[] Expected);

    /// <summary>One exponentially weighted average case.</summary>
    public sealed record AverageCase(double Beta, double[] Theta, double[] Expected, double[] ExpectedBiasCorrected);

    public static IReadOnlyList<Case> Schedules()
        => s_document.Value.RootElement.GetProperty("schedules").EnumerateArray()
            .Select(c => new Case(
                c.GetProperty("name").GetString()!,
                c.GetProperty("type").GetString()!,
                Doubles(c.GetProperty("arguments")),
                Doubles(c.GetProperty("expected"))))
            .ToList();

    public static IReadOnlyList<AverageCase> Averages()
        => s_document.Value.RootElement.GetProperty("averages").EnumerateArray()
            .Select(c => new AverageCase(
                c.GetProperty("beta").GetDouble(),
                Doubles(c.GetProperty("theta")),
                Doubles(c.GetProperty("expected")),
                Doubles(c.GetProperty("expected_bias_corrected"))))
            .ToList();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
