using System.Diagnostics;
using NumKit;
using NumKit.Optimizers;

// Steps Adam over float parameters and prints what a comparison of builds needs: the vector width the
// kernels take, a hash of the bits after a fixed number of steps, and the best time per step.
//   dotnet run -c Release -- [elements] [milliseconds per measurement]        (the JIT)
//   dotnet publish -c Release -o out [-p:NumKitAotVectorWidth=512]; out/NumKit.AotApp [elements] [ms]
// The README tests publish this same program from the packed NumKit (AotTests).
int n = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 16 * 1024;
int budgetMs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300;

float[] w = new float[n], g = new float[n];
var random = new NumKit.Randomness.TrialRandom(7);
for (int i = 0; i < n; i++)
{
    w[i] = (float)random.NextDouble(-1, 1);
    g[i] = (float)random.NextDouble(-1, 1);
}

var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 1e-3f, WeightDecay = 1e-4f }, n);
for (int step = 0; step < 100; step++)
{
    optimizer.Step(w, g);
}

// A Native AOT app compiles no method at run time; under the JIT this program already has.
bool jit = System.Runtime.JitInfo.GetCompiledMethodCount() > 0;
Console.WriteLine($"runtime: {(jit ? "jit" : "native-aot")}");
Console.WriteLine($"vector-bits: {VectorPaths.ActiveBits}");
Console.WriteLine($"bits-hash: {Hash(w):x16}");

// The best of several measurements, each stepping for about budgetMs.
double best = double.MaxValue;
for (int repeat = 0; repeat < 7; repeat++)
{
    int steps = 0;
    var clock = Stopwatch.StartNew();
    while (clock.ElapsedMilliseconds < budgetMs)
    {
        for (int k = 0; k < 16; k++)
        {
            optimizer.Step(w, g);
        }

        steps += 16;
    }

    best = Math.Min(best, clock.Elapsed.TotalNanoseconds / steps);
}

Console.WriteLine($"elements: {n}");
Console.WriteLine($"ns-per-step: {best.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}");

static ulong Hash(ReadOnlySpan<float> values)
{
    // FNV-1a over the bits: equal hashes, equal parameters.
    ulong hash = 14695981039346656037;
    foreach (float value in values)
    {
        hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * 1099511628211;
    }

    return hash;
}
