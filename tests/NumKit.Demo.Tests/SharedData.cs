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
