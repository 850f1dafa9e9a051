using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NumKit.Benchmarks.Infrastructure;

/// <summary>
/// A summary column with the memory traffic a benchmark achieves, in GB/s (10⁹ bytes per second):
/// its <see cref="BytesPerParameterAttribute"/> times the <c>N</c> parameter, over the mean time.
/// With <see cref="ShareOfTriad"/>, the same rate as a percentage of the in-place triad's rate at the
/// same <c>N</c> in the same run (the memory-bound limit).
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    /// <summary>The category that marks the triad benchmark the percentages refer to.</summary>
    public const string TriadCategory = "Triad";

    private ThroughputColumn(bool shareOfTriad) => ShareOfTriad = shareOfTriad;

    /// <summary>The GB/s column.</summary>
    public static ThroughputColumn Rate { get; } = new(shareOfTriad: false);

    /// <summary>The percentage-of-triad column.</summary>
    public static ThroughputColumn TriadShare { get; } = new(shareOfTriad: true);

    /// <summary>Whether this column shows the share of the triad's rate rather than the rate.</summary>
    public bool ShareOfTriad { get; }

    /// <inheritdoc/>
    public string Id => ShareOfTriad ? "NumKit.TriadShare" : "NumKit.GBps";

    /// <inheritdoc/>
    public string ColumnName => ShareOfTriad ? "Triad%" : "GB/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => ShareOfTriad ? 1 : 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => ShareOfTriad
        ? "GB/s as a percentage of the in-place triad a[i] += s * b[i] at the same N in this run"
        : "Bytes a single pass must move (BytesPerParameter × N) per second, in 10^9 bytes/s";

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary)
        => !ShareOfTriad || summary.BenchmarksCases.Any(IsTriad);

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? rate = BytesPerSecond(summary, benchmarkCase);
        if (rate is null)
        {
            return "-";
        }

        if (!ShareOfTriad)
        {
            return (rate.Value / 1e9).ToString("F1", CultureInfo.InvariantCulture);
        }

        BenchmarkCase? triad = summary.BenchmarksCases.FirstOrDefault(
            c => IsTriad(c) && SameParameters(c, benchmarkCase) && c.Job.Id == benchmarkCase.Job.Id);
        double? triadRate = triad is null ? null : BytesPerSecond(summary, triad);
        return triadRate is null or 0 ? "-" : (100 * rate.Value / triadRate.Value).ToString("F0", CultureInfo.InvariantCulture) + "%";
    }

    /// <inheritdoc/>
    public override string ToString() => ColumnName;

    private static double? BytesPerSecond(Summary summary, BenchmarkCase benchmarkCase)
    {
        BytesPerParameterAttribute? bytes = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<BytesPerParameterAttribute>();
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (bytes is null || meanNanoseconds is null or <= 0 || benchmarkCase.Parameters["N"] is not int n)
        {
            return null;
        }

        return (double)bytes.Bytes * n / (meanNanoseconds.Value * 1e-9);
    }

    private static bool IsTriad(BenchmarkCase benchmarkCase) => benchmarkCase.Descriptor.Categories.Contains(TriadCategory);

    private static bool SameParameters(BenchmarkCase a, BenchmarkCase b)
        => a.Parameters.Items.Count == b.Parameters.Items.Count
           && a.Parameters.Items.All(p => Equals(p.Value, b.Parameters[p.Name]));
}
