using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

/// <summary>
/// Many threads, many optimizers, valid and refused calls mixed: every optimizer must end exactly where a
/// sequential replay of the steps it accepted ends, bit for bit — refused calls (wrong lengths, overlapping
/// spans, NaN gradients, out-of-range hyperparameters, a call that meets another thread's step) change nothing.
/// </summary>
/// <remarks>
/// Runs 30 seconds; with <c>CI=true</c> (as <c>.ci/run</c> is run on a shared two-core machine) 5 seconds, and
/// <c>NUMKIT_SOAK_SECONDS</c> sets any length.
/// </remarks>
public class SoakTests
{
    private static TimeSpan Duration =>
        int.TryParse(Environment.GetEnvironmentVariable("NUMKIT_SOAK_SECONDS"), out int seconds) ? TimeSpan.FromSeconds(seconds)
        : string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromSeconds(5)
        : TimeSpan.FromSeconds(30);

    [Fact]
    public void Eight_optimizers_stepped_from_four_threads_with_refused_calls_equal_a_sequential_replay_of_their_accepted_steps()
    {
        Subject[] subjects = Enumerable.Range(0, 8).Select(i => new Subject(i)).ToArray();
        long deadline = Environment.TickCount64 + (long)Duration.TotalMilliseconds;
        var failures = new List<Exception>();
        Thread[] threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(1000 + t);
            try
            {
                while (Environment.TickCount64 < deadline)
                {
                    Subject subject = subjects[random.Next(subjects.Length)];
                    if (random.Next(3) == 0)
                    {
                        subject.Refused(random);
                    }
                    else
                    {
                        subject.Accepted(random);
                    }
                }
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(failures);
        foreach (Subject subject in subjects)
        {
            Assert.True(subject.Log.Count > 0, $"Optimizer {subject.Index} accepted no step.");
            Assert.True(subject.RefusedCount > 0, $"Optimizer {subject.Index} refused no call.");
            subject.AssertEqualsReplay();
        }
    }

    private sealed class Subject
    {
        private readonly object _stepLock = new();
        private readonly Optimizer<NAdam> _optimizer;
        private readonly float[] _w;
        private readonly float[] _w0;

        public Subject(int index)
        {
            Index = index;
            // Sizes from a few elements to split steps (MaxDegreeOfParallelism 2 above 32 Ki), so the worker team is shared too.
            int n = index % 2 == 0 ? 1000 + 37 * index : 40_000 + 999 * index;
            _optimizer = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, n) { MaxDegreeOfParallelism = 2, NonFiniteGradients = NonFiniteGradientPolicy.Throw };
            _w = Enumerable.Range(0, n).Select(i => MathF.Sin(i + index)).ToArray();
            _w0 = (float[])_w.Clone();
        }

        public int Index { get; }

        public List<(int Seed, float LearningRate)> Log { get; } = [];

        public int RefusedCount;

        public static float[] Gradient(int n, int seed) => Enumerable.Range(0, n).Select(i => MathF.Cos(seed * 0.37f + i * 0.01f)).ToArray();

        // A valid step, logged when it is accepted. Serialized per optimizer (so the log's order is the steps'),
        // but it still meets refused calls from other threads, which may make it meet the guard.
        public void Accepted(Random random)
        {
            int seed = random.Next(1_000_000);
            float rate = 0.001f * (1 + random.Next(10));
            float[] g = Gradient(_w.Length, seed);
            lock (_stepLock)
            {
                float previous = _optimizer.LearningRate;
                _optimizer.LearningRate = rate;
                try
                {
                    _optimizer.Step(_w, g);
                    Log.Add((seed, rate));
                }
                catch (InvalidOperationException)
                {
                    // A refused call from another thread held the optimizer: this step was refused and changed nothing.
                    _optimizer.LearningRate = previous;
                    Interlocked.Increment(ref RefusedCount);
                }
            }
        }

        // A call that must be refused; it runs outside the lock, concurrently with accepted steps.
        public void Refused(Random random)
        {
            int n = _w.Length;
            float[] scratch = new float[n + 8];
            try
            {
                switch (random.Next(4))
                {
                    case 0:
                        _optimizer.Step(new float[n - 1], new float[n - 1]);
                        break;
                    case 1:
                        _optimizer.Step(scratch.AsSpan(0, n), scratch.AsSpan(8, n));
                        break;
                    case 2:
                        float[] g = new float[n];
                        g[random.Next(n)] = float.NaN;
                        _optimizer.Step(new float[n], g);
                        break;
                    default:
                        _optimizer.LearningRate = -1;
                        break;
                }

                throw new InvalidOperationException("A call that must be refused was accepted.");
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException e) when (e.Message.Contains("one thread at a time", StringComparison.Ordinal))
            {
            }

            Interlocked.Increment(ref RefusedCount);
        }

        public void AssertEqualsReplay()
        {
            var replay = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, _w.Length);
            float[] w = (float[])_w0.Clone();
            foreach ((int seed, float rate) in Log)
            {
                replay.LearningRate = rate;
                replay.Step(w, Gradient(w.Length, seed));
            }

            Assert.Equal(Log.Count, _optimizer.StepCount);
            Assert.Equal(w, _w);
            Assert.Equal(replay.State("m").ToArray(), _optimizer.State("m").ToArray());
            Assert.Equal(replay.State("v").ToArray(), _optimizer.State("v").ToArray());
            Assert.Equal(replay.ScalarState("mu_product"), _optimizer.ScalarState("mu_product"));
        }
    }
}
