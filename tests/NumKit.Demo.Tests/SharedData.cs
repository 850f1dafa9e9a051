namespace NumKit.Demo.Tests;

/// <summary>Finds the project's shared course data (shared/data/course) when it is beside a clone, for extra checks.</summary>
internal static class SharedData
{
    public static string? Find(string fileName)
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared", "data", "course", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A theory that runs only where the shared course data is beside the clone; reported as skipped elsewhere.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (SharedData.Find("moons300.csv") is null || SharedData.Find("init_weights.txt") is null)
        {
            Skip = "shared/data/course is not beside this clone, so there is nothing to compare the embedded files with.";
        }
    }
}
