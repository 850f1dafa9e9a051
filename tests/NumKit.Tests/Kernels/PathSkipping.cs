using Xunit.Abstractions;
using Xunit.Sdk;

namespace NumKit.Tests.Kernels;

// Tests that run a kernel on every vector path must not pass where a path cannot run: VectorPaths.Limit(512) on a
// CPU without AVX-512 runs the 256-bit path again, and the test passed without running the path it names. A test
// marked [PathFact] or [PathTheory] runs every path the process has (EveryPath), and if it passed but a path was
// missing, it is reported as SKIPPED with the reason. xunit 2 has no dynamic skip, so this is a small test-case
// type: it collects the missing paths while the test runs and turns its "passed" message into "skipped".

/// <summary>A fact that runs kernels on every vector path: skipped, visibly, if a path cannot run in this process.</summary>
[XunitTestCaseDiscoverer("NumKit.Tests.Kernels.PathFactDiscoverer", "NumKit.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class PathFactAttribute : FactAttribute;

/// <summary>A theory that runs kernels on every vector path: each row skipped, visibly, if a path cannot run in this process.</summary>
[XunitTestCaseDiscoverer("NumKit.Tests.Kernels.PathTheoryDiscoverer", "NumKit.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class PathTheoryAttribute : TheoryAttribute;

/// <summary>Finds [PathFact] tests.</summary>
public sealed class PathFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
        => new PathTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>Finds [PathTheory] tests: one path-checked test case per data row.</summary>
public sealed class PathTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
        => [new PathTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow)];

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForTheory(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
        => [new PathTheoryTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>One test (or theory row) whose "passed" becomes "skipped" when EveryPath could not run a path.</summary>
public sealed class PathTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public PathTestCase()
    {
    }

    public PathTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, object[]? arguments = null)
        : base(diagnosticMessageSink, display, options, testMethod, arguments)
    {
    }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
        => MissingPaths.RunAsync(messageBus, bus => base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource));
}

/// <summary>A theory whose rows are enumerated when it runs (data xunit cannot serialize); the same skip rule for the whole theory.</summary>
public sealed class PathTheoryTestCase : XunitTheoryTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public PathTheoryTestCase()
    {
    }

    public PathTheoryTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, options, testMethod)
    {
    }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
        => MissingPaths.RunAsync(messageBus, bus => base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource));
}

/// <summary>The vector paths a running path test could not run; EveryPath adds to it.</summary>
public sealed class MissingPaths
{
    private static readonly AsyncLocal<MissingPaths?> s_current = new();
    private readonly SortedSet<int> _widths = new();

    /// <summary>The collector of the path test running on this flow, or null outside [PathFact]/[PathTheory].</summary>
    public static MissingPaths? Current => s_current.Value;

    public void Add(int bits)
    {
        lock (_widths)
        {
            _widths.Add(bits);
        }
    }

    private string? Reason()
    {
        lock (_widths)
        {
            return _widths.Count == 0 ? null
                : $"Not run on the {string.Join(", ", _widths.Select(w => w == 0 ? "scalar" : $"{w}-bit"))} path: this process accelerates at most "
                    + $"{VectorPaths.HardwareBits}-bit vectors (the CPU or DOTNET_Enable* settings). Every path it has ran and passed.";
        }
    }

    internal static async Task<RunSummary> RunAsync(IMessageBus messageBus, Func<IMessageBus, Task<RunSummary>> run)
    {
        var missing = new MissingPaths();
        s_current.Value = missing;
        using var bus = new PassedToSkippedBus(messageBus, missing);
        RunSummary summary = await run(bus);
        summary.Skipped += bus.Converted;
        return summary;
    }

    // Passes every message on, except that a test that passed while paths were missing is reported skipped.
    private sealed class PassedToSkippedBus(IMessageBus inner, MissingPaths missing) : IMessageBus
    {
        public int Converted { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestPassed passed && missing.Reason() is { } reason)
            {
                Converted++;
                return inner.QueueMessage(new TestSkipped(passed.Test, reason));
            }

            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
        }
    }
}
