using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NumKit.Tuning;

/// <summary>What a babysitter's mid-run correction was.</summary>
public enum CorrectionKind
{
    /// <summary>The smoothed cost stopped improving: the learning rate was lowered.</summary>
    Plateau,

    /// <summary>The cost blew up: the last good checkpoint was restored and the learning rate lowered.</summary>
    Divergence,
}
