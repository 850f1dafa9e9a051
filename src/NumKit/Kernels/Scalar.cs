using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// One value as an <see cref="ISimd{TSelf, TVector, T}"/> block: the scalar tail of every kernel, and the whole
/// loop where the machine has no vector unit. Comparisons give all-ones or zero bits, as a vector
/// lane would, so selects and every other operation match the vector widths bit for bit.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Part of <c>NumKit.Kernels</c>, the building blocks that generated kernels compile against in your
/// project: public only so generated code can reach them, hidden from IntelliSense, outside the
/// reviewed public API (PublicAPI.Shipped.txt) and free to change in any version. Call the generated
/// <c>Update</c> kernels or <c>Optimizer&lt;TRule&gt;</c> instead.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Scalar<T> : ISimd<Scalar<T>, T, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int Count => 1;

    /// <inheritdoc/>
    public static bool IsEnabled => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint index) => Unsafe.Add(ref source, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint index) => Unsafe.Add(ref destination, index) = value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T left, T right) => left + right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T left, T right) => left - right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T left, T right) => left * right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T left, T right) => left / right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Negate(T value) => -value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt(T x) => T.Sqrt(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T x) => T.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PerLane<TFunction>(T x)
        where TFunction : ILaneFunction<T>
        => TFunction.Apply(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PerLane<TFunction>(T x, T y)
        where TFunction : ILaneFunction2<T>
        => TFunction.Apply(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThan(T left, T right) => Mask(left < right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThanOrEqual(T left, T right) => Mask(left <= right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GreaterThan(T left, T right) => Mask(left > right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GreaterThanOrEqual(T left, T right) => Mask(left >= right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Equal(T left, T right) => Mask(left == right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NotEqual(T left, T right) => Mask(left != right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T And(T left, T right) => left & right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Or(T left, T right) => left | right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Select(T mask, T whenTrue, T whenFalse)
        // The same bit operation a vector ConditionalSelect performs, on one lane.
        => (mask & whenTrue) | (~mask & whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Mask(bool condition) => condition ? T.AllBitsSet : T.Zero;
}
