using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NumKit.Kernels;

/// <summary>A <see cref="Vector128{T}"/> as an <see cref="ISimd{TSelf, T}"/> block.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public readonly struct Simd128<T> : ISimd<Simd128<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector128<T> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd128(Vector128<T> value) => _value = value;

    /// <inheritdoc/>
    public static int Count => Vector128<T>.Count;

    /// <inheritdoc/>
    public static bool IsEnabled => Vector128.IsHardwareAccelerated && VectorPaths.Allows(128);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Broadcast(T value) => new(Vector128.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Load(ref T source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator +(Simd128<T> left, Simd128<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator -(Simd128<T> left, Simd128<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator *(Simd128<T> left, Simd128<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator /(Simd128<T> left, Simd128<T> right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator -(Simd128<T> value) => new(-value._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Sqrt(Simd128<T> x) => new(Vector128.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Abs(Simd128<T> x) => new(Vector128.Abs(x._value));

    /// <inheritdoc/>
    public static Simd128<T> Exp(Simd128<T> x)
    {
        Vector128<T> result = x._value;
        for (int lane = 0; lane < Vector128<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Exp(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd128<T> Log(Simd128<T> x)
    {
        Vector128<T> result = x._value;
        for (int lane = 0; lane < Vector128<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Log(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd128<T> Floor(Simd128<T> x)
    {
        Vector128<T> result = x._value;
        for (int lane = 0; lane < Vector128<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Floor(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd128<T> Cos(Simd128<T> x)
    {
        Vector128<T> result = x._value;
        for (int lane = 0; lane < Vector128<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Cos(result.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    public static Simd128<T> Pow(Simd128<T> x, Simd128<T> y)
    {
        Vector128<T> result = x._value;
        for (int lane = 0; lane < Vector128<T>.Count; lane++)
        {
            result = result.WithElement(lane, T.Pow(result.GetElement(lane), y._value.GetElement(lane)));
        }

        return new(result);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> LessThan(Simd128<T> left, Simd128<T> right) => new(Vector128.LessThan(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> LessThanOrEqual(Simd128<T> left, Simd128<T> right) => new(Vector128.LessThanOrEqual(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> GreaterThan(Simd128<T> left, Simd128<T> right) => new(Vector128.GreaterThan(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> GreaterThanOrEqual(Simd128<T> left, Simd128<T> right) => new(Vector128.GreaterThanOrEqual(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Equal(Simd128<T> left, Simd128<T> right) => new(Vector128.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> NotEqual(Simd128<T> left, Simd128<T> right) => new(~Vector128.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> And(Simd128<T> left, Simd128<T> right) => new(left._value & right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Or(Simd128<T> left, Simd128<T> right) => new(left._value | right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Select(Simd128<T> mask, Simd128<T> whenTrue, Simd128<T> whenFalse)
        => new(Vector128.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));
}
