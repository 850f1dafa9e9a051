using System.Numerics;
using System.Runtime.CompilerServices;

namespace NumKit.Kernels;

/// <summary>
/// One value as an <see cref="ISimd{TSelf, T}"/> block: the scalar tail of every kernel, and the whole
/// loop where the machine has no vector unit. Comparisons give all-ones or zero bits, as a vector
/// lane would, so selects and every other operation match the vector widths bit for bit.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public readonly struct Scalar<T> : ISimd<Scalar<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Scalar(T value) => _value = value;

    /// <inheritdoc/>
    public static int Count => 1;

    /// <inheritdoc/>
    public static bool IsEnabled => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Broadcast(T value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Load(ref T source, nuint index) => new(Unsafe.Add(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Scalar<T> value, ref T destination, nuint index) => Unsafe.Add(ref destination, index) = value._value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> operator +(Scalar<T> left, Scalar<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> operator -(Scalar<T> left, Scalar<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> operator *(Scalar<T> left, Scalar<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> operator /(Scalar<T> left, Scalar<T> right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> operator -(Scalar<T> value) => new(-value._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Sqrt(Scalar<T> x) => new(T.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Abs(Scalar<T> x) => new(T.Abs(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Exp(Scalar<T> x) => new(T.Exp(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Log(Scalar<T> x) => new(T.Log(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Floor(Scalar<T> x) => new(T.Floor(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Cos(Scalar<T> x) => new(T.Cos(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Pow(Scalar<T> x, Scalar<T> y) => new(T.Pow(x._value, y._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> LessThan(Scalar<T> left, Scalar<T> right) => Mask(left._value < right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> LessThanOrEqual(Scalar<T> left, Scalar<T> right) => Mask(left._value <= right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> GreaterThan(Scalar<T> left, Scalar<T> right) => Mask(left._value > right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> GreaterThanOrEqual(Scalar<T> left, Scalar<T> right) => Mask(left._value >= right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Equal(Scalar<T> left, Scalar<T> right) => Mask(left._value == right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> NotEqual(Scalar<T> left, Scalar<T> right) => Mask(left._value != right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> And(Scalar<T> left, Scalar<T> right) => new(left._value & right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Or(Scalar<T> left, Scalar<T> right) => new(left._value | right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar<T> Select(Scalar<T> mask, Scalar<T> whenTrue, Scalar<T> whenFalse)
        // The same bit operation a vector ConditionalSelect performs, on one lane.
        => new((mask._value & whenTrue._value) | (~mask._value & whenFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Scalar<T> Mask(bool condition) => new(condition ? T.AllBitsSet : T.Zero);
}
