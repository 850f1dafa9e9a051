using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NumKit.Kernels;

/// <summary>A <see cref="Vector256{T}"/> as an <see cref="ISimd{TSelf, T}"/> block.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public readonly struct Simd256<T> : ISimd<Simd256<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector256<T> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd256(Vector256<T> value) => _value = value;

    /// <inheritdoc/>
    public static int Count => Vector256<T>.Count;

    /// <inheritdoc/>
    public static bool IsEnabled => Vector256.IsHardwareAccelerated && VectorPaths.Allows(256);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Broadcast(T value) => new(Vector256.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Load(ref T source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator +(Simd256<T> left, Simd256<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator -(Simd256<T> left, Simd256<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator *(Simd256<T> left, Simd256<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator /(Simd256<T> left, Simd256<T> right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator -(Simd256<T> value) => new(-value._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Sqrt(Simd256<T> x) => new(Vector256.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Abs(Simd256<T> x) => new(Vector256.Abs(x._value));

    /// <inheritdoc/>
    public static Simd256<T> Exp(Simd256<T> x)
    {
        Vector256<T> result = x._value;
        for (int lane = 0; lane < Vector256<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Exp(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd256<T> Log(Simd256<T> x)
    {
        Vector256<T> result = x._value;
        for (int lane = 0; lane < Vector256<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Log(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd256<T> Floor(Simd256<T> x)
    {
        Vector256<T> result = x._value;
        for (int lane = 0; lane < Vector256<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Floor(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd256<T> Cos(Simd256<T> x)
    {
        Vector256<T> result = x._value;
        for (int lane = 0; lane < Vector256<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Cos(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd256<T> Pow(Simd256<T> x, Simd256<T> y)
    {
        Vector256<T> result = x._value;
        for (int lane = 0; lane < Vector256<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Pow(result.GetElement(lane), y._value.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> LessThan(Simd256<T> left, Simd256<T> right) => new(Vector256.LessThan(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> LessThanOrEqual(Simd256<T> left, Simd256<T> right) => new(Vector256.LessThanOrEqual(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> GreaterThan(Simd256<T> left, Simd256<T> right) => new(Vector256.GreaterThan(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> GreaterThanOrEqual(Simd256<T> left, Simd256<T> right) => new(Vector256.GreaterThanOrEqual(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Equal(Simd256<T> left, Simd256<T> right) => new(Vector256.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> NotEqual(Simd256<T> left, Simd256<T> right) => new(~Vector256.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> And(Simd256<T> left, Simd256<T> right) => new(left._value & right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Or(Simd256<T> left, Simd256<T> right) => new(left._value | right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Select(Simd256<T> mask, Simd256<T> whenTrue, Simd256<T> whenFalse)
        => new(Vector256.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));
}
