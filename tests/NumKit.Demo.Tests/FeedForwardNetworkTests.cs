using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Tests;

public class FeedForwardNetworkTests
{
    [Fact]
    public void Gradients_match_central_finite_differences()
    {
        // A 2-5-2-1 network at random (He, seed 7) parameters on 9 of the moons: the analytic gradient of
        // the batch's mean cost against (J(θ + h) − J(θ − h)) / 2h for every parameter.
        (double[] x, double[] y) = Batch(start: 40, count: 9);
        var network = new FeedForwardNetwork<double>([2, 5, 2, 1], 16);
        network.SetParameters(InitialWeights.He([2, 5, 2, 1], seed: 7).Parameters);
        SetBiasesAwayFromKinks(network);
        network.ForwardBackward(x, y, 9);
        double[] analytic = network.Gradients.ToArray();

        const double H = 1e-6;
        for (int i = 0; i < network.ParameterCount; i++)
        {
            double original = network.Parameters[i];
            network.Parameters[i] = original + H;
            double plus = MeanCost(network, x, y, 9);
            network.Parameters[i] = original - H;
            double minus = MeanCost(network, x, y, 9);
            network.Parameters[i] = original;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(
                Math.Abs(numeric - analytic[i]) <= 1e-7 + (1e-5 * Math.Abs(numeric)),
                $"Parameter {i}: analytic {analytic[i]:R}, finite difference {numeric:R}.");
        }
    }

    [Fact]
    public void Gradients_match_finite_differences_for_a_deeper_network_too()
    {
        (double[] x, double[] y) = Batch(start: 100, count: 20);
        var network = new FeedForwardNetwork<double>([2, 6, 4, 3, 1], 20);
        network.SetParameters(InitialWeights.He([2, 6, 4, 3, 1], seed: 11).Parameters);
        SetBiasesAwayFromKinks(network);
        network.ForwardBackward(x, y, 20);
        double[] analytic = network.Gradients.ToArray();
        const double H = 1e-6;
        for (int i = 0; i < network.ParameterCount; i++)
        {
            double original = network.Parameters[i];
            network.Parameters[i] = original + H;
            double plus = MeanCost(network, x, y, 20);
            network.Parameters[i] = original - H;
            double minus = MeanCost(network, x, y, 20);
            network.Parameters[i] = original;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-7 + (1e-5 * Math.Abs(numeric)), $"Parameter {i}: {analytic[i]:R} vs {numeric:R}.");
        }
    }

    [Fact]
    public void Forward_and_cost_match_a_hand_written_per_example_reference()
    {
        (double[] x, double[] y) = Batch(start: 0, count: 64);
        var network = new FeedForwardNetwork<double>([2, 5, 2, 1], 64);
        InitialWeights weights = InitialWeights.LoadCourse();
        network.SetParameters(weights.Parameters);
        network.Forward(x, 64);
        double cost = network.Cost(y);

        // An independent scalar reference: one example at a time, weights read straight from the flat buffer.
        double[] p = weights.Parameters.ToArray();
        double expectedCost = 0;
        for (int j = 0; j < 64; j++)
        {
            double[] a0 = [x[j], x[64 + j]];
            double[] a1 = Layer(p, 0, a0, 5, relu: true);
            double[] a2 = Layer(p, 15, a1, 2, relu: true);
            double[] a3 = Layer(p, 27, a2, 1, relu: false);
            Assert.Equal(a3[0], network.Output[j], 1e-15);
            expectedCost += y[j] == 1 ? -Math.Log(a3[0]) : -Math.Log(1 - a3[0]);
        }

        Assert.Equal(expectedCost, cost, 1e-12);
    }

    [Fact]
    public void Chunked_forward_over_a_strided_input_equals_one_forward()
    {
        MoonsData data = MoonsData.LoadCourse();
        var network = new FeedForwardNetwork<double>([2, 5, 2, 1], 300);
        network.SetParameters(InitialWeights.LoadCourse().Parameters);
        double[] x = data.Features.ToArray();
        network.Forward(x, 300);
        double[] whole = network.Output.ToArray();
        network.Forward(x, stride: 300, count: 100, start: 150);
        Assert.Equal(whole[150..250], network.Output.ToArray());
    }

    [Fact]
    public void Float_forward_agrees_with_double()
    {
        (double[] x, double[] y) = Batch(start: 10, count: 30);
        var wide = new FeedForwardNetwork<double>([2, 5, 2, 1], 30);
        var narrow = new FeedForwardNetwork<float>([2, 5, 2, 1], 30);
        wide.SetParameters(InitialWeights.LoadCourse().Parameters);
        narrow.SetParameters(InitialWeights.LoadCourse().Parameters);
        double wideCost = wide.ForwardBackward(x, y, 30);
        float narrowCost = narrow.ForwardBackward(x.Select(v => (float)v).ToArray(), y.Select(v => (float)v).ToArray(), 30);
        Assert.Equal(wideCost, narrowCost, 1e-4);
        for (int i = 0; i < wide.ParameterCount; i++)
        {
            Assert.Equal(wide.Gradients[i], narrow.Gradients[i], 1e-5);
        }
    }

    [Fact]
    public void Views_cover_the_flat_buffer_in_course_order()
    {
        var network = new FeedForwardNetwork<double>([2, 5, 2, 1], 4);
        for (int i = 0; i < network.ParameterCount; i++)
        {
            network.Parameters[i] = i;
        }

        Assert.Equal(30, network.ParameterCount);
        Assert.Equal(0, network.Weights(1)[0]);
        Assert.Equal(10, network.Biases(1)[0]);
        Assert.Equal(15, network.Weights(2)[0]);
        Assert.Equal(25, network.Biases(2)[0]);
        Assert.Equal(27, network.Weights(3)[0]);
        Assert.Equal(29, network.Biases(3)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Weights(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Biases(4));
    }

    [Fact]
    public void Bad_inputs_are_rejected_and_change_nothing()
    {
        var network = new FeedForwardNetwork<double>([2, 3, 1], 4);
        network.SetParameters(new double[13]);
        var error = Assert.Throws<ArgumentException>(() => network.SetParameters(Enumerable.Repeat(1.0, 12).ToArray()));
        Assert.Contains("12 values but a 2-3-1 network has 13", error.Message);
        Assert.All(network.Parameters.ToArray(), v => Assert.Equal(0, v));

        Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(new double[10], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(new double[0], 0));
        Assert.Throws<ArgumentException>(() => network.Forward(new double[5], 3));
        network.Forward(new double[8], 4);
        var labels = Assert.Throws<ArgumentException>(() => network.Cost(new double[3]));
        Assert.Contains("3 labels but the last forward pass produced 4 outputs", labels.Message);
        Assert.Throws<InvalidOperationException>(() => new FeedForwardNetwork<double>([2, 1], 1).Backward(new double[2], new double[1]));
        Assert.Throws<ArgumentException>(() => new FeedForwardNetwork<double>([2], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeedForwardNetwork<double>([2, 1], 0));
    }

    [Fact]
    public void The_cost_stays_finite_and_right_when_the_sigmoid_saturates()
    {
        // z = ±40: σ(z) is exactly 1 or 0 in float32, where −log(1 − a)·(1 − y) would be ∞·0 = NaN.
        var network = new FeedForwardNetwork<float>([2, 1], 4);
        network.SetParameters([1, 0, 0]);
        network.Forward([40f, 40, -40, -40, 0, 0, 0, 0], 4);
        Assert.Equal(1f, network.Output[0]);
        float cost = network.Cost([1f, 0, 0, 1]);

        // Right answers cost e^−40 each; wrong ones 40 + e^−40.
        Assert.Equal(80f, cost);
        Assert.Equal(2, network.CountCorrect([1f, 0, 0, 1]));
    }

    [Fact]
    public void Count_correct_thresholds_at_one_half()
    {
        var network = new FeedForwardNetwork<double>([2, 1], 3);

        // One sigmoid unit on x1 alone: outputs σ(−2), σ(0) = 0.5 and σ(2).
        network.SetParameters([1, 0, 0]);
        network.Forward([-2.0, 0, 2, 0, 0, 0], 3);
        Assert.Equal(3, network.CountCorrect([0.0, 0, 1]));
        Assert.Equal(0, network.CountCorrect([1.0, 1, 0]));
    }

    internal static (double[] X, double[] Y) Batch(int start, int count)
    {
        MoonsData data = MoonsData.LoadCourse();
        ReadOnlySpan<double> features = data.Features.Span;
        var x = new double[2 * count];
        for (int j = 0; j < count; j++)
        {
            x[j] = features[start + j];
            x[count + j] = features[300 + start + j];
        }

        return (x, data.Labels.Span.Slice(start, count).ToArray());
    }

    // With zero biases, an example whose previous layer is all dead has Z = 0 exactly: ReLU's kink, where a
    // central difference averages the two one-sided slopes. Nonzero biases keep every Z off the kink.
    private static void SetBiasesAwayFromKinks(FeedForwardNetwork<double> network)
    {
        for (int layer = 1; layer <= network.LayerCount; layer++)
        {
            Span<double> biases = network.Biases(layer);
            for (int i = 0; i < biases.Length; i++)
            {
                biases[i] = 0.1 + (0.03 * i);
            }
        }
    }

    private static double MeanCost(FeedForwardNetwork<double> network, double[] x, double[] y, int count)
    {
        network.Forward(x, count);
        return network.Cost(y) / count;
    }

    private static double[] Layer(double[] p, int offset, double[] input, int units, bool relu)
    {
        var output = new double[units];
        for (int i = 0; i < units; i++)
        {
            double z = p[offset + (units * input.Length) + i];
            double sum = 0;
            for (int k = 0; k < input.Length; k++)
            {
                sum += p[offset + (i * input.Length) + k] * input[k];
            }

            z += sum;
            output[i] = relu ? Math.Max(0, z) : 1 / (1 + Math.Exp(-z));
        }

        return output;
    }
}
