using System;
using System.IO;
using NumKit.IO;

namespace NumKit;

// Checkpoints to and from a path. Saving goes through AtomicFile, so a crash mid-save leaves the previous
// checkpoint whole; loading reads through the stream overload, which checks everything before it changes anything.
public partial class Optimizer<TRule, T>
{
    /// <summary>
    /// Saves a checkpoint (as <see cref="SaveCheckpoint(Stream)"/>) to the file <paramref name="path"/>, crash-safely:
    /// the checkpoint is written to a temporary file in the same folder, flushed to disk, and then replaces the
    /// file in one rename. If the process dies or the disk fills mid-save, <paramref name="path"/> still holds the
    /// previous checkpoint, whole.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="IOException">The folder does not exist or cannot be written; <paramref name="path"/> is unchanged.</exception>
    public void SaveCheckpoint(string path)
        => AtomicFile.Write(path, this, static (stream, optimizer) => optimizer.SaveCheckpoint(stream));

    /// <summary>Loads a checkpoint file written by <see cref="SaveCheckpoint(string)"/> (or to a file by <see cref="SaveCheckpoint(Stream)"/>).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">As <see cref="LoadCheckpoint(Stream)"/>: the checkpoint does not fit; nothing changed.</exception>
    /// <exception cref="InvalidDataException">As <see cref="LoadCheckpoint(Stream)"/>: not a checkpoint, or damaged; nothing changed.</exception>
    public void LoadCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        LoadCheckpoint(stream);
    }
}
