namespace NumKit.Generators.Tests;

/// <summary>
/// How users meet NumKit: pack it, create a fresh project that references the package from a local
/// folder, declare an optimizer this repository has never seen, build and run it — and see a bad spec
/// fail the build with an NK diagnostic.
/// </summary>
public class PackageTests
{
    [Fact]
    public void A_fresh_project_builds_and_runs_a_new_optimizer_from_the_package()
    {
        string work = Directory.CreateTempSubdirectory("numkit-package-").FullName;
        try
        {
            using (var archive = System.IO.Compression.ZipFile.OpenRead(LocalPackage.PackagePath))
            {
                Assert.Contains(archive.Entries, e => e.FullName == "analyzers/dotnet/cs/NumKit.Generators.dll");
                Assert.Contains(archive.Entries, e => e.FullName == "lib/net8.0/NumKit.dll");
                Assert.Contains(archive.Entries, e => e.FullName == "lib/net10.0/NumKit.dll");
                Assert.Contains(archive.Entries, e => e.FullName == "README.md");
            }

            string app = Path.Combine(work, "app");
            LocalPackage.CreateApp(app, YogiProgram);

            string output = LocalPackage.Run(app, "dotnet", "run -c Release");
            Assert.Contains("OK: Yogi matches its double reference on every vector path", output);

            // A spec with a misspelt name fails the build with NK0005, pointing into the string.
            File.WriteAllText(Path.Combine(app, "Broken.cs"), """
                using NumKit;
                [Optimizer("w = w - LerningRate * g")]
                public partial struct Broken { public float LearningRate { get; set; } }
                """);
            (int exitCode, string buildOutput) = LocalPackage.Execute(app, "dotnet", "build -c Release");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("Broken.cs(2,21): error NK0005: Unknown name 'LerningRate': did you mean 'LearningRate'?", buildOutput);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Yogi (Zaheer et al., 2018): Adam whose second moment moves by sign(v - g²)·g², additively.
    private const string YogiProgram = """"
        using NumKit;

        const int n = 301;
        var rule = new Yogi { LearningRate = 0.01f };
        var random = new Random(5);
        float[] w0 = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[][] grads = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();

        // The reference, by hand in double precision.
        double[] rw = w0.Select(x => (double)x).ToArray(), rm = new double[n], rv = new double[n];
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < n; i++)
            {
                double g = grads[t - 1][i], b1 = rule.Beta1, b2 = rule.Beta2;
                rm[i] = b1 * rm[i] + (1 - b1) * g;
                rv[i] = rv[i] - (1 - b2) * Math.Sign(rv[i] - g * g) * g * g;
                double mhat = rm[i] / (1 - Math.Pow(b1, t)), vhat = rv[i] / (1 - Math.Pow(b2, t));
                rw[i] -= rule.LearningRate * mhat / (Math.Sqrt(vhat) + rule.Epsilon);
            }
        }

        float[]? widest = null;
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            using var limit = VectorPaths.Limit(bits);
            var optimizer = new Optimizer<Yogi>(rule, n);
            float[] w = (float[])w0.Clone();
            optimizer.Step(w, grads[0]);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 2; t <= grads.Length; t++)
            {
                optimizer.Step(w, grads[t - 1]);
            }

            if (GC.GetAllocatedBytesForCurrentThread() != before) throw new Exception("Step allocated");
            for (int i = 0; i < n; i++)
            {
                if (Math.Abs(w[i] - rw[i]) > 1e-6 * (1 + Math.Abs(rw[i]))) throw new Exception($"path {bits}, element {i}: {w[i]} vs {rw[i]}");
            }

            widest ??= w;
            if (!widest.AsSpan().SequenceEqual(w)) throw new Exception($"path {bits} gives other bits");
        }

        Console.WriteLine("OK: Yogi matches its double reference on every vector path");

        [Optimizer("""
            m = Beta1 * m + (1 - Beta1) * g
            v = v - (1 - Beta2) * sign(v - g^2) * g^2
            w = w - LearningRate * (m / (1 - Beta1^t)) / (sqrt(v / (1 - Beta2^t)) + Epsilon)
            """)]
        public partial struct Yogi
        {
            public float LearningRate { get; set; } = 0.01f;
            public float Beta1 { get; set; } = 0.9f;
            public float Beta2 { get; set; } = 0.999f;
            public float Epsilon { get; set; } = 1e-3f;
        }
        """";
}
