using System;
using System.Threading;

namespace NumKit.Batching;

// One enumeration of an epoch at a time. A batch's Features and Labels are the iterator's buffers and its
// Examples a slice of the permutation, so a second enumeration gathering into the same buffers would leave
// the first one's batch holding another batch's features beside its own example indexes. Each enumerator
// takes a number, and its MoveNext claims the iterator for that number with one compare-exchange; a second
// enumerator finds the claim held and throws before it gathers anything.
public sealed partial class MiniBatchIterator<T>
{
    // The number of the enumeration that holds the buffers; 0 for none.
    private int _activeEnumeration;

    // The last number handed to an enumerator (never 0, so 0 can mean "none").
    private int _lastEnumeration;

    internal int NewEnumeration()
    {
        int number = Interlocked.Increment(ref _lastEnumeration);
        return number != 0 ? number : Interlocked.Increment(ref _lastEnumeration);
    }

    internal void Claim(int enumeration, int epoch)
    {
        int holder = Interlocked.CompareExchange(ref _activeEnumeration, enumeration, 0);
        if (holder != 0 && holder != enumeration)
        {
            throw new InvalidOperationException(
                $"Epoch {epoch} is already being enumerated (a nested foreach over the same epoch, or another thread): its batches share "
                + "the iterator's buffers, so this enumeration would overwrite the batch the other one is using. Nothing was gathered. "
                + "Finish or leave the other foreach first, or give each thread its own iterator.");
        }
    }

    internal void Release(int enumeration) => Interlocked.CompareExchange(ref _activeEnumeration, 0, enumeration);

    // Starting another epoch ends every enumeration of the previous one (their MoveNext throws from then on).
    private void EndEnumeration() => Volatile.Write(ref _activeEnumeration, 0);
}
