namespace NumKit.Benchmarks.Infrastructure;

/// <summary>
/// The bytes one benchmark invocation must move between memory and the core for each of its
/// <c>N</c> parameters — every array read once and written once, at 4 bytes a float — from which
/// <see cref="ThroughputColumn"/> derives bytes per second.
/// </summary>
/// <remarks>
/// The count is the minimum of a single pass (Adam: read w, g, m, v and write w, m, v = 28 bytes), not
/// what a competitor actually moves: a seven-pass composition moves more and so shows a lower rate.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BytesPerParameterAttribute : Attribute
{
    /// <summary>Declares that the benchmark moves <paramref name="bytes"/> bytes per parameter.</summary>
    public BytesPerParameterAttribute(int bytes) => Bytes = bytes;

    /// <summary>The bytes moved per parameter.</summary>
    public int Bytes { get; }
}
