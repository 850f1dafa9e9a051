using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NumKit.Randomness;

namespace NumKit.Tuning;

/// <summary>
/// An ask/tell hyperparameter search whose trials live in an <see cref="IStudyStorage"/>, so that worker
/// threads, processes and machines can share it, and it outlives every one of them. A worker asks for a
/// trial, reports its epochs (and learns whether it is pruned), and tells the result.
/// </summary>
/// <remarks>
/// <para>
/// Trial n's parameters are sampled once, by the worker that first claims number n, and stored; a retry
/// reuses them. With <see cref="RandomSampler"/> or <see cref="GridSampler"/> they depend only on
/// (seed, n), whatever the number of workers, the finishing order, crashes and restarts. A model-based
/// sampler (<see cref="TpeSampler"/>) sees the trials finished when n was claimed, which depends on timing
/// with more than one worker.
/// </para>
/// <para>
/// A worker beats (<see cref="StudyOptions.HeartbeatInterval"/>) while it runs a trial; a trial whose
/// worker has not beaten for <see cref="StudyOptions.StaleAfter"/> is failed by a worker that asks (each
/// checks at most every quarter of StaleAfter, and whenever it finds nothing to claim), and if it has attempts left (<see cref="StudyOptions.MaxAttempts"/>) it waits to be claimed again,
/// keeping its parameters and the values it reported.
/// </para>
/// </remarks>
public sealed class Study
{
    private readonly bool _samplerUsesHistory;
    private long _lastReap = long.MinValue;

    private Study(IStudyStorage storage, long studyId, StudySettings settings, SearchSpace space, StudyOptions options)
    {
        Storage = storage;
        StudyId = studyId;
        Settings = settings;
        Space = space;
        Options = options;
        _samplerUsesHistory = options.Sampler is not (RandomSampler or GridSampler);
    }

    /// <summary>Where the study lives.</summary>
    public IStudyStorage Storage { get; }

    /// <summary>The storage's key for the study.</summary>
    public long StudyId { get; }

    /// <summary>The settings stored with the study (seed, budget, attempts), which every worker uses.</summary>
    public StudySettings Settings { get; }

    /// <summary>The study's name.</summary>
    public string Name => Settings.Name;

    /// <summary>The search space.</summary>
    public SearchSpace Space { get; }

    /// <summary>This worker's options (sampler, pruner, heartbeats, progress).</summary>
    public StudyOptions Options { get; }

    /// <summary>
    /// Creates the study <paramref name="name"/> in <paramref name="storage"/>, or joins it if it exists
    /// (then the stored seed, budget and attempts apply, and the space and sampler must match).
    /// </summary>
    /// <exception cref="ArgumentException">The stored study has another space or sampler.</exception>
    public static Study CreateOrLoad(IStudyStorage storage, string name, SearchSpace space, StudyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(space);
        options ??= new StudyOptions();
        var proposed = new StudySettings(name, space.ToString(), options.Sampler.ToString() ?? "sampler", options.Seed, options.Budget, options.MaxAttempts);
        (long id, StudySettings stored) = storage.CreateOrLoadStudy(proposed);
        if (stored.Space != proposed.Space)
        {
            throw new ArgumentException($"Study '{name}' was created over another space:\n{stored.Space}\nnot:\n{proposed.Space}", nameof(space));
        }

        if (stored.Sampler != proposed.Sampler)
        {
            throw new ArgumentException($"Study '{name}' was created with the sampler '{stored.Sampler}', not '{proposed.Sampler}'.", nameof(options));
        }

        return new Study(storage, id, stored, space, options);
    }

    /// <summary>A name for this process's worker number <paramref name="index"/>: host, process id, index.</summary>
    public static string WorkerName(int index = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{index}");

    /// <summary>
    /// Claims the next trial for <paramref name="worker"/> — a retry first, else a new number — after failing
    /// the attempts of workers that stopped beating; null when no trial is left to claim right now.
    /// </summary>
    public StudyTrial? Ask(string worker)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        bool reaped = ReapIfDue(force: false);
        ClaimedTrial? claim = Storage.ClaimTrial(StudyId, worker, Settings.Budget);
        if (claim is null && !reaped && ReapIfDue(force: true))
        {
            claim = Storage.ClaimTrial(StudyId, worker, Settings.Budget);
        }

        if (claim is null)
        {
            return null;
        }

        Trial trial;
        if (claim.Values is { } stored)
        {
            trial = Decode(claim.Number, stored);
        }
        else
        {
            IReadOnlyList<TrialResult> history = _samplerUsesHistory ? Results().Trials.Where(r => r.Status is TrialStatus.Completed or TrialStatus.Pruned).ToArray() : [];
            trial = Options.Sampler.Sample(Space, claim.Number, 0, history, Settings.Seed);
            Storage.SetValues(claim.Id, Encode(trial));
        }

        ImmutableArray<EpochCost> earlier = claim.Attempt > 1
            ? Storage.LoadTrials(StudyId).First(t => t.Id == claim.Id).Intermediate
            : ImmutableArray<EpochCost>.Empty;
        return new StudyTrial(trial, claim.Id, claim.Attempt, worker, earlier);
    }

    /// <summary>
    /// Ends <paramref name="trial"/>'s attempt: Completed, Pruned or Failed with its value (and error), or
    /// Waiting to hand it back unfinished. False if its worker no longer held it (the attempt had been failed as stale).
    /// </summary>
    public bool Tell(StudyTrial trial, StudyTrialState state, double value, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (state == StudyTrialState.Running)
        {
            throw new ArgumentException("A trial is told how it ended: Completed, Pruned, Failed, or Waiting to hand it back.", nameof(state));
        }

        return Storage.FinishTrial(trial.StorageId, trial.Worker, state, value, error);
    }

    /// <summary>Every trial of the study, by number.</summary>
    public IReadOnlyList<StoredTrial> Trials() => Storage.LoadTrials(StudyId);

    /// <summary>Whether every trial of the budget has ended (completed, pruned or failed).</summary>
    public bool IsFinished()
    {
        IReadOnlyList<StoredTrial> trials = Trials();
        return trials.Count == Settings.Budget && trials.All(t => t.State is StudyTrialState.Completed or StudyTrialState.Pruned or StudyTrialState.Failed);
    }

    /// <summary>
    /// The study's trials as <see cref="SearchResults"/> (for the usual tables, CSV and importance): the ones
    /// with parameters, by number; running and waiting ones show as not started, with the values reported so far.
    /// </summary>
    public SearchResults Results()
    {
        var results = new List<TrialResult>();
        foreach (StoredTrial stored in Trials())
        {
            if (stored.Values is null)
            {
                continue;
            }

            TrialStatus status = stored.State switch
            {
                StudyTrialState.Completed => TrialStatus.Completed,
                StudyTrialState.Pruned => TrialStatus.Pruned,
                StudyTrialState.Failed => TrialStatus.Failed,
                _ => TrialStatus.NotStarted,
            };
            int? prunedAt = status == TrialStatus.Pruned ? (stored.Intermediate.IsEmpty ? 0 : stored.Intermediate[^1].Epoch) : null;
            results.Add(new TrialResult(Decode(stored.Number, stored.Values), status, stored.Value, stored.Intermediate, prunedAt, stored.Error));
        }

        return new SearchResults(results);
    }

    /// <summary>
    /// Runs trials through <paramref name="objective"/> as one worker until the study is finished or
    /// <paramref name="cancellationToken"/> fires (the trial then running is handed back); returns how many
    /// trials this worker ended. While other workers still hold trials, it waits for them (a dead one's
    /// trial comes back as a retry).
    /// </summary>
    public int Work(TrialObjective objective, string? worker = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        worker ??= WorkerName();
        int ran = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            StudyTrial? trial = Ask(worker);
            if (trial is null)
            {
                if (IsFinished())
                {
                    break;
                }

                cancellationToken.WaitHandle.WaitOne(Options.HeartbeatInterval);
                continue;
            }

            if (RunTrial(trial, objective, cancellationToken))
            {
                ran++;
            }
        }

        return ran;
    }

    /// <summary>Runs <paramref name="threads"/> workers in this process (see <see cref="Work"/>) and waits for all.</summary>
    public Task RunAsync(TrialObjective objective, int threads = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        var tasks = new Task[threads];
        for (int i = 0; i < threads; i++)
        {
            int index = i;
            tasks[i] = Task.Factory.StartNew(() => Work(objective, WorkerName(index), cancellationToken),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        return Task.WhenAll(tasks);
    }

    /// <summary>The parameters as stored: round-trip numbers in the space's order.</summary>
    internal static string Encode(Trial trial) =>
        string.Join(",", trial.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Trial <paramref name="number"/> with stored parameters; its seed is (study seed, number)'s, as a sampled trial's.</summary>
    internal Trial Decode(int number, string values)
    {
        string[] parts = values.Split(',');
        if (parts.Length != Space.Count)
        {
            throw new FormatException($"Study '{Name}': trial {number}'s stored values '{values}' do not match the space's {Space.Count} dimensions.");
        }

        var point = ImmutableArray.CreateBuilder<double>(parts.Length);
        foreach (string part in parts)
        {
            point.Add(double.Parse(part, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return new Trial(Space, number, 0, new TrialRandom(Settings.Seed, (ulong)number).NextUInt64(), point.MoveToImmutable());
    }

    // Runs one attempt and tells its end; false if it was handed back unfinished (cancelled).
    // A beat that finds the trial no longer held (failed as stale, perhaps retried elsewhere) stops it at its
    // next report, as a cancellation: running on would only compete with the retry for a refused tell.
    private bool RunTrial(StudyTrial trial, TrialObjective objective, CancellationToken cancellationToken)
    {
        using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = new TrialReporter(new StudyBoard(this, trial, held.Token), trial.Trial.Id);
        reporter.Begin(trial.Trial, 0);
        double cost = double.NaN;
        TrialStatus status;
        string? error = null;
        using (var heartbeat = new Timer(Beat, (trial, held), Options.HeartbeatInterval, Options.HeartbeatInterval))
        {
            try
            {
                Options.Progress?.Invoke(new TrialEvent(TrialEventKind.Started, trial.Trial, -1, double.NaN));
                cost = objective(trial.Trial, reporter, reporter.Token);
                status = reporter.IsPruned ? TrialStatus.Pruned : reporter.StoppedByCancellation ? TrialStatus.Cancelled : TrialStatus.Completed;
            }
            catch (Exception e) when (reporter.IsPruned || (e is OperationCanceledException && held.IsCancellationRequested))
            {
                status = reporter.IsPruned ? TrialStatus.Pruned : TrialStatus.Cancelled;
            }
#pragma warning disable CA1031 // One failing trial must not end the worker; it is stored as failed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                status = TrialStatus.Failed;
                error = $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                reporter.End();
            }
        }

        if (status != TrialStatus.Completed)
        {
            cost = reporter.LastCost;
        }

        StudyTrialState state = status switch
        {
            TrialStatus.Completed => StudyTrialState.Completed,
            TrialStatus.Pruned => StudyTrialState.Pruned,
            TrialStatus.Failed => StudyTrialState.Failed,
            _ => StudyTrialState.Waiting,
        };
        Tell(trial, state, cost, error);
        if (status != TrialStatus.Pruned)
        {
            Options.Progress?.Invoke(new TrialEvent(status switch
            {
                TrialStatus.Completed => TrialEventKind.Completed,
                TrialStatus.Failed => TrialEventKind.Failed,
                _ => TrialEventKind.Cancelled,
            }, trial.Trial, reporter.LastEpoch, cost));
        }

        return state != StudyTrialState.Waiting;
    }

    // Reaping is a write that finds nothing almost every time, so an ask does it only when a quarter of
    // StaleAfter has passed since this study object last did (or when there is nothing else to claim):
    // a dead worker's trial is retried at most StaleAfter × 1.25 after its last beat.
    private bool ReapIfDue(bool force)
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastReap);
        if (!force && last != long.MinValue && now - last < (long)(Options.StaleAfter.TotalMilliseconds / 4))
        {
            return false;
        }

        Interlocked.Exchange(ref _lastReap, now);
        Storage.ReapStaleTrials(StudyId, Options.StaleAfter, Settings.MaxAttempts);
        return true;
    }

    private void Beat(object? state)
    {
        (StudyTrial trial, CancellationTokenSource held) = ((StudyTrial, CancellationTokenSource))state!;
        try
        {
            if (!Storage.Heartbeat(trial.StorageId, trial.Worker))
            {
                held.Cancel();
            }
        }
#pragma warning disable CA1031 // A missed beat (a database hiccup, or a beat after the trial ended) is harmless: the next one, or the stale-trial rule, settles it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
