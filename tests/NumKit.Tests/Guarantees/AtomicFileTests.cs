using NumKit.IO;
using NumKit.Optimizers;

namespace NumKit.Tests.Guarantees;

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_previous_file_and_no_temporary_file()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "a.txt");
        AtomicFile.WriteAllText(path, "previous");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("the writer failed half-way");
        }));

        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_write_replaces_the_whole_file()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "a.txt");
        AtomicFile.WriteAllText(path, new string('x', 10_000));
        AtomicFile.WriteAllText(path, "short");
        Assert.Equal("short", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_missing_folder_is_an_IOException_and_creates_nothing()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "missing", "a.txt");
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_folder_is_refused_as_a_target()
    {
        using var folder = new TemporaryFolder();
        var error = Assert.Throws<ArgumentException>(() => AtomicFile.WriteAllText(folder.Path, "x"));
        Assert.Contains("is a folder", error.Message);
    }

    [Fact]
    public void Checkpoint_and_values_round_trip_through_a_path()
    {
        using var folder = new TemporaryFolder();
        var layout = new ParameterLayout().Add("w", 33);
        var set = new ParameterSet<float>(layout);
        set.Values.Fill(2f);
        set.Gradients.Fill(0.5f);
        var optimizer = new Optimizer<Adam>(new Adam { LearningRate = 0.1f }, layout);
        optimizer.Step(set);
        optimizer.SaveCheckpoint(Path.Combine(folder.Path, "opt.ckpt"));
        set.SaveValues(Path.Combine(folder.Path, "w.bin"));

        var restored = new Optimizer<Adam>(new Adam(), layout);
        restored.LoadCheckpoint(Path.Combine(folder.Path, "opt.ckpt"));
        var values = new ParameterSet<float>(layout);
        values.LoadValues(Path.Combine(folder.Path, "w.bin"));

        Assert.Equal(1, restored.StepCount);
        Assert.Equal(0.1f, restored.LearningRate);
        Assert.Equal(optimizer.State("m").ToArray(), restored.State("m").ToArray());
        Assert.Equal(set.Values.ToArray(), values.Values.ToArray());
    }
}
