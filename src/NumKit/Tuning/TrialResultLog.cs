using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace NumKit.Tuning;

/// <summary>
/// A CSV file that grows by one row per finished trial, written and flushed to disk as the trial
/// ends, so a crash keeps every trial that finished. Pass <see cref="Append"/> as
/// <see cref="ParallelTrialsOptions.TrialFinished"/>. Thread-safe.
/// </summary>
/// <remarks>
/// The columns are those of <see cref="SearchResults.WriteCsv(TextWriter)"/>; rows come in the order
/// trials finish (sort by id to compare with the final CSV). A header is written when the file is new or
/// empty; appending to a file with another header is refused, so two searches never mix their columns.
/// </remarks>
public sealed class TrialResultLog : IDisposable
{
    private readonly object _gate = new();
    private readonly FileStream _stream;
    private readonly IReadOnlyList<string> _parameterNames;
    private bool _disposed;

    /// <summary>Opens (or creates) <paramref name="path"/> for a search over <paramref name="space"/>.</summary>
    /// <exception cref="IOException">The file cannot be opened, or it holds rows of a search with other columns.</exception>
    public TrialResultLog(string path, SearchSpace space)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(space);
        Path = path;
        _parameterNames = [.. space.Names];
        string header = SearchResults.CsvRow(SearchResults.CsvHeader(_parameterNames));
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (_stream.Length == 0)
            {
                Write(header);
            }
            else
            {
                using var reader = new StreamReader(_stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
                string? first = reader.ReadLine();
                if (first + "\n" != header)
                {
                    throw new IOException($"'{path}' holds the trials of another search (its header is '{first}'); give another file.");
                }

                _stream.Seek(0, SeekOrigin.End);
            }
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Appends <paramref name="result"/>'s row and flushes it to disk before returning.</summary>
    /// <exception cref="ObjectDisposedException">The log was closed.</exception>
    public void Append(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string row = SearchResults.CsvRow(SearchResults.CsvFields(result));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Write(row);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _stream.Dispose();
            }
        }
    }

    private void Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
    }
}
