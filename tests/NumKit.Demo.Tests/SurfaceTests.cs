using NumKit.Demo.Surfaces;
using NumKit.Demo.Training;

namespace NumKit.Demo.Tests;

public class SurfaceTests
{
    public static TheoryData<string> Names => new(Surface.Classic.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_match_finite_differences(string name)
    {
        Surface surface = Surface.Classic.Single(s => s.Name == name);
        const double H = 1e-6;
        foreach ((double x, double y) in new[] { (-1.2, 1.0), (0.3, -0.7), (1.5, 0.2), (2.4, 1.8) })
        {
            (double dx, double dy) = surface.Gradient(x, y);
            double numericX = (surface.Value(x + H, y) - surface.Value(x - H, y)) / (2 * H);
            double numericY = (surface.Value(x, y + H) - surface.Value(x, y - H)) / (2 * H);
            Assert.Equal(numericX, dx, 1e-5 * (1 + Math.Abs(dx)));
            Assert.Equal(numericY, dy, 1e-5 * (1 + Math.Abs(dy)));
        }
    }

    [Fact]
    public void Gradient_descent_walks_exactly_as_a_hand_written_loop()
    {
        Surface bowl = Surface.Classic.Single(s => s.Name == "bowl");
        SurfaceResult result = SurfaceExperiment.Run(bowl, OptimizerCatalog.Get("gd"));

        // w ← w − α·∇f, in double with α the float 0.95f, until f < 1e-4.
        double alpha = bowl.LearningRate;
        double x = bowl.Start.X, y = bowl.Start.Y;
        int steps = 0;
        while (bowl.Value(x, y) >= bowl.Target)
        {
            (double dx, double dy) = bowl.Gradient(x, y);
            x -= alpha * dx;
            y -= alpha * dy;
            steps++;
            Assert.Equal(x, result.Xs[steps]);
            Assert.Equal(y, result.Ys[steps]);
        }

        Assert.True(result.Reached);
        Assert.Equal(steps, result.Steps);
        Assert.Equal(steps + 1, result.Xs.Length);
    }

    [Fact]
    public void Adam_leaves_the_saddle_and_the_plateau_long_before_gradient_descent()
    {
        SurfaceResult[,] results = SurfaceExperiment.RunAll(
            [Surface.Classic[0], Surface.Classic[1]],
            [OptimizerCatalog.Get("gd"), OptimizerCatalog.Get("adam")]);
        for (int s = 0; s < 2; s++)
        {
            Assert.True(results[s, 0].Reached && results[s, 1].Reached);
            Assert.True(results[s, 1].Steps * 4 < results[s, 0].Steps, $"{results[s, 0].Surface.Name}: Adam {results[s, 1].Steps}, GD {results[s, 0].Steps}.");
        }
    }

    [Fact]
    public void Starting_exactly_on_the_ridge_gradient_descent_never_escapes()
    {
        // With y = 0 the gradient has no y component: plain gradient descent slides into the saddle point and stays.
        var ridge = new Surface("ridge", "x² − y²", static (x, y) => (x * x) - (y * y), static (x, y) => (2 * x, -2 * y),
            (-1.0, 0.0), 0.1f, 500, SurfaceGoal.Escape, -1.0, (-1, 1, -1, 1), "test");
        SurfaceResult result = SurfaceExperiment.Run(ridge, OptimizerCatalog.Get("gd"));
        Assert.False(result.Reached);
        Assert.False(result.Diverged);
        Assert.Equal(500, result.Steps);
        Assert.Equal("> 500", result.Outcome);
        Assert.Equal(0, result.Ys[^1]);
    }

    [Fact]
    public void A_learning_rate_past_stability_is_reported_as_divergence()
    {
        var steep = new Surface("steep", "x² + y²", static (x, y) => (x * x) + (y * y), static (x, y) => (2 * x, 2 * y),
            (1.0, 1.0), 1.5f, 10_000, SurfaceGoal.Converge, 1e-6, (-1, 1, -1, 1), "test");
        SurfaceResult result = SurfaceExperiment.Run(steep, OptimizerCatalog.Get("gd"));
        Assert.True(result.Diverged);
        Assert.False(result.Reached);
        Assert.StartsWith("diverged", result.Outcome);
        Assert.True(result.Steps < 100);
    }
}
