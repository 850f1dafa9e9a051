using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>How a babysat run ended.</summary>
public enum BabysitStatus
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>Cancelled between epochs; the epochs so far are kept.</summary>
    Cancelled,

    /// <summary>The cost diverged more than <see cref="BabysittingOptions.MaxRestores"/> times; the last good checkpoint was restored and the run stopped.</summary>
    GaveUp,

    /// <summary>
    /// An epoch threw (see <see cref="BabysitResult.Error"/>); the last good checkpoint was restored and the
    /// record of the epochs before it is kept.
    /// </summary>
    Failed,
}
