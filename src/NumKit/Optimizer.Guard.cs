using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NumKit;

// One call at a time. An optimizer's step reads and writes its state and step count without locks, so two
// threads stepping one optimizer at once would interleave updates and lose steps. Rather than lock (which
// would hide the misuse and serialize the callers), every call that reads or writes the state takes a flag
// with one compare-exchange and refuses, with an InvalidOperationException, if another call holds it.
// The flag costs a few nanoseconds per step and allocates nothing.
public partial class Optimizer<TRule, T>
{
    // Which call holds the optimizer: 0 for none, otherwise an index into s_callNames.
    private int _callInProgress;

    private static readonly string[] s_callNames = ["", "Step", "Reset", "SaveCheckpoint", "LoadCheckpoint"];

    private const int StepCall = 1;
    private const int ResetCall = 2;
    private const int SaveCall = 3;
    private const int LoadCall = 4;

    // Takes the optimizer for one call; the returned guard gives it back when disposed (`using var _ = Enter(...)`).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CallGuard Enter(int call)
    {
        int holder = Interlocked.CompareExchange(ref _callInProgress, call, 0);
        if (holder != 0)
        {
            ThrowInUse(call, holder);
        }

        return new CallGuard(this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInUse(int call, int holder)
        => throw new InvalidOperationException(
            $"{s_callNames[call]} was called while {s_callNames[holder]} was still running on this optimizer (from another thread, "
            + "or from inside that call): an optimizer is used by one thread at a time. This call was refused and changed nothing; "
            + "give each thread its own optimizer, or serialize the calls.");

    /// <summary>Gives the optimizer back at the end of a call.</summary>
    private readonly ref struct CallGuard
    {
        private readonly Optimizer<TRule, T> _owner;

        public CallGuard(Optimizer<TRule, T> owner) => _owner = owner;

        public void Dispose() => Volatile.Write(ref _owner._callInProgress, 0);
    }
}
