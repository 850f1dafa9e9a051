using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NumKit.Optimizers;

namespace NumKit.Tests.Training;

public class StateAlignmentTests
{
    private static unsafe nuint Address<T>(Span<T> span) => (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));

    [Theory]
    [InlineData(16)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void State_buffers_start_on_a_cache_line_and_stay_there(int n)
    {
        var adam = new Optimizer<Adam>(new Adam(), n);
        var adamDouble = new Optimizer<Adam, double>(new Adam(), n);
        for (int round = 0; round < 2; round++)
        {
            Assert.Equal(0u, Address(adam.State("m")) % 64);
            Assert.Equal(0u, Address(adam.State("v")) % 64);
            Assert.Equal(0u, Address(adamDouble.State("m")) % 64);
            Assert.Equal(0u, Address(adamDouble.State("v")) % 64);

            // The state array is pinned: a full compacting collection does not move it off the boundary.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    [Fact]
    public void An_odd_count_still_steps_and_checkpoints_every_value()
    {
        // 37 parameters: only the first buffer is aligned; the state must still be exactly 2 × 37 values.
        var optimizer = new Optimizer<Adam>(new Adam(), 37);
        float[] w = Enumerable.Range(0, 37).Select(i => i * 0.1f).ToArray();
        float[] g = Enumerable.Range(0, 37).Select(i => 1f - i * 0.05f).ToArray();
        optimizer.Step(w, g);
        Assert.Equal(37, optimizer.State("m").Length);
        Assert.Equal(0.1f * g[36], optimizer.State("m")[36], 6);

        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);
        var restored = new Optimizer<Adam>(new Adam(), 37);
        stream.Position = 0;
        restored.LoadCheckpoint(stream);
        Assert.True(optimizer.State("v").SequenceEqual(restored.State("v")));
    }
}
