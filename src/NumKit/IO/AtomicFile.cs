using System;
using System.IO;

namespace NumKit.IO;

/// <summary>
/// Writes a file so that, whenever the process or the machine stops, the path holds either the previous
/// file, whole, or the new one, whole — never a mix or a truncated file.
/// </summary>
/// <remarks>
/// <para>
/// The new contents go to a temporary file in the same folder (so the final rename never crosses file
/// systems), are flushed to the disk (<see cref="FileStream.Flush(bool)"/> with <c>true</c>: fsync on Unix,
/// FlushFileBuffers on Windows), and the temporary file then replaces the target in one rename
/// (<see cref="File.Move(string, string, bool)"/> with overwrite: rename(2) on Unix, MoveFileEx with
/// MOVEFILE_REPLACE_EXISTING on Windows). If writing fails or throws, the temporary file is deleted and the
/// target is untouched. A crash between the two leaves a stray <c>.*.tmp</c> file beside the target, never a
/// damaged target.
/// </para>
/// <para>
/// Used by every file the library writes (checkpoints, parameter values, search results), so each has the
/// same guarantee; public so a caller can write several parts into one file with it (the values, the
/// optimizer's checkpoint and the batches' position, as the README's resume recipe does).
/// </para>
/// </remarks>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, which receives a stream on a temporary
    /// file; when it returns, the data is flushed to disk and the temporary file replaces <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="IOException">The folder does not exist or cannot be written; <paramref name="path"/> is unchanged.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, write, static (stream, w) => w(stream));
    }

    /// <summary>As <see cref="Write(string, Action{Stream})"/>, passing <paramref name="state"/> to the writer (no closure).</summary>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        if (Directory.Exists(target))
        {
            throw new ArgumentException($"'{path}' is a folder; give the path of a file.", nameof(path));
        }

        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string temporary = TemporaryPath(folder, Path.GetFileName(target));
        try
        {
            // CreateNew: never reuse a file another writer may hold; the random name makes a clash unlikely.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
            {
                write(stream, state);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark, atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, text, static (stream, t) =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
            writer.Write(t);
        });
    }

    /// <summary>
    /// The name of a temporary file beside <paramref name="fileName"/>: hidden on Unix, marked as NumKit's, and
    /// random, so two writers of the same target never share one.
    /// </summary>
    internal static string TemporaryPath(string folder, string fileName)
        => Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.numkit.tmp");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure is the one to report; a stray temporary file harms nothing.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
