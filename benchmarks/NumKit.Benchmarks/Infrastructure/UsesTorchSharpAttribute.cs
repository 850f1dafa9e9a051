using System.Reflection;
using BenchmarkDotNet.Running;

namespace NumKit.Benchmarks.Infrastructure;

/// <summary>
/// Marks a benchmark that needs TorchSharp's native libraries, so Program skips it (with a message)
/// where they cannot load instead of letting it fail.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class UsesTorchSharpAttribute : Attribute
{
    /// <summary>Whether <paramref name="benchmarkCase"/>'s method carries this attribute.</summary>
    public static bool IsOn(BenchmarkCase benchmarkCase)
        => benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<UsesTorchSharpAttribute>() is not null;
}
