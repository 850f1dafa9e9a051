using NumKit.Optimizers;

namespace NumKit.Tests.Kernels;

public class AdamKernelTests
{
    // Hand-written from PyTorch's Adam (torch/optim/adam.py, single-tensor path), in double precision.
    private static void Reference(Adam rule, int t, double[] w, double[] g, double[] m, double[] v)
    {
        double beta1 = rule.Beta1, beta2 = rule.Beta2;
        for (int i = 0; i < w.Length; i++)
        {
            double d = g[i] + rule.WeightDecay * w[i];
            m[i] = beta1 * m[i] + (1 - beta1) * d;
            v[i] = beta2 * v[i] + (1 - beta2) * d * d;
            double mhat = m[i] / (1 - Math.Pow(beta1, t));
            double vhat = v[i] / (1 - Math.Pow(beta2, t));
            w[i] -= rule.LearningRate * mhat / (Math.Sqrt(vhat) + rule.Epsilon);
        }
    }

    [PathFact]
    public void Float_kernel_matches_a_double_reference_and_gives_the_same_bits_on_every_path_for_every_length()
    {
        var rule = new Adam { LearningRate = 0.01f, WeightDecay = 0.1f };
        var random = new Random(1);
        for (int n = 0; n <= 300; n++)
        {
            float[] w0 = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[][] grads = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
            float[]? first = null;
            EveryPath.Run(limit =>
            {
                float[] w = (float[])w0.Clone();
                float[] m = new float[n], v = new float[n];
                double[] rw = w0.Select(x => (double)x).ToArray(), rm = new double[n], rv = new double[n];
                for (int t = 1; t <= grads.Length; t++)
                {
                    Adam.Update(in rule, t, w, grads[t - 1], m, v);
                    Reference(rule, t, rw, grads[t - 1].Select(x => (double)x).ToArray(), rm, rv);
                }

                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(w[i] - rw[i]) <= 1e-6 * (1 + Math.Abs(rw[i])), $"n={n} i={i} path={limit}: {w[i]} vs {rw[i]}");
                }

                if (first is null)
                {
                    first = w;
                }
                else
                {
                    Assert.True(first.AsSpan().SequenceEqual(w), $"n={n}: path {limit} differs from the widest path");
                }
            });
        }
    }

    [Fact]
    public void Optimizer_step_allocates_nothing()
    {
        var optimizer = new Optimizer<Adam>(new Adam(), 1000);
        float[] w = new float[1000], g = Enumerable.Repeat(0.5f, 1000).ToArray();
        optimizer.Step(w, g);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            optimizer.Step(w, g);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101, optimizer.StepCount);
    }
}
