using System;
using System.IO;

namespace NumKit.Demo.Commands;

/// <summary>
/// The demo's output folder: checked before a command starts (so a long run cannot end in a stack trace
/// because its results cannot be written), and written file by file crash-safely.
/// </summary>
public static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="path"/> if needed and proves it can be written by creating and deleting a file in it.
    /// </summary>
    /// <exception cref="UsageException">The folder cannot be created or written; the message names the option and the reason.</exception>
    public static string Prepare(string path, string optionName = "--output")
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            string full = Path.GetFullPath(path);
            if (File.Exists(full))
            {
                throw new UsageException($"{optionName} '{path}' is a file, not a folder.");
            }

            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".numkit-write-test-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{optionName} '{path}' cannot be written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Has <paramref name="save"/> write a file (a picture, by a library that takes a path) to a temporary path
    /// beside <paramref name="path"/> with the same extension, flushes it to disk and renames it over
    /// <paramref name="path"/>: a crash leaves the previous file or the new one, whole, never a truncated one.
    /// </summary>
    public static string SaveAtomically(string path, Action<string> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(target)}");
        try
        {
            save(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
            return path;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
