namespace NumKit.Batching;

/// <summary>How examples sit in a row-major matrix of features (or labels).</summary>
public enum ExampleLayout
{
    /// <summary>
    /// One example per column, the course's layout: X has shape (featureCount, m), row-major, so
    /// example j is column j and feature f of every example is the contiguous row f.
    /// </summary>
    Columns,

    /// <summary>
    /// One example per row, the usual C# layout: X has shape (m, featureCount), row-major, so
    /// example j is the contiguous row j.
    /// </summary>
    Rows,
}
