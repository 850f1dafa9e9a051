using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NumKit.Kernels;

/// <summary>
/// A fixed team of background threads that run the parts of one element-wise job alongside the calling
/// thread, without allocating: the caller publishes a function pointer and a pointer to its job (which lives
/// on its stack and is pinned for the call), runs part 0 itself, and waits until every worker has run its
/// part. Used to split one optimizer step (or one batch gather) across cores.
/// </summary>
/// <remarks>
/// <para>
/// A worker that finishes a part spins for <see cref="SpinTime"/> waiting for the next job, so back-to-back
/// steps hand off in well under a microsecond; after that it sleeps on an event, and the next job wakes it
/// (tens of microseconds). A sleeping team costs nothing.
/// </para>
/// <para>
/// One job runs at a time: a <see cref="Run"/> that finds the team busy (another thread's step, or a job
/// started from inside a part) runs every part on its own thread instead of waiting, so it can neither
/// deadlock nor change results — the parts of a job are independent by contract.
/// </para>
/// </remarks>
internal sealed unsafe class WorkerTeam
{
    /// <summary>How long an idle worker spins for the next job before it sleeps.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(0.2);

    // A ticket holds the part count in 8 bits; a step split further than this gains nothing anyway.
    private const int MaxWorkers = 63;

    private static readonly object s_createLock = new();
    private static WorkerTeam? s_shared;

    private readonly Worker[] _workers;
    private readonly long _spinTicks;

    // 0 when idle, 1 while a job runs; taken with CompareExchange so a nested or concurrent Run falls back.
    private int _busy;

    // The published job. Workers read it after they see _generation change.
    private delegate*<void*, int, void> _body;
    private void* _context;

    // The job's generation and part count in one value (generation << 8 | parts), so a worker reads both at
    // once: a worker with no part in one job must not pair its generation with the next job's part count.
    private long _ticket;
    private int _pending;
    private ExceptionDispatchInfo? _failure;

    // The caller's VectorPaths limit, which the workers take on for the job.
    private int _vectorLimit;

    private WorkerTeam(int workerCount)
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
    /// How many parts to cut <paramref name="work"/> units into: 1 unless the caller allows more than one
    /// thread and there are at least two parts' worth of <paramref name="minimumPerPart"/>; otherwise as
    /// many parts of at least that much as <paramref name="maxDegree"/> and the shared team allow. Starts
    /// the shared team only when it returns more than 1.
    /// </summary>
    public static int PartsFor(int maxDegree, long work, long minimumPerPart)
    {
        if (maxDegree <= 1 || work < 2 * minimumPerPart)
        {
            return 1;
        }

        return (int)Math.Min(Math.Min(maxDegree, work / minimumPerPart), Shared.ThreadCount);
    }

    /// <summary>
    /// Runs <c>body(context, part)</c> for every part from 0 to <paramref name="parts"/> − 1 and returns when all
    /// have finished: part 0 on the calling thread, the others on workers (or all on the calling thread when the
    /// team is busy). <paramref name="context"/> must stay valid (pinned, or on the caller's stack) for the call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> is less than 1 or more than <see cref="ThreadCount"/>.</exception>
    public void Run(delegate*<void*, int, void> body, void* context, int parts)
    {
        if (parts < 1 || parts > ThreadCount)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"A job has 1 to {ThreadCount} parts on this team.");
        }

        if (parts == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++)
            {
                body(context, part);
            }

            return;
        }

        try
        {
            _body = body;
            _context = context;
            _failure = null;
            _vectorLimit = VectorPaths.RawLimit;
            Volatile.Write(ref _pending, parts - 1);

            // Publish: the exchange is a full fence, so a worker that sees the new ticket sees the job, and
            // (Dekker-style, against the worker's exchange on its sleeping flag) a worker about to sleep
            // either sees the new ticket or is seen sleeping here and woken.
            long generation = (Volatile.Read(ref _ticket) >> 8) + 1;
            Interlocked.Exchange(ref _ticket, (generation << 8) | (long)parts);
            for (int i = 0; i < parts - 1; i++)
            {
                _workers[i].WakeIfSleeping();
            }

            ExceptionDispatchInfo? callerFailure = null;
            try
            {
                body(context, 0);
            }
            catch (Exception exception)
            {
                callerFailure = ExceptionDispatchInfo.Capture(exception);
            }

            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
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
                if (_part < (int)(ticket & 0xFF))
                {
                    try
                    {
                        VectorPaths.RawLimit = _team._vectorLimit;
                        _team._body(_team._context, _part);
                    }
                    catch (Exception exception)
                    {
                        _team._failure = ExceptionDispatchInfo.Capture(exception);
                    }

                    Interlocked.Decrement(ref _team._pending);
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

                if (Stopwatch.GetTimestamp() < deadline)
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
