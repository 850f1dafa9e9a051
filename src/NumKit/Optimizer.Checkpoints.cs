using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using NumKit.Checkpoints;
using NumKit.Stepping;

namespace NumKit;

public partial class Optimizer<TRule, T>
{
    private static string RuleName => typeof(TRule).FullName ?? typeof(TRule).Name;

    /// <summary>
    /// Writes everything needed to resume training to <paramref name="stream"/>: the rule's type and
    /// every group's hyperparameters by name, the step and skip counts, every state buffer by name and
    /// by tensor with the type it is stored as, and the tensors' names and shapes; versioned and checksummed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
    public void SaveCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using CallGuard call = Enter(SaveCall);
        RequireNoFailedStep("SaveCheckpoint");
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        var hashed = new ChecksumStream(stream, writing: true);
        using var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true);
        CheckpointFormat.WriteHeader(writer, CheckpointFormat.OptimizerMagic, CheckpointFormat.OptimizerVersion);
        CheckpointFormat.WriteString(writer, RuleName);
        writer.Write(CheckpointFormat.ValueCode<T>());
        writer.Write(StepCount);
        writer.Write(SkippedStepCount);
        CheckpointFormat.WriteNames(writer, TRule.HyperparameterNames);
        CheckpointFormat.WriteNames(writer, TRule.StateNames);
        CheckpointFormat.WriteNames(writer, TRule.ScalarStateNames);
        CheckpointFormat.WriteNames(writer, StorageNamesOfState());
        if (IsLowPrecision)
        {
            CheckpointFormat.WriteString(writer, UpdateName); // only 16-bit parameters' checkpoints have it
        }

        CheckpointFormat.WriteLayout(writer, Layout);

        writer.Write(_plan.Count);
        for (int group = 0; group < _plan.Count; group++)
        {
            int[] members = _plan.Members(group);
            writer.Write(members.Length);
            foreach (int member in members)
            {
                writer.Write(member);
            }

            for (int h = 0; h < TRule.HyperparameterNames.Count; h++)
            {
                writer.Write(_plan.Groups[group].Rule.GetHyperparameter(h));
            }

            foreach (double value in _plan.Groups[group].Scalars)
            {
                writer.Write(value);
            }
        }

        for (int k = 0; k < TRule.StateNames.Count; k++)
        {
            for (int j = 0; j < Layout.Count; j++)
            {
                if (_compact is null)
                {
                    CheckpointFormat.WriteValues<T>(writer, TensorState(_state, j, k));
                }
                else
                {
                    _compact.Write(writer, j, k); // as stored: bfloat16 bits, 8-bit codes and absmax
                }
            }
        }

        if (_master is not null)
        {
            CheckpointFormat.WriteValues<float>(writer, _master);
        }

        if (_compensation is not null)
        {
            CheckpointFormat.WriteValues<T>(writer, _compensation);
        }

        // Per-row and per-column state (rules over rows and columns only): its names, then each tensor's values.
        if (HasMatrixState)
        {
            CheckpointFormat.WriteNames(writer, TRule.RowStateNames);
            CheckpointFormat.WriteNames(writer, TRule.ColumnStateNames);
            for (int j = 0; j < Layout.Count; j++)
            {
                CheckpointFormat.WriteValues<T>(writer, MatrixStateOf(_matrixScratch!.State, j));
            }
        }

        // The bool options (rules with options only): their names, then each group's values.
        if (TRule.OptionNames.Count > 0)
        {
            CheckpointFormat.WriteNames(writer, TRule.OptionNames);
            for (int group = 0; group < _plan.Count; group++)
            {
                for (int o = 0; o < TRule.OptionNames.Count; o++)
                {
                    writer.Write(_plan.Groups[group].Rule.GetOption(o));
                }
            }
        }

        writer.Flush();
        CheckpointFormat.WriteChecksum(writer, hashed.Hash);
        writer.Flush();
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint(Stream)"/>: hyperparameters, step and skip
    /// counts and every state buffer (matched by state and tensor name). Everything is read and checked
    /// before anything changes, so a refused checkpoint leaves the optimizer as it was.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The checkpoint does not fit this optimizer: another rule, precision, hyperparameter or state
    /// names, state storage (the message names both), tensors (names or shapes) or groups.
    /// </exception>
    /// <exception cref="InvalidDataException">The stream is not a checkpoint, is of an unknown version, is truncated or is corrupt.</exception>
    public void LoadCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using CallGuard call = Enter(LoadCall);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        var hashed = new ChecksumStream(stream, writing: false);
        using var reader = new BinaryReader(hashed, Encoding.UTF8, leaveOpen: true);
        Staged staged;
        try
        {
            staged = ReadCheckpoint(reader, hashed);
        }
        catch (EndOfStreamException e)
        {
            throw CheckpointFormat.Truncated(e);
        }

        ValidateStaged(staged);

        // Commit: nothing above changed the optimizer.
        ForgetSetAside();
        for (int group = 0; group < _plan.Count; group++)
        {
            _plan.Groups[group].Rule = staged.Rules[group];
            staged.Scalars[group].CopyTo(_plan.Groups[group].Scalars, 0);
        }

        staged.State.Values.CopyTo(_state.Values);
        if (_compact is not null)
        {
            _compact.CopyFrom(staged.Compact!);
        }

        staged.Master?.CopyTo(_master!, 0);
        staged.Compensation?.CopyTo(_compensation!, 0);
        staged.MatrixState?.CopyTo(_matrixScratch!.State, 0);
        _masterPending = false;
        StepCount = staged.StepCount;
        SkippedStepCount = staged.SkippedStepCount;
        ClearFailedStep();
    }

    private Staged ReadCheckpoint(BinaryReader reader, ChecksumStream hashed)
    {
        int version = CheckpointFormat.ReadHeader(reader, CheckpointFormat.OptimizerMagic, "optimizer checkpoint", CheckpointFormat.OptimizerVersion);
        string rule = CheckpointFormat.ReadString(reader, "the rule name");
        if (rule != RuleName)
        {
            throw Mismatch($"it was saved by a '{rule}' optimizer, and this one runs '{RuleName}'");
        }

        int size = reader.ReadByte();
        string? saved = CheckpointFormat.ValueTypeName(size);
        if (saved is null)
        {
            throw CheckpointFormat.Corrupt($"the value type code is {size}");
        }

        if (size != CheckpointFormat.ValueCode<T>())
        {
            throw Mismatch($"it was saved for {saved} parameters, and this optimizer runs {typeof(T).Name}");
        }

        int stepCount = reader.ReadInt32();
        int skippedStepCount = reader.ReadInt32();
        if (stepCount < 0 || skippedStepCount < 0)
        {
            throw CheckpointFormat.Corrupt($"the step count is {stepCount} and the skip count {skippedStepCount}");
        }

        RequireSameNames(CheckpointFormat.ReadNames(reader, "hyperparameters"), TRule.HyperparameterNames, "hyperparameters");
        RequireSameNames(CheckpointFormat.ReadNames(reader, "state buffers"), TRule.StateNames, "state buffers");
        RequireSameNames(CheckpointFormat.ReadNames(reader, "scalar state values"), TRule.ScalarStateNames, "per-step scalar state values");
        string elementStorage = StorageNames.Of<T>();
        string[] storage = version >= CheckpointFormat.FirstVersionWithStorage
            ? CheckpointFormat.ReadNames(reader, "state storage names")
            : Enumerable.Repeat(elementStorage, TRule.StateNames.Count).ToArray(); // version 1: every buffer as the element type
        RequireSameStorage(storage);
        if (IsLowPrecision)
        {
            string update = CheckpointFormat.ReadString(reader, "the parameters' update");
            if (update != UpdateName)
            {
                throw Mismatch($"its parameters take updates by {update}, and this optimizer's by {UpdateName}");
            }
        }

        int[] ourIndex = CheckpointFormat.ReadLayout(reader, Layout, detail => Mismatch(detail));
        var staged = new Staged(stepCount, skippedStepCount, _plan.Count, _state.BufferCount, _state.Length / Math.Max(1, _state.BufferCount));
        if (_compact is not null)
        {
            staged.Compact = new CompactState(Layout, _plan.GroupsOfTensors(), _plan.Ranges, TRule.StateNames.Count, _storage, _blockwiseMinimumSize);
        }

        ReadGroups(reader, ourIndex, staged);

        for (int k = 0; k < TRule.StateNames.Count; k++)
        {
            foreach (int j in ourIndex)
            {
                if (staged.Compact is null)
                {
                    CheckpointFormat.ReadValues<T>(reader, TensorState(staged.State, j, k));
                }
                else
                {
                    staged.Compact.Read(reader, j, k);
                }
            }
        }

        if (_master is not null)
        {
            staged.Master = new float[ParameterCount];
            CheckpointFormat.ReadValues<float>(reader, staged.Master);
        }

        if (_compensation is not null)
        {
            staged.Compensation = new T[ParameterCount];
            CheckpointFormat.ReadValues<T>(reader, staged.Compensation);
        }

        if (HasMatrixState)
        {
            RequireSameNames(CheckpointFormat.ReadNames(reader, "per-row state"), TRule.RowStateNames, "per-row state");
            RequireSameNames(CheckpointFormat.ReadNames(reader, "per-column state"), TRule.ColumnStateNames, "per-column state");
            staged.MatrixState = new T[_matrixScratch!.State.Length];
            foreach (int j in ourIndex)
            {
                CheckpointFormat.ReadValues<T>(reader, MatrixStateOf(staged.MatrixState, j));
            }
        }

        if (version >= CheckpointFormat.FirstVersionWithOptions && TRule.OptionNames.Count > 0)
        {
            ReadOptions(reader, staged); // before version 3 options were not saved: the optimizer's own stay
        }

        ulong computed = hashed.Hash;
        ulong stored = CheckpointFormat.ReadChecksum(reader);
        if (computed != stored)
        {
            throw CheckpointFormat.Corrupt($"its checksum is {stored:x16} but its contents hash to {computed:x16}");
        }

        return staged;
    }

    private static void ReadOptions(BinaryReader reader, Staged staged)
    {
        RequireSameNames(CheckpointFormat.ReadNames(reader, "options"), TRule.OptionNames, "options");
        for (int group = 0; group < staged.Rules.Length; group++)
        {
            TRule rule = staged.Rules[group];
            for (int o = 0; o < TRule.OptionNames.Count; o++)
            {
                byte saved = reader.ReadByte();
                if (saved > 1)
                {
                    throw CheckpointFormat.Corrupt($"option {TRule.OptionNames[o]} of group {group} is the byte {saved}, not a bool");
                }

                if (rule.GetOption(o) != (saved == 1))
                {
                    try
                    {
                        rule.SetOption(o, saved == 1);
                    }
                    catch (NotSupportedException)
                    {
                        throw Mismatch($"its group {group} has {TRule.OptionNames[o]} = {saved == 1}, and this optimizer's rule has {!(saved == 1)} with no setter");
                    }
                }
            }

            staged.Rules[group] = rule;
        }
    }

    private void ReadGroups(BinaryReader reader, int[] ourIndex, Staged staged)
    {
        int count = CheckpointFormat.ReadCount(reader, CheckpointFormat.MaxNames, "the number of groups");
        if (count != _plan.Count)
        {
            throw Mismatch($"it has {count} parameter group(s), and this optimizer has {_plan.Count}");
        }

        for (int group = 0; group < count; group++)
        {
            int memberCount = CheckpointFormat.ReadCount(reader, ourIndex.Length, $"the size of group {group}");
            var members = new int[memberCount];
            for (int i = 0; i < memberCount; i++)
            {
                int member = reader.ReadInt32();
                if ((uint)member >= (uint)ourIndex.Length)
                {
                    throw CheckpointFormat.Corrupt($"group {group} names tensor {member} of {ourIndex.Length}");
                }

                members[i] = ourIndex[member];
            }

            Array.Sort(members);
            if (!members.AsSpan().SequenceEqual(_plan.Members(group)))
            {
                string theirs = string.Join(", ", members.Select(j => Layout[j].Name));
                throw Mismatch($"its group {group} holds {(theirs.Length == 0 ? "no tensors" : theirs)}, and this optimizer's holds {string.Join(", ", GroupTensors(group).DefaultIfEmpty("no tensors"))}");
            }

            TRule rule = _plan.Groups[group].Rule;
            for (int h = 0; h < TRule.HyperparameterNames.Count; h++)
            {
                rule.SetHyperparameter(h, reader.ReadSingle());
            }

            staged.Rules[group] = rule;
            for (int s = 0; s < TRule.ScalarStateNames.Count; s++)
            {
                staged.Scalars[group][s] = reader.ReadDouble();
            }
        }
    }

    private static bool HasMatrixState => TRule.RowStateNames.Count + TRule.ColumnStateNames.Count > 0;

    // Tensor j's per-row and per-column state in a buffer laid out as MatrixBuffers.State.
    private Span<T> MatrixStateOf(T[] state, int j)
        => state.AsSpan(_matrixScratch!.StateOffsets[j], _matrixScratch.StateOffsets[j + 1] - _matrixScratch.StateOffsets[j]);

    // How each state buffer is stored, in state order.
    private string[] StorageNamesOfState()
        => _compact is null
            ? Enumerable.Repeat(StateBuffers<T>.StorageName, TRule.StateNames.Count).ToArray()
            : Enumerable.Range(0, TRule.StateNames.Count).Select(k => _compact.DescribeBuffer(k, _plan.Count)).ToArray();

    private void RequireSameStorage(string[] theirs)
    {
        string[] ours = StorageNamesOfState();
        if (theirs.Length != ours.Length)
        {
            throw CheckpointFormat.Corrupt($"it names the storage of {theirs.Length} state buffer(s) but has {ours.Length}");
        }

        for (int k = 0; k < ours.Length; k++)
        {
            if (theirs[k] != ours[k])
            {
                throw Mismatch($"its state '{TRule.StateNames[k]}' is stored as {theirs[k]}, and this optimizer stores it as {ours[k]}");
            }
        }
    }

    private static void RequireSameNames(string[] theirs, IReadOnlyList<string> ours, string what)
    {
        if (!theirs.SequenceEqual(ours))
        {
            throw Mismatch($"its {what} are ({string.Join(", ", theirs)}), and {typeof(TRule).Name}'s are ({string.Join(", ", ours)}): it was saved by another version of the rule");
        }
    }

    private static ArgumentException Mismatch(string detail)
        => new($"The checkpoint does not fit this optimizer: {detail}. Nothing was changed.", "stream");

    /// <summary>A checkpoint read and checked, not yet applied.</summary>
    private sealed class Staged
    {
        public Staged(int stepCount, int skippedStepCount, int groups, int bufferCount, int parameterCount)
        {
            StepCount = stepCount;
            SkippedStepCount = skippedStepCount;
            Rules = new TRule[groups];
            Scalars = new double[groups][];
            for (int group = 0; group < groups; group++)
            {
                Scalars[group] = new double[TRule.ScalarStateNames.Count];
            }

            State = new StateBuffers<T>(bufferCount, parameterCount);
        }

        public int StepCount { get; }

        public int SkippedStepCount { get; }

        public TRule[] Rules { get; }

        public double[][] Scalars { get; }

        public StateBuffers<T> State { get; }

        // The compact state read, when the optimizer keeps one.
        public CompactState? Compact { get; set; }

        // The master copy or compensation of 16-bit parameters, when the optimizer keeps one.
        public float[]? Master { get; set; }

        public T[]? Compensation { get; set; }

        // The per-row and per-column state, when the rule keeps some.
        public T[]? MatrixState { get; set; }
    }
}
