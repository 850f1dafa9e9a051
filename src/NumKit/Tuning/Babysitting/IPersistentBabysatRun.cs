using System.IO;

namespace NumKit.Tuning;

/// <summary>
/// A babysat run whose checkpoint can also be written to a file: the babysitter writes it to
/// <see cref="BabysittingOptions.CheckpointPath"/> after every <see cref="IBabysatRun.SaveCheckpoint"/>.
/// </summary>
public interface IPersistentBabysatRun : IBabysatRun
{
    /// <summary>Writes the checkpoint last saved by <see cref="IBabysatRun.SaveCheckpoint"/> to <paramref name="stream"/>.</summary>
    void WriteCheckpoint(Stream stream);
}
