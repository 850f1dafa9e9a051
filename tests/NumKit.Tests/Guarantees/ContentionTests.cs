using NumKit.Kernels;
using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// Issue 11, observation 8: with another thread busy on the other core, a split step waited for a worker that
/// did not get a core. Parts are now claimed: the caller runs every part a worker has not started.
/// </summary>
public unsafe class ContentionTests
{
    [Fact]
    public void The_caller_takes_over_every_part_a_worker_has_not_started()
    {
        // A worker that claims a part is held inside it until the caller has run every other part: with parts
        // assigned to threads (the old team), the caller would wait for the held worker's other parts forever.
        var team = new WorkerTeam(workerCount: 1);
        const int Parts = 16;
        var job = new HeldJob { Parts = Parts };
        job.RanOnCaller = Environment.CurrentManagedThreadId;
        team.Run(&RunHeld, &job, Parts, threads: 2);

        Assert.Equal(Parts, job.Finished);
        Assert.True(job.CallerParts >= Parts - 1, $"The caller ran {job.CallerParts} of {Parts} parts.");
        Assert.False(job.TimedOut, "A held worker's part was waited for: the caller did not take over the rest.");
    }

    [Fact]
    public void A_split_step_with_busy_threads_on_every_core_gives_the_bits_of_one_thread()
    {
        const int N = 200_003;
        float[] w0 = Enumerable.Range(0, N).Select(i => MathF.Sin(i)).ToArray();
        float[] g = Enumerable.Range(0, N).Select(i => MathF.Cos(i * 0.7f)).ToArray();
        var one = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, N);
        var split = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, N) { MaxDegreeOfParallelism = 8 };
        float[] expected = (float[])w0.Clone(), actual = (float[])w0.Clone();
        for (int step = 0; step < 20; step++)
        {
            one.Step(expected, g);
        }

        using (new BusyCores())
        {
            for (int step = 0; step < 20; step++)
            {
                split.Step(actual, g);
            }
        }

        Assert.Equal(expected, actual);
        Assert.Equal(one.State("m").ToArray(), split.State("m").ToArray());
        Assert.Equal(one.ScalarState("mu_product"), split.ScalarState("mu_product"));
    }

    private static void RunHeld(void* context, int part)
    {
        ref HeldJob job = ref *(HeldJob*)context;
        if (Environment.CurrentManagedThreadId == job.RanOnCaller)
        {
            Interlocked.Increment(ref job.CallerParts);
        }
        else
        {
            // Hold the worker until the caller has finished every other part (or give up after 10 s).
            var spin = new SpinWait();
            long deadline = Environment.TickCount64 + 10_000;
            while (Volatile.Read(ref job.Finished) < job.Parts - 1)
            {
                if (Environment.TickCount64 > deadline)
                {
                    job.TimedOut = true;
                    break;
                }

                spin.SpinOnce();
            }
        }

        Interlocked.Increment(ref job.Finished);
    }

    [Fact]
    public void After_waiting_for_a_preempted_worker_the_team_runs_the_next_job_on_the_caller_and_splits_again_later()
    {
        // Job 1: a worker claims a part and is then held 30 ms inside it, as a worker preempted mid-part by a
        // process spinning on its core; the caller, done with its own short parts, has to wait for it.
        // A fresh team's worker thread may start after the first job was published and wait for the next one, so
        // job 1 is repeated until the worker has taken part in it.
        var team = new WorkerTeam(workerCount: 1);
        const int Parts = 8;
        var job = new StalledJob();
        for (int attempt = 0; attempt < 20 && job.WorkerParts == 0; attempt++)
        {
            job = new StalledJob { Caller = Environment.CurrentManagedThreadId };
            team.Run(&RunStalled, &job, Parts, threads: 2);
        }

        Assert.True(job.WorkerParts >= 1, "The worker never claimed a part, so nothing was waited for.");

        // Job 2 runs every part on the caller (which leaves a worker 20 ms per part to claim one): the team backs
        // off instead of risking another wait.
        job = new StalledJob { Caller = Environment.CurrentManagedThreadId, NoStall = true, CallerWaitsForWorker = true };
        team.Run(&RunStalled, &job, Parts, threads: 2);
        Assert.Equal(0, job.WorkerParts);
        Assert.Equal(Parts, job.CallerParts);

        // The back-off is short after one wait: within a few jobs without stalls, a worker takes parts again.
        int workerParts = 0;
        for (int attempt = 0; attempt < 200 && workerParts == 0; attempt++)
        {
            job = new StalledJob { Caller = Environment.CurrentManagedThreadId, NoStall = true, CallerWaitsForWorker = true };
            team.Run(&RunStalled, &job, Parts, threads: 2);
            workerParts = job.WorkerParts;
        }

        Assert.True(workerParts > 0, "The team never split a job again after backing off once.");
    }

    [Fact]
    public void A_worker_preempted_in_every_few_jobs_makes_the_team_run_jobs_of_that_size_on_the_caller()
    {
        // Lasting contention: the worker gets a core for most jobs but is held 30 ms inside its part in one job of
        // four it takes part in (time slices lost to a thread spinning on its core). Split, a job costs about
        // 1.2 ms + 30 / 4 ms; alone, 2.4 ms. The wait-triggered back-off alone is reset by the clean jobs in between
        // and splits about three jobs in four; timing both ways per size of job runs nearly all of them alone.
        var team = new WorkerTeam(workerCount: 1);
        const int Parts = 8, Jobs = 300;
        var job = new SometimesStalledJob { Caller = Environment.CurrentManagedThreadId };
        int splitJobs = 0;
        for (int i = 0; i < Jobs; i++)
        {
            job.WorkerPartsThisJob = 0;
            team.Run(&RunSometimesStalled, &job, Parts, threads: 2, work: 1 << 20);
            splitJobs += job.WorkerPartsThisJob > 0 ? 1 : 0;
        }

        Assert.True(job.WorkerJobs >= 4, $"The worker took part in {job.WorkerJobs} jobs: too few to have been stalled at all.");
        Assert.True(splitJobs <= Jobs / 4, $"The worker took part in {splitJobs} of {Jobs} jobs; splitting costs over three times what a job alone does here.");
    }

    private static void RunSometimesStalled(void* context, int part)
    {
        ref SometimesStalledJob job = ref *(SometimesStalledJob*)context;
        bool caller = Environment.CurrentManagedThreadId == job.Caller;
        if (!caller && Interlocked.Increment(ref job.WorkerPartsThisJob) == 1 && Interlocked.Increment(ref job.WorkerJobs) % 4 == 0)
        {
            Thread.Sleep(30);
        }

        // 0.3 ms of work, by the clock, so a loaded machine does not change the costs compared.
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency * 3 / 10_000);
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }

    private struct SometimesStalledJob
    {
        public int Caller;
        public int WorkerPartsThisJob;
        public int WorkerJobs;
    }

    private static void RunStalled(void* context, int part)
    {
        ref StalledJob job = ref *(StalledJob*)context;
        if (Environment.CurrentManagedThreadId == job.Caller)
        {
            Interlocked.Increment(ref job.CallerParts);
            if (!job.NoStall || job.CallerWaitsForWorker)
            {
                // Leave the worker time to claim a part of its own (up to 200 ms; a solo job has no worker).
                long deadline = Environment.TickCount64 + (job.NoStall ? 20 : 200);
                while (Volatile.Read(ref job.WorkerParts) == 0 && Environment.TickCount64 < deadline)
                {
                    Thread.SpinWait(100);
                }
            }
        }
        else
        {
            Interlocked.Increment(ref job.WorkerParts);
            if (!job.NoStall)
            {
                Thread.Sleep(30);
            }
        }
    }

    private struct StalledJob
    {
        public int Caller;
        public bool NoStall;
        public bool CallerWaitsForWorker;
        public int CallerParts;
        public int WorkerParts;
    }

    private struct HeldJob
    {
        public int Parts;
        public int RanOnCaller;
        public int CallerParts;
        public int Finished;
        public bool TimedOut;
    }

    /// <summary>One thread spinning on every core (the caller's included) until disposed.</summary>
    private sealed class BusyCores : IDisposable
    {
        private readonly Thread[] _threads;
        private volatile bool _stop;

        public BusyCores()
        {
            _threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
            {
                while (!_stop)
                {
                }
            }) { IsBackground = true }).ToArray();
            foreach (Thread thread in _threads)
            {
                thread.Start();
            }
        }

        public void Dispose()
        {
            _stop = true;
            foreach (Thread thread in _threads)
            {
                thread.Join();
            }
        }
    }
}
