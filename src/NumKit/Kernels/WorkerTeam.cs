using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NumKit.Kernels;

/// <summary>
/// A fixed team of background threads that run the parts of one element-wise job alongside the calling
/// thread, without allocating: the caller publishes a function pointer and a pointer to its job (which lives
/// on its stack and is pinned for the call), and every thread of the job — the caller included — claims
/// parts one at a time until none is left; the caller returns when every part has finished. Used to split one
/// optimizer step (or one batch gather) across cores.
/// </summary>
/// <remarks>
/// <para>
/// Parts are claimed, not assigned: a job is cut into several parts per thread (<see cref="PartsPerThread"/>),
/// and a part runs on whichever thread claims it first. So when a worker does not get a core in time — another
/// process, or another runtime's thread pool (libtorch's OpenMP threads spin after every call), is busy on
/// the other cores — the caller takes over the parts the worker has not started, and a split job is about as
/// fast as running it on one thread instead of waiting for the worker. A part a worker has started runs to its
/// end on that worker; small parts keep that wait short. Which thread ran a part never changes its result.
/// </para>
/// <para>
/// A worker can still be preempted in the middle of a part it has started (a process spinning on its core gets
/// the core for a whole time slice), and a part cannot be taken back: the caller waits. After such a wait the
/// team backs off — the next jobs run on the caller alone, twice as many after each repeated wait, up to 256 —
/// and it splits again as soon as a job runs without such a wait.
/// </para>
/// <para>
/// That back-off answers a wait in every job, not one in every few: under lasting contention (a thread spinning on
/// every other core, so the worker shares a core and is preempted every few jobs) the jobs between two waits
/// reset it, and the waits — a scheduler time slice each, longer than a whole 1 Mi step — cost more than the
/// split saves. So a job that says how much work it is (<c>work</c>) is also timed: per size of job (a power of
/// two of work), the team keeps a running mean of what a unit of work costs split (waits included) and on the
/// caller alone, and runs jobs of that size the cheaper way. While splitting it runs one job in
/// <see cref="AloneSampleInterval"/> alone to keep the second mean current (under 1% of the split's gain); while
/// running alone it tries a split after 2, 4, … up to 256 jobs. Which thread runs a part never changes its
/// result, so none of this changes the bits, only the time.
/// </para>
/// <para>
/// A worker that finishes a job spins for <see cref="SpinTime"/> waiting for the next one, so back-to-back
/// steps hand off in well under a microsecond; after that it sleeps on an event, and the next job wakes it
/// (tens of microseconds, during which the caller has usually claimed its parts already). A sleeping team
/// costs nothing.
/// </para>
/// <para>
/// One job runs at a time: a <c>Run</c> that finds the team
/// busy (another thread's step, or a job started from inside a part) runs every part on its own thread instead
/// of waiting, so it can neither deadlock nor change results — the parts of a job are independent by contract.
/// </para>
/// </remarks>
internal sealed unsafe class WorkerTeam
{
    /// <summary>How long an idle worker spins for the next job before it sleeps.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(0.2);

    /// <summary>
    /// How many parts a split job is cut into per thread. More parts let the caller take over more of a worker
    /// that did not get a core, and shorten the wait for a part a descheduled worker holds; each part costs one
    /// interlocked claim (tens of nanoseconds) and a kernel call.
    /// </summary>
    public const int PartsPerThread = 4;

    // A ticket holds the thread count in 8 bits; a step split further than this gains nothing anyway.
    private const int MaxWorkers = 63;

    // A claim holds the part count and the next part in 16 bits each.
    private const int MaxParts = ushort.MaxValue;

    private static readonly object s_createLock = new();
    private static WorkerTeam? s_shared;

    private readonly Worker[] _workers;
    private readonly long _spinTicks;

    // 0 when idle, 1 while a job runs; taken with CompareExchange so a nested or concurrent Run falls back.
    private int _busy;

    // The published job. A worker reads it only after it has claimed a part of the job (see TryClaim).
    private delegate*<void*, int, void> _body;
    private void* _context;

    // The job's generation and thread count in one value (generation << 8 | threads), so a worker reads both
    // at once: a worker not in one job must not pair its generation with the next job's thread count.
    private long _ticket;

    // The job's claims: generation << 32 | parts << 16 | next unclaimed part. A thread claims a part with one
    // compare-exchange that also checks the generation, so a worker that wakes after its job ended claims
    // nothing of it (and nothing of the next job under the old job's generation).
    private long _claim;

    // How many parts of the job have finished; the caller returns when it reaches the part count.
    private int _finished;
    private ExceptionDispatchInfo? _failure;

    // The caller's VectorPaths limit, which the workers take on for the job.
    private int _vectorLimit;

    // Back-off after a job whose caller waited for a worker's part far longer than a part takes: the worker
    // was preempted mid-part (another process spins on its core), and a part cannot be taken back once
    // started. The next _soloJobsLeft jobs run on the caller alone; each such wait doubles the next back-off
    // (up to MaxBackOff jobs), and a job without one resets it. Which thread runs a part never changes its
    // result, so this changes only the time.
    private const int MaxBackOff = 256;
    private int _soloJobsLeft;
    private int _backOff = 1;

    /// <summary>While splitting jobs of one size, one in this many runs on the caller alone to time it.</summary>
    public const int AloneSampleInterval = 128;

    // What a unit of work costs split and alone, per size of job: index log2(work). Touched only by the thread that
    // holds _busy, so plain fields; allocated once with the team (a step allocates nothing).
    private readonly JobCosts[] _costs = new JobCosts[64];

    // 1 while the caller runs jobs alone: idle workers sleep at once instead of spinning for the next job, so they
    // do not take a core from the caller (on two cores with a busy thread, a spinning worker costs the caller a
    // third of its time) — which would also make the jobs timed alone look dearer than they are. A split job
    // clears it, and wakes the workers as always.
    private int _runningAlone;

    // Internal so tests can make a team of their own; NumKit uses Shared.
    internal WorkerTeam(int workerCount)
    {
        _spinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        _workers = new Worker[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            _workers[i] = new Worker(this, part: i + 1);
        }
    }

    /// <summary>
    /// The process-wide team: <c>Environment.ProcessorCount - 1</c> workers (the caller is the other thread; at most 63),
    /// created on first use.
    /// </summary>
    public static WorkerTeam Shared
    {
        get
        {
            WorkerTeam? team = Volatile.Read(ref s_shared);
            if (team is not null)
            {
                return team;
            }

            lock (s_createLock)
            {
                s_shared ??= new WorkerTeam(Math.Clamp(Environment.ProcessorCount - 1, 0, MaxWorkers));
                return s_shared;
            }
        }
    }

    /// <summary>How many threads a job can use: the workers and the caller.</summary>
    public int ThreadCount => _workers.Length + 1;

    /// <summary>
    /// How many threads to split <paramref name="work"/> units across: 1 unless the caller allows more than one
    /// thread and there are at least two threads' worth of <paramref name="minimumPerThread"/>; otherwise as
    /// many threads of at least that much as <paramref name="maxDegree"/> and the shared team allow. Starts
    /// the shared team only when it returns more than 1. Cut the work into <see cref="PartsFor(int)"/> parts.
    /// </summary>
    public static int ThreadsFor(int maxDegree, long work, long minimumPerThread)
    {
        if (maxDegree <= 1 || work < 2 * minimumPerThread)
        {
            return 1;
        }

        return (int)Math.Min(Math.Min(maxDegree, work / minimumPerThread), Shared.ThreadCount);
    }

    /// <summary>How many parts to cut a job for <paramref name="threads"/> threads into: <see cref="PartsPerThread"/> each, or 1 for one thread.</summary>
    public static int PartsFor(int threads) => threads <= 1 ? 1 : threads * PartsPerThread;

    /// <summary>
    /// Runs <c>body(context, part)</c> for every part from 0 to <paramref name="parts"/> − 1 and returns when all
    /// have finished, on the calling thread and up to <paramref name="threads"/> − 1 workers, each part on
    /// whichever of them claims it first (all on the calling thread when the team is busy).
    /// <paramref name="context"/> must stay valid (pinned, or on the caller's stack) for the call. If parts throw,
    /// every other part still runs, and the first exception is rethrown.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="parts"/> is less than 1 or more than 65,535, or <paramref name="threads"/> is less than 1
    /// or more than <see cref="ThreadCount"/>.
    /// </exception>
    public void Run(delegate*<void*, int, void> body, void* context, int parts, int threads) => Run(body, context, parts, threads, work: 0);

    /// <summary>
    /// Runs a job as the overload without <paramref name="work"/> does, saying how much work it is
    /// (elements, or any unit proportional to its time; 0 for unknown): the team then times jobs of this size split
    /// and on the caller alone and runs them the cheaper way (see the remarks on the class).
    /// </summary>
    public void Run(delegate*<void*, int, void> body, void* context, int parts, int threads, long work)
    {
        if (parts < 1 || parts > MaxParts)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"A job has 1 to {MaxParts} parts.");
        }

        if (threads < 1 || threads > ThreadCount)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"A job runs on 1 to {ThreadCount} threads on this team.");
        }

        if (parts == 1 || threads == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            RunAllHere(body, context, parts);
            return;
        }

        // _busy is ours from here, so the back-off and the costs are race-free.
        int size = work > 0 ? 63 - BitOperations.LeadingZeroCount((ulong)work) : -1;
        if (RunsAlone(size))
        {
            try
            {
                Volatile.Write(ref _runningAlone, 1);
                long began = Stopwatch.GetTimestamp();
                RunAllHere(body, context, parts);
                if (size >= 0)
                {
                    _costs[size].RecordAlone((double)(Stopwatch.GetTimestamp() - began) / work);
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }

            return;
        }

        try
        {
            _body = body;
            _context = context;
            _failure = null;
            _vectorLimit = VectorPaths.RawLimit;
            Volatile.Write(ref _finished, 0);
            Volatile.Write(ref _runningAlone, 0);
            long published = Stopwatch.GetTimestamp();

            // Publish: the exchanges are full fences, so a worker that sees the new ticket sees the job and its
            // claims, and (Dekker-style, against the worker's exchange on its sleeping flag) a worker about to
            // sleep either sees the new ticket or is seen sleeping here and woken.
            long generation = (Volatile.Read(ref _ticket) >> 8) + 1;
            Interlocked.Exchange(ref _claim, ((generation & 0xFFFF_FFFF) << 32) | ((long)parts << 16));
            Interlocked.Exchange(ref _ticket, (generation << 8) | (long)threads);
            for (int i = 0; i < threads - 1; i++)
            {
                _workers[i].WakeIfSleeping();
            }

            // The caller claims parts like any worker: if a worker has not started, the caller runs its parts.
            ExceptionDispatchInfo? callerFailure = null;
            int callerParts = 0;
            long started = Stopwatch.GetTimestamp();
            while (TryClaim(generation, out int part))
            {
                callerParts++;
                try
                {
                    body(context, part);
                }
                catch (Exception exception)
                {
                    callerFailure ??= ExceptionDispatchInfo.Capture(exception);
                }

                Interlocked.Increment(ref _finished);
            }

            // Every part is claimed; wait only for the ones workers are running.
            long claimed = Stopwatch.GetTimestamp();
            var spin = new SpinWait();
            while (Volatile.Read(ref _finished) != parts)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            long ended = Stopwatch.GetTimestamp();
            AdjustBackOff(callerParts, claimed - started, ended - claimed);
            if (size >= 0)
            {
                _costs[size].RecordSplit((double)(ended - published) / work);
            }

            (callerFailure ?? _failure)?.Throw();
        }
        finally
        {
            _body = null;
            _context = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    // Whether the next job runs on the caller alone: backing off after a preempted worker, or jobs of this size
    // (-1: not given) cost less alone.
    private bool RunsAlone(int size)
    {
        if (_soloJobsLeft > 0)
        {
            _soloJobsLeft--;
            return true;
        }

        return size >= 0 && _costs[size].NextRunsAlone();
    }

    // After a split job: a wait longer than two of the caller's own parts means a worker held a part while it
    // had no core; a shorter one is a worker finishing its last part alongside the caller. A job whose parts
    // the workers claimed all of says nothing about preemption.
    private void AdjustBackOff(int callerParts, long callerTicks, long waitTicks)
    {
        if (callerParts == 0)
        {
            return;
        }

        if (waitTicks > 2 * (callerTicks / callerParts) + s_minimumWaitTicks)
        {
            _soloJobsLeft = _backOff;
            _backOff = Math.Min(2 * _backOff, MaxBackOff);
        }
        else
        {
            _backOff = 1;
        }
    }

    // Waits shorter than this (20 µs, about a wake-up) never count as a preempted worker.
    private static readonly long s_minimumWaitTicks = Stopwatch.Frequency / 50_000;

    /// <summary>Runs a job on the calling thread and on up to <paramref name="parts"/> − 1 workers: one part per thread.</summary>
    public void Run(delegate*<void*, int, void> body, void* context, int parts)
        => Run(body, context, parts, Math.Clamp(parts, 1, ThreadCount));

    // Claims the next part of the job of 'generation', if it is still running and has a part left.
    private bool TryClaim(long generation, out int part)
    {
        long claim = Volatile.Read(ref _claim);
        while (true)
        {
            int parts = (int)((claim >> 16) & 0xFFFF);
            int next = (int)(claim & 0xFFFF);
            if ((claim >> 32) != (generation & 0xFFFF_FFFF) || next >= parts)
            {
                part = -1;
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _claim, claim + 1, claim);
            if (seen == claim)
            {
                part = next;
                return true;
            }

            claim = seen;
        }
    }

    private static void RunAllHere(delegate*<void*, int, void> body, void* context, int parts)
    {
        ExceptionDispatchInfo? failure = null;
        for (int part = 0; part < parts; part++)
        {
            try
            {
                body(context, part);
            }
            catch (Exception exception)
            {
                failure ??= ExceptionDispatchInfo.Capture(exception);
            }
        }

        failure?.Throw();
    }

    /// <summary>What a unit of work of one size of job costs split and alone, and which way such jobs run now.</summary>
    private struct JobCosts
    {
        // Running means weigh the last ~8 samples (plain means of the first 8): long enough that a wait every few
        // jobs is in the split's mean, short enough to follow a machine whose load changes.
        private const int Samples = 8;

        // Mean ticks per unit of work, and how many samples each has had (0: none yet).
        private double _split;
        private double _alone;
        private int _splitSamples;
        private int _aloneSamples;

        // Which way jobs of this size run, and when the other way is timed next: a split job after _interval
        // jobs alone, or a job alone after AloneSampleInterval split jobs (after 1, 2, 4 … for the first ones).
        // _interval doubles with every split tried (up to MaxBackOff) and is kept when the split wins
        // for a few jobs and loses again — under lasting contention it would otherwise start over at 2 after every
        // wait; it starts over only after AloneSampleInterval split jobs in a row.
        private bool _timedSplit;
        private bool _preferAlone;
        private int _count;
        private int _interval;

        public bool NextRunsAlone()
        {
            _count++;
            if (_preferAlone)
            {
                if (_count < _interval)
                {
                    return true;
                }

                _count = 0;
                _interval = Math.Min(2 * _interval, MaxBackOff);
                return false;
            }

            // The first samples alone come sooner (after 1, 2, 4 … split jobs), so a first sample taken cold does
            // not decide for the next AloneSampleInterval jobs.
            int due = Math.Min(AloneSampleInterval, 1 << Math.Min(_aloneSamples, 30));
            if (_splitSamples != 0 && _count >= due)
            {
                _count = 0;
                if (due == AloneSampleInterval)
                {
                    _interval = 0;
                }

                return true;
            }

            return false;
        }

        public void RecordSplit(double ticksPerUnit)
        {
            // The first split job of a size is not timed: it may have started the team's threads.
            if (!_timedSplit)
            {
                _timedSplit = true;
                return;
            }

            _splitSamples++;
            _split += (ticksPerUnit - _split) / Math.Min(_splitSamples, Samples);
            Choose();
        }

        public void RecordAlone(double ticksPerUnit)
        {
            // A job alone that took over four times the mean had the caller preempted: splitting would not have
            // avoided that, and one such sample among the few taken while splitting would hold the mean up for
            // hundreds of jobs.
            if (_aloneSamples != 0)
            {
                ticksPerUnit = Math.Min(ticksPerUnit, 4 * _alone);
            }

            _aloneSamples++;
            _alone += (ticksPerUnit - _alone) / Math.Min(_aloneSamples, Samples);
            Choose();
        }

        private void Choose()
        {
            if (_splitSamples == 0 || _aloneSamples == 0)
            {
                return;
            }

            bool alone = _split > _alone;
            if (alone != _preferAlone)
            {
                _preferAlone = alone;
                _count = 0;
                _interval = Math.Max(_interval, 2);
            }
        }
    }

    private sealed class Worker
    {
        private readonly WorkerTeam _team;
        private readonly int _part;
        private readonly ManualResetEventSlim _wake = new(false);
        private int _sleeping;

        public Worker(WorkerTeam team, int part)
        {
            _team = team;
            _part = part;
            var thread = new Thread(Loop, maxStackSize: 256 * 1024)
            {
                IsBackground = true,
                Name = $"NumKit worker {part}",
            };
            thread.Start();
        }

        public void WakeIfSleeping()
        {
            if (Volatile.Read(ref _sleeping) != 0)
            {
                _wake.Set();
            }
        }

        private void Loop()
        {
            long seen = Volatile.Read(ref _team._ticket) >> 8;
            while (true)
            {
                long ticket = WaitForJob(seen);
                seen = ticket >> 8;
                if (_part >= (int)(ticket & 0xFF))
                {
                    continue;
                }

                // The job's fields are read only after a claim succeeded: until this part is finished the
                // caller cannot return, so they are this job's.
                while (_team.TryClaim(seen, out int part))
                {
                    try
                    {
                        VectorPaths.RawLimit = _team._vectorLimit;
                        _team._body(_team._context, part);
                    }
                    catch (Exception exception)
                    {
                        Interlocked.CompareExchange(ref _team._failure, ExceptionDispatchInfo.Capture(exception), null);
                    }

                    Interlocked.Increment(ref _team._finished);
                }
            }
        }

        // Spins for SpinTime, then sleeps until the generation moves past 'seen'; returns the new ticket.
        private long WaitForJob(long seen)
        {
            long deadline = Stopwatch.GetTimestamp() + _team._spinTicks;
            var spin = new SpinWait();
            while (true)
            {
                long ticket = Volatile.Read(ref _team._ticket);
                if (ticket >> 8 != seen)
                {
                    return ticket;
                }

                if (Stopwatch.GetTimestamp() < deadline && Volatile.Read(ref _team._runningAlone) == 0)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                _wake.Reset();
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _team._ticket) >> 8 == seen)
                {
                    _wake.Wait();
                }

                Interlocked.Exchange(ref _sleeping, 0);
                deadline = Stopwatch.GetTimestamp() + _team._spinTicks;
                spin = default;
            }
        }
    }
}
