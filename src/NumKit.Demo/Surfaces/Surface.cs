using System;
using System.Collections.Generic;

namespace NumKit.Demo.Surfaces;

/// <summary>What counts as done on a surface.</summary>
public enum SurfaceGoal
{
    /// <summary>Leave the saddle or plateau: the value drops below <see cref="Surface.Target"/>.</summary>
    Escape,

    /// <summary>Reach the minimum: the value comes within <see cref="Surface.Target"/> of it.</summary>
    Converge,
}

/// <summary>
/// A two-variable test surface f(x, y) with its gradient, a start, a learning rate every optimizer
/// uses on it, and a goal, for comparing optimizers where plain gradient descent struggles.
/// </summary>
public sealed class Surface
{
    private readonly Func<double, double, double> _value;
    private readonly Func<double, double, (double Dx, double Dy)> _gradient;

    /// <summary>Describes a surface; see the properties for each argument.</summary>
    public Surface(
        string name,
        string formula,
        Func<double, double, double> value,
        Func<double, double, (double Dx, double Dy)> gradient,
        (double X, double Y) start,
        float learningRate,
        int maxSteps,
        SurfaceGoal goal,
        double target,
        (double XMin, double XMax, double YMin, double YMax) view,
        string lesson)
    {
        Name = name;
        Formula = formula;
        _value = value;
        _gradient = gradient;
        Start = start;
        LearningRate = learningRate;
        MaxSteps = maxSteps;
        Goal = goal;
        Target = target;
        View = view;
        Lesson = lesson;
    }

    /// <summary>A short name, such as "saddle".</summary>
    public string Name { get; }

    /// <summary>The formula, for tables and titles.</summary>
    public string Formula { get; }

    /// <summary>Where every optimizer starts.</summary>
    public (double X, double Y) Start { get; }

    /// <summary>The learning rate every optimizer gets on this surface.</summary>
    public float LearningRate { get; }

    /// <summary>How many steps an optimizer gets before it counts as not done.</summary>
    public int MaxSteps { get; }

    /// <summary>Whether done means escaping or converging.</summary>
    public SurfaceGoal Goal { get; }

    /// <summary>Escape: the value to drop below. Converge: how close to come to the minimum value, which is 0 on every surface here.</summary>
    public double Target { get; }

    /// <summary>The region the pictures show.</summary>
    public (double XMin, double XMax, double YMin, double YMax) View { get; }

    /// <summary>What the surface shows about the optimizers, one sentence.</summary>
    public string Lesson { get; }

    /// <summary>A description of the goal, such as "f &lt; −1".</summary>
    public string GoalText => Goal == SurfaceGoal.Escape ? $"escape: f < {Target:G3}" : $"converge: f − f* < {Target:G3}";

    /// <summary>The classic surfaces: a saddle, a plateau, an elongated bowl and Rosenbrock's valley.</summary>
    public static IReadOnlyList<Surface> Classic { get; } =
    [
        new Surface(
            "saddle",
            "x² − y²",
            static (x, y) => (x * x) - (y * y),
            static (x, y) => (2 * x, -2 * y),
            start: (-1.0, 1e-3),
            learningRate: 0.01f,
            maxSteps: 10_000,
            SurfaceGoal.Escape,
            target: -1.0,
            view: (-1.2, 1.2, -1.6, 1.6),
            "Along y the gradient starts at 2e-3: gradient descent and momentum (which averages gradients rather than adding them up) need hundreds of steps to turn downhill; Adam's normalised step leaves at once."),
        new Surface(
            "plateau",
            "1 − exp(−(x² + y²))",
            static (x, y) => 1 - Math.Exp(-((x * x) + (y * y))),
            static (x, y) =>
            {
                double e = Math.Exp(-((x * x) + (y * y)));
                return (2 * x * e, 2 * y * e);
            },
            start: (2.4, 1.8),
            learningRate: 0.1f,
            maxSteps: 20_000,
            SurfaceGoal.Converge,
            target: 1e-2,
            view: (-0.6, 2.8, -0.6, 2.2),
            "On the flat the gradient is below 1e-3: steps proportional to it crawl for thousands of steps; Adam divides by the gradient's size and crosses in a few dozen."),
        new Surface(
            "bowl",
            "x²/100 + y²",
            static (x, y) => (x * x / 100) + (y * y),
            static (x, y) => (x / 50, 2 * y),
            start: (-9.0, 1.5),
            learningRate: 0.95f,
            maxSteps: 20_000,
            SurfaceGoal.Converge,
            target: 1e-4,
            view: (-10, 2, -2, 2),
            "The steep y direction limits α, so gradient descent zig-zags across the valley and crawls along it; momentum's average cancels the zig-zag and keeps the speed along it."),
        new Surface(
            "rosenbrock",
            "(1 − x)² + 100(y − x²)²",
            static (x, y) => ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x))),
            static (x, y) => ((-2 * (1 - x)) - (400 * x * (y - (x * x))), 200 * (y - (x * x))),
            start: (-1.2, 1.0),
            learningRate: 0.001f,
            maxSteps: 50_000,
            SurfaceGoal.Converge,
            target: 1e-4,
            view: (-1.6, 1.6, -0.4, 1.6),
            "A curved valley with a nearly flat floor: steps proportional to the gradient crawl along the floor to (1, 1); momentum that adds gradients up runs along it."),
    ];

    /// <summary>f(x, y).</summary>
    public double Value(double x, double y) => _value(x, y);

    /// <summary>∇f(x, y).</summary>
    public (double Dx, double Dy) Gradient(double x, double y) => _gradient(x, y);

    /// <summary>
    /// Whether the goal is reached at (x, y): the value is below <see cref="Target"/> (every minimum
    /// here is 0, so for convergence that is f − f* &lt; Target too).
    /// </summary>
    public bool IsDone(double x, double y) => Value(x, y) < Target;
}
