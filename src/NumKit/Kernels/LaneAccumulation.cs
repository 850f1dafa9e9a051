using System.ComponentModel;

namespace NumKit.Kernels;

/// <summary>
/// What each element adds to a reduction's lanes: x (<c>sum</c>, <c>mean</c>), x² (<c>norm</c>,
/// <c>rms</c>) or the largest |x| (<c>maxabs</c>). The mean's division and the norm's square root
/// come after the fixed-order total.
/// </summary>
/// <remarks>Part of <c>NumKit.Kernels</c>, the building blocks of generated code: hidden from IntelliSense and free to change in any version.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum LaneAccumulation
{
    /// <summary>Each element adds x.</summary>
    Sum,

    /// <summary>Each element adds x².</summary>
    SumOfSquares,

    /// <summary>The lanes keep the largest |x| (NaN if any is NaN; 0 over no elements).</summary>
    MaxAbs,
}
