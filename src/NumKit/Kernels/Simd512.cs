using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NumKit.Kernels;

/// <summary>A <see cref="Vector512{T}"/> as an <see cref="ISimd{TSelf, T}"/> block.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public readonly struct Simd512<T> : ISimd<Simd512<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector512<T> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd512(Vector512<T> value) => _value = value;

    /// <inheritdoc/>
    public static int Count => Vector512<T>.Count;

    /// <inheritdoc/>
    public static bool IsEnabled => Vector512.IsHardwareAccelerated && VectorPaths.Allows(512);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Broadcast(T value) => new(Vector512.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(ref T source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator +(Simd512<T> left, Simd512<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator -(Simd512<T> left, Simd512<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator *(Simd512<T> left, Simd512<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator /(Simd512<T> left, Simd512<T> right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator -(Simd512<T> value) => new(-value._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Sqrt(Simd512<T> x) => new(Vector512.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Abs(Simd512<T> x) => new(Vector512.Abs(x._value));

    /// <inheritdoc/>
    public static Simd512<T> Exp(Simd512<T> x)
    {
        Vector512<T> result = x._value;
        for (int lane = 0; lane < Vector512<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Exp(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd512<T> Log(Simd512<T> x)
    {
        Vector512<T> result = x._value;
        for (int lane = 0; lane < Vector512<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Log(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd512<T> Floor(Simd512<T> x)
    {
        Vector512<T> result = x._value;
        for (int lane = 0; lane < Vector512<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Floor(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd512<T> Cos(Simd512<T> x)
    {
        Vector512<T> result = x._value;
        for (int lane = 0; lane < Vector512<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Cos(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd512<T> Pow(Simd512<T> x, Simd512<T> y)
    {
        Vector512<T> result = x._value;
        for (int lane = 0; lane < Vector512<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Pow(result.GetElement(lane), y._value.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> LessThan(Simd512<T> left, Simd512<T> right) => new(Vector512.LessThan(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> LessThanOrEqual(Simd512<T> left, Simd512<T> right) => new(Vector512.LessThanOrEqual(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> GreaterThan(Simd512<T> left, Simd512<T> right) => new(Vector512.GreaterThan(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> GreaterThanOrEqual(Simd512<T> left, Simd512<T> right) => new(Vector512.GreaterThanOrEqual(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Equal(Simd512<T> left, Simd512<T> right) => new(Vector512.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> NotEqual(Simd512<T> left, Simd512<T> right) => new(~Vector512.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> And(Simd512<T> left, Simd512<T> right) => new(left._value & right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Or(Simd512<T> left, Simd512<T> right) => new(left._value | right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Select(Simd512<T> mask, Simd512<T> whenTrue, Simd512<T> whenFalse)
        => new(Vector512.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));
}
