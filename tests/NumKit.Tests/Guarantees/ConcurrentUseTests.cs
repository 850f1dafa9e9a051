using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>Issue 11, observation 2: two threads stepping one optimizer lost steps and mixed updates silently.</summary>
public class ConcurrentUseTests
{
    [Fact]
    public void Concurrent_steps_on_one_optimizer_are_refused_and_every_accepted_step_counts()
    {
        const int N = 64 * 1024;
        var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 0.01f }, N);
        float[] w = Enumerable.Range(0, N).Select(i => (float)Math.Sin(i)).ToArray();
        float[] start = (float[])w.Clone();
        float[] g = Enumerable.Range(0, N).Select(i => (float)Math.Cos(i)).ToArray();
        int accepted = 0, refused = 0;
        using var go = new Barrier(2);

        // Both threads step with the same gradient, so the result depends on how many steps were accepted, not their order.
        void Hammer()
        {
            go.SignalAndWait();
            // At least 200 calls each; then on until the threads have overlapped once (a loaded machine may
            // run them one after the other for a while), for at most 20 seconds.
            long deadline = Environment.TickCount64 + 20_000;
            for (int i = 0; i < 200 || (Volatile.Read(ref refused) == 0 && Environment.TickCount64 < deadline); i++)
            {
                try
                {
                    optimizer.Step(w, g);
                    Interlocked.Increment(ref accepted);
                }
                catch (InvalidOperationException error)
                {
                    Assert.Contains("one thread at a time", error.Message);
                    Interlocked.Increment(ref refused);
                }
            }
        }

        var first = new Thread(Hammer);
        var second = new Thread(Hammer);
        first.Start();
        second.Start();
        first.Join();
        second.Join();

        Assert.True(refused > 0, "The two threads never overlapped, so the guard was not exercised.");
        Assert.Equal(accepted, optimizer.StepCount);
        var replay = new Optimizer<Adam>(new Adam { LearningRate = 0.01f }, N);
        for (int i = 0; i < accepted; i++)
        {
            replay.Step(start, g);
        }

        Assert.Equal(start, w);
        Assert.Equal(replay.State("m").ToArray(), optimizer.State("m").ToArray());
        Assert.Equal(replay.State("v").ToArray(), optimizer.State("v").ToArray());
    }

    [Fact]
    public void A_step_from_inside_a_running_call_is_refused_and_changes_nothing()
    {
        // A checkpoint saved to a stream whose Write steps the same optimizer: the nested step must be refused.
        var optimizer = new Optimizer<Sgd>(new Sgd { LearningRate = 1f }, 4);
        float[] w = [1, 2, 3, 4];
        float[] g = [1, 1, 1, 1];
        InvalidOperationException? nested = null;
        var stream = new CallbackStream(() =>
        {
            try
            {
                optimizer.Step(w, g);
            }
            catch (InvalidOperationException error)
            {
                nested ??= error;
            }
        });

        optimizer.SaveCheckpoint(stream);

        Assert.NotNull(nested);
        Assert.Contains("Step was called while SaveCheckpoint was still running", nested.Message);
        Assert.Equal([1f, 2, 3, 4], w);
        Assert.Equal(0, optimizer.StepCount);
        optimizer.Step(w, g); // the guard is released when the call ends
        Assert.Equal(1, optimizer.StepCount);
    }

    [Fact]
    public void The_guard_allocates_nothing()
    {
        var optimizer = new Optimizer<Adam>(new Adam(), 64);
        float[] w = new float[64], g = new float[64];
        optimizer.Step(w, g);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            optimizer.Step(w, g);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class CallbackStream(Action onWrite) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            onWrite();
            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            onWrite();
            base.Write(buffer, offset, count);
        }
    }
}
