using System;

namespace NumKit.Tuning;

/// <summary>How a coarse-to-fine search narrows: rounds, trials per round, and the region kept.</summary>
public sealed class CoarseToFineOptions
{
    private int _rounds = 3;
    private int _trialsPerRound = 20;
    private int _topK = 5;
    private double _margin = 0.25;
    private double _minimumWidth = 0.05;

    /// <summary>How many rounds (the first samples the whole space). Default 3.</summary>
    public int Rounds
    {
        get => _rounds;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(Rounds));
            _rounds = value;
        }
    }

    /// <summary>Random trials per round. Default 20.</summary>
    public int TrialsPerRound
    {
        get => _trialsPerRound;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(TrialsPerRound));
            _trialsPerRound = value;
        }
    }

    /// <summary>How many of a round's best trials define the next round's region. Default 5.</summary>
    public int TopK
    {
        get => _topK;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(TopK));
            _topK = value;
        }
    }

    /// <summary>How far, as a fraction of the best trials' spread, the region extends beyond them on each side. Default 0.25.</summary>
    public double Margin
    {
        get => _margin;
        init
        {
            if (!(value >= 0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Margin), value, "The margin must be a finite non-negative fraction.");
            }

            _margin = value;
        }
    }

    /// <summary>The narrowest a region may get, as a fraction of the previous round's range (in each dimension's scale). Default 0.05.</summary>
    public double MinimumWidth
    {
        get => _minimumWidth;
        init
        {
            if (!(value >= 0) || value > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MinimumWidth), value, "The minimum width must be a fraction in [0, 1].");
            }

            _minimumWidth = value;
        }
    }

    /// <summary>Called after each round (on the thread that awaits the search), for a display or a per-round picture.</summary>
    public Action<SearchRound>? RoundFinished { get; init; }
}
