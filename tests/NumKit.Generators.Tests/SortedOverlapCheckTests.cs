using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace NumKit.Generators.Tests;

/// <summary>
/// The overlap check for many spans (one sort by address, in place of every pair) refuses exactly what the
/// pairwise check refuses: any two overlapping spans, named, before anything is written; empty spans and
/// disjoint slices of one array pass. Runs a generated twelve-span kernel compiled in memory.
/// </summary>
public class SortedOverlapCheckTests
{
    private const string Driver = """
        namespace User;

        public static class Probe
        {
            // Ten states s0..s9 as slices of one array at the given offsets (n elements each); w and g their own.
            public static string Run(int n, int[] offsets, int wOffset)
            {
                var memory = new float[4096];
                for (int i = 0; i < memory.Length; i++) memory[i] = i;
                var g = new float[n];
                var w = new System.Span<float>(memory, wOffset, n);
                var before = (float[])memory.Clone();
                var rule = new MyRule { LearningRate = 0.1f, Beta = 0.5f };
                System.Span<float> S(int k) => new System.Span<float>(memory, offsets[k], n);
                try
                {
                    MyRule.Update(in rule, 1, w, g, S(0), S(1), S(2), S(3), S(4), S(5), S(6), S(7), S(8), S(9));
                    return "ok";
                }
                catch (System.ArgumentException e)
                {
                    return e.Message + (System.MemoryExtensions.SequenceEqual<float>(memory, before) ? " | unchanged" : " | CHANGED");
                }
            }
        }
        """;

    private static readonly Lazy<MethodInfo> s_run = new(Build);

    private static MethodInfo Build()
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Rule(ManyStatesTests.Spec(10)), Driver);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("RequireDisjoint(regions,", Assert.Single(result.GeneratedSources).SourceText.ToString());
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        Assembly assembly = new AssemblyLoadContext("SortedOverlap", isCollectible: true).LoadFromStream(stream);
        return assembly.GetType("User.Probe")!.GetMethod("Run")!;
    }

    private static string Run(int n, int[] offsets, int wOffset) => (string)s_run.Value.Invoke(null, new object[] { n, offsets, wOffset })!;

    private static int[] Disjoint(int n) => Enumerable.Range(0, 10).Select(k => 100 + (9 - k) * n).ToArray();

    [Fact]
    public void Disjoint_slices_of_one_array_pass()
        => Assert.Equal("ok", Run(16, Disjoint(16), 0));

    [Fact]
    public void Empty_spans_pass_even_at_one_address()
        => Assert.Equal("ok", Run(0, new int[10], 0));

    [Theory]
    [InlineData(3, 7)]
    [InlineData(0, 9)]
    [InlineData(4, 5)]
    public void Two_overlapping_states_are_refused_by_name_and_nothing_is_written(int a, int b)
    {
        int[] offsets = Disjoint(16);
        offsets[b] = offsets[a] + 15; // one element in common
        string message = Run(16, offsets, 0);
        Assert.Contains($"'s{Math.Min(a, b)}'", message);
        Assert.Contains($"'s{Math.Max(a, b)}'", message);
        Assert.EndsWith("| unchanged", message);
    }

    [Fact]
    public void A_state_overlapping_w_is_refused()
    {
        int[] offsets = Disjoint(16);
        string message = Run(16, offsets, offsets[6] + 8);
        Assert.Contains("'w'", message);
        Assert.Contains("'s6'", message);
        Assert.EndsWith("| unchanged", message);
    }
}
