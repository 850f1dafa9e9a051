using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace NumKit.Tuning;

/// <summary>
/// The results of a search: one <see cref="TrialResult"/> per trial, ordered by trial id, with the
/// best, a ranking, a text table and CSV export (invariant culture). Immutable.
/// </summary>
public sealed class SearchResults
{
    /// <summary>Collects results (ordered by id here); <paramref name="wasCancelled"/> says the search stopped early.</summary>
    /// <exception cref="ArgumentException">Two results have the same trial id, or their trials come from spaces with different dimension names.</exception>
    public SearchResults(IEnumerable<TrialResult> trials, bool wasCancelled = false)
    {
        ArgumentNullException.ThrowIfNull(trials);
        TrialResult[] sorted = trials.OrderBy(r => r.Id).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Id == sorted[i - 1].Id)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Two results have the trial id {sorted[i].Id}."), nameof(trials));
            }

            sorted[0].Trial.Space.RequireSameNames(sorted[i].Trial.Space, nameof(trials));
        }

        Trials = sorted.ToImmutableArray();
        WasCancelled = wasCancelled;
        Ranked = Trials.OrderBy(r => r, RankComparer.Instance).ToImmutableArray();
        Best = Ranked.Length > 0 && Ranked[0].IsRankable ? Ranked[0] : null;
    }

    /// <summary>Every trial's result, ordered by trial id.</summary>
    public ImmutableArray<TrialResult> Trials { get; }

    /// <summary>Whether the search was cancelled before every trial finished (some are Cancelled or NotStarted).</summary>
    public bool WasCancelled { get; }

    /// <summary>The completed trial with the lowest finite cost (lowest id among equals), or null if none completed.</summary>
    public TrialResult? Best { get; }

    /// <summary>
    /// Every result, best first: completed trials by cost (non-finite last), then pruned trials (latest
    /// pruned first, then by cost), then failed, cancelled and not started; ties by id.
    /// </summary>
    public ImmutableArray<TrialResult> Ranked { get; }

    /// <summary>The names of the hyperparameters, in the space's order (empty when there are no results).</summary>
    public IEnumerable<string> ParameterNames => Trials.IsEmpty ? [] : Trials[0].Trial.Space.Names;

    /// <summary>How many trials ended with <paramref name="status"/>.</summary>
    public int Count(TrialStatus status) => Trials.Count(r => r.Status == status);

    /// <summary>The <paramref name="k"/> best completed trials with a finite cost, best first.</summary>
    public ImmutableArray<TrialResult> Top(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return Ranked.Where(r => r.IsRankable).Take(k).ToImmutableArray();
    }

    /// <summary>All the results of several searches (such as the rounds of coarse to fine), ordered by id.</summary>
    /// <exception cref="ArgumentException">Two results share a trial id.</exception>
    public static SearchResults Combine(IEnumerable<SearchResults> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        SearchResults[] all = parts.ToArray();
        return new SearchResults(all.SelectMany(p => p.Trials), all.Any(p => p.WasCancelled));
    }

    /// <summary>
    /// Writes one CSV row per trial, by id: <c>id,round,status,cost,last_epoch,pruned_at_epoch,seed</c>, one
    /// column per hyperparameter (round-trip numbers; a choice's label), and <c>error</c>. Invariant
    /// culture, "\n" line ends, fields quoted only when they need it.
    /// </summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        List<string> names = [.. ParameterNames];
        writer.Write(CsvRow(CsvHeader(names)));
        foreach (TrialResult result in Trials)
        {
            writer.Write(CsvRow(CsvFields(result)));
        }
    }

    /// <summary>The CSV header: the fixed columns, one per hyperparameter, and <c>error</c>.</summary>
    internal static List<string> CsvHeader(IEnumerable<string> parameterNames)
    {
        var header = new List<string> { "id", "round", "status", "cost", "last_epoch", "pruned_at_epoch", "seed" };
        header.AddRange(parameterNames);
        header.Add("error");
        return header;
    }

    /// <summary>One trial's CSV fields, in the header's order.</summary>
    internal static List<string> CsvFields(TrialResult result)
    {
        var row = new List<string>
        {
            Invariant(result.Id),
            Invariant(result.Trial.Round),
            StatusName(result.Status),
            Dimension.Show(result.Cost),
            result.LastEpoch is int last ? Invariant(last) : string.Empty,
            result.PrunedAtEpoch is int pruned ? Invariant(pruned) : string.Empty,
            result.Trial.Seed.ToString(CultureInfo.InvariantCulture),
        };
        SearchSpace space = result.Trial.Space;
        for (int d = 0; d < space.Count; d++)
        {
            row.Add(space[d].FormatExact(result.Trial.Values[d]));
        }

        row.Add(result.Error ?? string.Empty);
        return row;
    }

    /// <summary>Writes the learning curves in long form, <c>id,epoch,cost</c>, one row per reported epoch (for charts).</summary>
    public void WriteCurvesCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("id,epoch,cost\n");
        foreach (TrialResult result in Trials)
        {
            foreach (EpochCost point in result.Curve)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{result.Id},{point.Epoch},{Dimension.Show(point.Cost)}\n"));
            }
        }
    }

    /// <summary>The CSV of <see cref="WriteCsv(TextWriter)"/> as a string.</summary>
    public string ToCsv()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(writer);
        return writer.ToString();
    }

    /// <summary>
    /// Writes the CSV of <see cref="WriteCsv(TextWriter)"/> to the file at <paramref name="path"/> (UTF-8),
    /// crash-safely: into a temporary file beside it, flushed to disk, which then replaces the old file in one
    /// rename — a crash mid-write leaves the previous file whole.
    /// </summary>
    /// <exception cref="IOException">The folder does not exist or cannot be written; the old file is unchanged.</exception>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NumKit.IO.AtomicFile.Write(path, this, static (stream, results) =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
            results.WriteCsv(writer);
        });
    }

    /// <summary>
    /// A fixed-width text table of the <paramref name="maxRows"/> best results (see <see cref="Ranked"/>):
    /// rank, id, round, status, cost, epochs and every hyperparameter, then a line of counts.
    /// </summary>
    public string FormatTable(int maxRows = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        var header = new List<string> { "rank", "id", "round", "status", "cost", "epochs" };
        header.AddRange(ParameterNames);
        var rows = new List<List<string>> { header };
        foreach ((TrialResult result, int rank) in Ranked.Take(maxRows).Select((r, i) => (r, i + 1)))
        {
            var row = new List<string>
            {
                Invariant(rank),
                Invariant(result.Id),
                Invariant(result.Trial.Round),
                result.Status == TrialStatus.Pruned ? "pruned@" + Invariant(result.PrunedAtEpoch!.Value) : StatusName(result.Status),
                double.IsNaN(result.Cost) ? "-" : result.Cost.ToString("G6", CultureInfo.InvariantCulture),
                result.LastEpoch is int last ? Invariant(last + 1) : "0",
            };
            SearchSpace space = result.Trial.Space;
            for (int d = 0; d < space.Count; d++)
            {
                row.Add(space[d].Format(result.Trial.Values[d]));
            }

            rows.Add(row);
        }

        var text = new StringBuilder();
        // Numbers right-aligned, text (status, hyperparameter values) left-aligned.
        TextTable.Append(text, rows, column => column is 0 or 1 or 2 or 4 or 5);
        text.Append(CultureInfo.InvariantCulture,
            $"{Trials.Length} trials: {Count(TrialStatus.Completed)} completed, {Count(TrialStatus.Pruned)} pruned, {Count(TrialStatus.Failed)} failed, {Count(TrialStatus.Cancelled)} cancelled, {Count(TrialStatus.NotStarted)} not started");
        if (WasCancelled)
        {
            text.Append(" (search cancelled)");
        }

        return text.ToString();
    }

    internal static string StatusName(TrialStatus status) => status switch
    {
        TrialStatus.NotStarted => "not_started",
        TrialStatus.Completed => "completed",
        TrialStatus.Pruned => "pruned",
        TrialStatus.Failed => "failed",
        _ => "cancelled",
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One CSV line: fields joined by commas, quoted only when they need it, and "\n".</summary>
    internal static string CsvRow(List<string> fields)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            string field = fields[i];
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(field);
            }
        }

        return line.Append('\n').ToString();
    }

    /// <summary>Orders results best first: see <see cref="Ranked"/>.</summary>
    private sealed class RankComparer : IComparer<TrialResult>
    {
        public static readonly RankComparer Instance = new();

        public int Compare(TrialResult? x, TrialResult? y)
        {
            int c = Group(x!).CompareTo(Group(y!));
            if (c == 0 && x!.Status == TrialStatus.Pruned)
            {
                // Trials that survived longer were better for longer.
                c = y!.PrunedAtEpoch!.Value.CompareTo(x.PrunedAtEpoch!.Value);
            }

            if (c == 0 && x!.Status is TrialStatus.Completed or TrialStatus.Pruned && double.IsFinite(x.Cost) && double.IsFinite(y!.Cost))
            {
                c = x.Cost.CompareTo(y.Cost);
            }

            return c != 0 ? c : x!.Id.CompareTo(y!.Id);
        }

        private static int Group(TrialResult r) => r.Status switch
        {
            TrialStatus.Completed => double.IsFinite(r.Cost) ? 0 : 1,
            TrialStatus.Pruned => 2,
            TrialStatus.Failed => 3,
            TrialStatus.Cancelled => 4,
            _ => 5,
        };
    }
}

/// <summary>Lays out rows of text as fixed-width columns (first row the header).</summary>
internal static class TextTable
{
    public static void Append(StringBuilder text, IReadOnlyList<IReadOnlyList<string>> rows, Func<int, bool> isRightAligned)
    {
        int columns = rows.Max(r => r.Count);
        var widths = new int[columns];
        foreach (IReadOnlyList<string> row in rows)
        {
            for (int c = 0; c < row.Count; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (IReadOnlyList<string> row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < row.Count; c++)
            {
                if (c > 0)
                {
                    line.Append("  ");
                }

                line.Append(isRightAligned(c) ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }
}
