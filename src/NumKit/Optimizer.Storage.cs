using System;
using System.Runtime.CompilerServices;
using NumKit.Numerics;
using NumKit.Stepping;

namespace NumKit;

// Compact state: each state buffer stored as float32, bfloat16 (nearest or stochastic) or 8-bit blockwise,
// per group, while the rule's kernel computes in float (Stepping/CompactState.cs).
public unsafe partial class Optimizer<TRule, T>
{
    // The storage asked for, per group and buffer (group * StateNames.Count + k); the rule's defaults to start.
    private StateStorage[] _storage;
    private int _blockwiseMinimumSize = 4096;

    // Null while every buffer is float32: then the state is the plain StateBuffers and a step runs as it always has.
    private CompactState? _compact;

    /// <summary>
    /// The seed of the random bits <see cref="StateStorage.BFloat16Stochastic"/> and <see cref="StateStorage.Blockwise8BitStochastic"/> round with; each element's bits
    /// are a function of the seed, the step, the buffer and the element's index, so a run is reproducible at
    /// every thread count and vector width. 0 unless set.
    /// </summary>
    public uint StochasticRoundingSeed { get; set; }

    /// <summary>
    /// Tensors with fewer elements than this keep float32 state where <see cref="StateStorage.Blockwise8Bit"/> or
    /// <see cref="StateStorage.Blockwise8BitStochastic"/> is asked for (bitsandbytes' <c>min_8bit_size</c>, 4096 by default). Set before the first step; the state is reset.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="InvalidOperationException">A step has already been applied.</exception>
    public int Blockwise8BitMinimumSize
    {
        get => _blockwiseMinimumSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            RequireNoStep("The 8-bit minimum size");
            _blockwiseMinimumSize = value;
            RebuildState();
        }
    }

    /// <summary>
    /// The bytes the optimizer keeps per parameter set now: the per-element state (values, and 8-bit blocks' absmax),
    /// and with 16-bit parameters their float32 master copy or compensation buffer.
    /// </summary>
    public long StateBytes => (_compact?.Bytes ?? (long)_state.Length * Unsafe.SizeOf<T>()) + ParameterCompanionBytes + ((long)(_matrixScratch?.State.Length ?? 0) * Unsafe.SizeOf<T>());

    /// <summary>How state buffer <paramref name="name"/> of group <paramref name="group"/> is stored (as asked; 8-bit falls back to float32 for small tensors).</summary>
    public StateStorage GetStateStorage(string name, int group = 0)
    {
        int k = IndexOf(TRule.StateNames, name, "state buffer");
        _ = _plan[group];
        return _storage[(group * TRule.StateNames.Count) + k];
    }

    /// <summary>Stores every state buffer of every group as <paramref name="storage"/>. Before the first step; the state is reset.</summary>
    /// <exception cref="NotSupportedException">A compact storage was asked for and the parameters are not float.</exception>
    /// <exception cref="InvalidOperationException">A step has already been applied.</exception>
    public void SetStateStorage(StateStorage storage)
    {
        RequireStorage(storage);
        RequireNoStep("State storage");
        Array.Fill(_storage, storage);
        RebuildState();
    }

    /// <summary>Stores state buffer <paramref name="name"/> (such as "m") of every group as <paramref name="storage"/>. Before the first step; the state is reset.</summary>
    /// <exception cref="ArgumentException">The rule has no such state buffer.</exception>
    /// <inheritdoc cref="SetStateStorage(StateStorage)"/>
    public void SetStateStorage(string name, StateStorage storage)
    {
        int k = IndexOf(TRule.StateNames, name, "state buffer");
        RequireStorage(storage);
        RequireNoStep("State storage");
        for (int group = 0; group < _plan.Count; group++)
        {
            _storage[(group * TRule.StateNames.Count) + k] = storage;
        }

        RebuildState();
    }

    /// <summary>Stores state buffer <paramref name="name"/> of group <paramref name="group"/> only as <paramref name="storage"/>. Before the first step; the state is reset.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such group.</exception>
    /// <inheritdoc cref="SetStateStorage(string, StateStorage)"/>
    public void SetStateStorage(int group, string name, StateStorage storage)
    {
        int k = IndexOf(TRule.StateNames, name, "state buffer");
        _ = _plan[group];
        RequireStorage(storage);
        RequireNoStep("State storage");
        _storage[(group * TRule.StateNames.Count) + k] = storage;
        RebuildState();
    }

    /// <summary>Writes state buffer <paramref name="name"/>'s values for tensor <paramref name="tensorName"/>, widened to float, into <paramref name="destination"/>: whatever the storage.</summary>
    /// <exception cref="ArgumentException">No such buffer or tensor, or <paramref name="destination"/> is not the tensor's length.</exception>
    public void CopyState(string name, string tensorName, Span<float> destination)
    {
        int k = IndexOf(TRule.StateNames, name, "state buffer");
        int j = Layout.RequireIndexOf(tensorName, nameof(tensorName));
        if (destination.Length != Layout[j].Length)
        {
            throw new ArgumentException($"'{nameof(destination)}' has {destination.Length} elements but tensor '{tensorName}' has {Layout[j].Length}.", nameof(destination));
        }

        if (_compact is not null)
        {
            _compact.CopyTo(j, k, destination);
            return;
        }

        Span<T> values = TensorState(_state, j, k);
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = float.CreateTruncating(values[i]);
        }
    }

    private static StateStorage[] DefaultStorage(int groups)
    {
        var storage = new StateStorage[groups * TRule.StateNames.Count];
        for (int group = 0; group < groups; group++)
        {
            for (int k = 0; k < TRule.StateNames.Count; k++)
            {
                storage[(group * TRule.StateNames.Count) + k] = TRule.DefaultStateStorage(k);
            }
        }

        return storage;
    }

    // A new group stores its state as the default group does.
    private void AddGroupStorage()
    {
        int buffers = TRule.StateNames.Count;
        var storage = new StateStorage[_storage.Length + buffers];
        _storage.CopyTo(storage, 0);
        Array.Copy(_storage, 0, storage, _storage.Length, buffers);
        _storage = storage;
    }

    // Allocates the state as the storage now asks, and resets it.
    private void RebuildState()
    {
        if (Array.TrueForAll(_storage, s => s == StateStorage.Float32) && !IsLowPrecision)
        {
            _compact = null;
            if (_state.Length != TRule.StateNames.Count * ParameterCount)
            {
                _state = new StateBuffers<T>(TRule.StateNames.Count, ParameterCount);
            }
        }
        else
        {
            RequireStorage(StateStorage.BFloat16);
            if (IsMultiPass)
            {
                throw new NotSupportedException(
                    $"{typeof(TRule).Name} reduces over its tensors in {TRule.PassCount} passes, which read state the first pass stored: it steps float or double parameters with Float32 state only.");
            }

            _compact = new CompactState(Layout, _plan.GroupsOfTensors(), _plan.Ranges, TRule.StateNames.Count, _storage, _blockwiseMinimumSize, IsLowPrecision ? 2 : 0);
            _state = new StateBuffers<T>(TRule.StateNames.Count, 0); // the float buffers are not used: free them
        }

        Reset();
    }

    private static void RequireStorage(StateStorage storage)
    {
        if (storage is < StateStorage.Float32 or > StateStorage.Blockwise8BitStochastic)
        {
            throw new ArgumentOutOfRangeException(nameof(storage), storage, "Not a StateStorage value.");
        }

        if (storage != StateStorage.Float32 && typeof(T) == typeof(double))
        {
            throw new NotSupportedException($"Compact state ({storage}) is for float, Half or BFloat16 parameters; this optimizer runs {typeof(T).Name}.");
        }
    }

    private void RequireNoStep(string what)
    {
        if (StepCount != 0)
        {
            throw new InvalidOperationException(
                $"{what} must be set before the first step; {StepCount} step(s) have been applied. Call Reset() first to start over.");
        }
    }

    // One step of one range over compact state.
    private void StepCompact(in TRule rule, int t, int rangeIndex, Span<T> parameters, ReadOnlySpan<T> gradients, Span<double> scalarsBefore, Span<double> scalarsAfter)
    {
        CompactState compact = _compact!;
        Tile[] tiles = compact.TilesByRange[rangeIndex];
        GroupRange range = _plan.Ranges[rangeIndex];
        if (tiles.Length == 0)
        {
            // No elements: the kernel still advances the per-step scalar state, over empty spans.
            scalarsBefore.CopyTo(scalarsAfter);
            TRule.Step(in rule, t, Span<float>.Empty, ReadOnlySpan<float>.Empty, Span<float>.Empty, 0, scalarsAfter);
            return;
        }

        if (typeof(T) != typeof(float) && !IsLowPrecision)
        {
            throw new InvalidOperationException("unreachable: compact state with double parameters");
        }

        int buffers = TRule.StateNames.Count;
        Span<uint> keys = stackalloc uint[buffers];
        for (int k = 0; k < buffers; k++)
        {
            keys[k] = CounterRandom.Key(StochasticRoundingSeed, t, k);
        }

        TRule ruleCopy = rule;
        uint parameterKey = CounterRandom.Key(StochasticRoundingSeed, t, buffers); // past the state buffers' keys
        fixed (T* w = parameters)
        fixed (T* g = gradients)
        fixed (Segment* segments = compact.Segments)
        fixed (Tile* tilePointer = tiles)
        fixed (double* before = scalarsBefore)
        fixed (double* after = scalarsAfter)
        fixed (uint* keyPointer = keys)
        fixed (float* master = _master)
        fixed (T* compensation = _compensation)
        {
            var job = new CompactStep<TRule, T>.Job
            {
                Rule = Unsafe.AsPointer(ref ruleCopy),
                Step = t,
                W = w,
                G = g,
                Arena = compact.Base,
                Segments = segments,
                BufferCount = buffers,
                TileLength = compact.TileLength,
                Tiles = tilePointer,
                TileCount = tiles.Length,
                Scalars = before,
                Result = after,
                ScalarCount = scalarsBefore.Length,
                Keys = keyPointer,
                Update = _update,
                Master = master,
                Compensation = compensation,
                ParameterKey = parameterKey,
                Stored = CompactStep<TRule, T>.RunsStored,
                Source = new RunSource
                {
                    Arena = compact.Base,
                    Segments = segments,
                    BufferCount = buffers,
                    Tiles = tilePointer,
                    TileLength = compact.TileLength,
                    LoopStorage = compact.LoopStorageByRange[rangeIndex],
                    Keys = keyPointer,
                    W = (byte*)w,
                    G = (byte*)g,
                    ElementSize = sizeof(T),
                    Companion = _update == LowPrecisionUpdate.Float32MasterCopy ? (byte*)master : (byte*)compensation,
                    CompanionSize = _update == LowPrecisionUpdate.Float32MasterCopy ? sizeof(float) : sizeof(T),
                    ParameterKey = parameterKey,
                },
            };
            int threads = ThreadsForStep(range.Length);
            CompactStep<TRule, T>.Run(ref job, Math.Min(Kernels.WorkerTeam.PartsFor(threads), tiles.Length), threads);
        }
    }
}
