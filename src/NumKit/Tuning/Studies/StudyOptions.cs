using System;

namespace NumKit.Tuning;

/// <summary>How a <see cref="Study"/> is created (seed, budget, sampler, retries) and how its workers behave (pruning, heartbeats).</summary>
public sealed class StudyOptions
{
    private int _budget = 100;
    private int _maxAttempts = 2;
    private TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(1);
    private TimeSpan _staleAfter = TimeSpan.FromSeconds(10);

    /// <summary>The study's seed (stored with a new study; a joining worker uses the stored one).</summary>
    public ulong Seed { get; init; }

    /// <summary>How many trials the study runs (stored with a new study). Default 100.</summary>
    public int Budget
    {
        get => _budget;
        init => _budget = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Budget), value, "A study needs at least one trial.");
    }

    /// <summary>What picks each trial's parameters (default: random). Its name is stored and a joining worker's must match.</summary>
    public ISampler Sampler { get; init; } = RandomSampler.Instance;

    /// <summary>Stops hopeless trials early, comparing with the values the lower-numbered trials stored; null runs every trial to the end.</summary>
    public Pruner? Pruner { get; init; }

    /// <summary>How many times a trial may be started before its worker dying fails it for good (stored with a new study). Default 2: one retry.</summary>
    public int MaxAttempts
    {
        get => _maxAttempts;
        init => _maxAttempts = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "A trial needs at least one attempt.");
    }

    /// <summary>How often a worker records that it is alive while it runs a trial. Default 1 s.</summary>
    public TimeSpan HeartbeatInterval
    {
        get => _heartbeatInterval;
        init => _heartbeatInterval = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), value, "The interval must be positive.");
    }

    /// <summary>How long without a heartbeat before a running trial's worker is taken for dead and the trial failed (and retried). Default 10 s.</summary>
    public TimeSpan StaleAfter
    {
        get => _staleAfter;
        init => _staleAfter = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(StaleAfter), value, "The time must be positive.");
    }

    /// <summary>Receives every trial event of this process's workers (on their threads; handlers must be thread-safe).</summary>
    public Action<TrialEvent>? Progress { get; init; }
}
