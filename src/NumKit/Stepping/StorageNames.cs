using System;

namespace NumKit.Stepping;

/// <summary>The names checkpoints give to the types values are stored as.</summary>
internal static class StorageNames
{
    /// <summary>"float32", "float64" or "float16" for <typeparamref name="T"/>, else the type's name.</summary>
    public static string Of<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return "float32";
        }

        if (typeof(T) == typeof(double))
        {
            return "float64";
        }

        if (typeof(T) == typeof(Half))
        {
            return "float16";
        }

        return typeof(T).Name.ToLowerInvariant();
    }
}
