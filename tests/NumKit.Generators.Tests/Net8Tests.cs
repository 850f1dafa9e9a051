namespace NumKit.Generators.Tests;

/// <summary>
/// "Allocation-free" on the real .NET 8 runtime: a self-contained net8.0 app made from the packed NumKit
/// clips gradients by global norm from its second call on — before tier-up, where System.Numerics.Tensors
/// 10's Norm allocates — without allocating.
/// </summary>
public class Net8Tests
{
    private const string Program = """
        using NumKit;

        float[] g = new float[1000];
        double[] d = new double[1000];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = (i % 7) - 3;
            d[i] = (i % 5) - 2;
        }

        // The first calls load types and run static constructors; count from the second on, still at tier 0.
        GradientClipping.ClipByGlobalNorm<float>(g, 1f);
        GradientClipping.ClipByGlobalNorm<double>(d, 1.0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int call = 0; call < 20; call++)
        {
            g[call] += 100;
            d[call] += 100;
            GradientClipping.ClipByGlobalNorm<float>(g, 1f);
            GradientClipping.ClipByGlobalNorm<double>(d, 1.0);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // For comparison (not a NumKit call): what System.Numerics.Tensors' own norm does on this runtime.
        System.Numerics.Tensors.TensorPrimitives.Norm<float>(g);
        long tensorsBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int call = 0; call < 20; call++)
        {
            System.Numerics.Tensors.TensorPrimitives.Norm<float>(g);
        }

        Console.WriteLine($"runtime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"numkit-allocated: {allocated}");
        Console.WriteLine($"tensorprimitives-allocated: {GC.GetAllocatedBytesForCurrentThread() - tensorsBefore}");
        """;

    [Fact]
    public void Clipping_by_global_norm_allocates_nothing_on_the_dotnet_8_runtime_from_the_second_call()
    {
        string work = Directory.CreateTempSubdirectory("numkit-net8-").FullName;
        try
        {
            string app = Path.Combine(work, "app");
            LocalPackage.CreateApp(app, Program, "<TargetFramework>net8.0</TargetFramework><CheckEolTargetFramework>false</CheckEolTargetFramework>");
            LocalPackage.Run(app, "dotnet", "publish -c Release -r linux-x64 --self-contained -o out");
            string output = LocalPackage.Run(app, Path.Combine(app, "out", "App"), string.Empty);
            Assert.Contains("runtime: .NET 8.0.", output, StringComparison.Ordinal);
            Assert.Contains("numkit-allocated: 0\n", output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
