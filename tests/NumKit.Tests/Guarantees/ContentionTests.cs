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
