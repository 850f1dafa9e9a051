using NumKit.Optimizers;

namespace NumKit.Tests.Training;

public class ParameterLayoutTests
{
    private static ParameterLayout Mlp() => new ParameterLayout()
        .Add("W1", 4, 3)
        .Add("b1", 4)
        .Add("W2", 1, 4)
        .Add("b2", 1);

    [Fact]
    public void Tensors_are_laid_out_one_after_another_in_the_order_added()
    {
        ParameterLayout layout = Mlp();
        Assert.Equal(4, layout.Count);
        Assert.Equal(12 + 4 + 4 + 1, layout.ParameterCount);
        Assert.Equal(new[] { 0, 12, 16, 20 }, layout.Select(t => t.Offset));
        Assert.Equal(new[] { 12, 4, 4, 1 }, layout.Select(t => t.Length));
        Assert.Equal(new[] { 4, 3 }, layout["W1"].Shape.ToArray());
        Assert.Equal(2, layout.IndexOf("W2"));
        Assert.Equal(-1, layout.IndexOf("W3"));
        Assert.Equal("W1 [4, 3], b1 [4], W2 [1, 4], b2 [1]", layout.ToString());
    }

    [Fact]
    public void Add_returns_a_new_layout_and_leaves_the_original_as_it_was()
    {
        ParameterLayout one = new ParameterLayout().Add("W", 2, 2);
        ParameterLayout two = one.Add("b", 2);
        Assert.Single(one);
        Assert.Equal(4, one.ParameterCount);
        Assert.Equal(2, two.Count);
        Assert.Equal(6, two.ParameterCount);
    }

    [Fact]
    public void A_scalar_has_one_element_and_a_zero_dimension_none()
    {
        ParameterLayout layout = new ParameterLayout().Add("scale").Add("empty", 3, 0).Add("b", 2);
        Assert.Equal(1, layout["scale"].Length);
        Assert.Equal(0, layout["empty"].Length);
        Assert.Equal(1, layout["b"].Offset);
        Assert.Equal(3, layout.ParameterCount);
    }

    [Fact]
    public void Bad_tensors_are_refused_with_the_reason()
    {
        ParameterLayout layout = Mlp();
        Assert.Contains("already has a tensor named 'b1'", Assert.Throws<ArgumentException>(() => layout.Add("b1", 3)).Message);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => layout.Add("", 3)).ParamName);
        Assert.Contains("at most 256", Assert.Throws<ArgumentException>(() => layout.Add(new string('x', 257), 3)).Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => layout.Add("W3", 2, -1));
        Assert.Contains("Dimension 1 of tensor 'W3' is -1", negative.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Add("huge", 65536, 65536));
        Assert.Equal(4, layout.Count);
    }

    [Fact]
    public void An_unknown_name_lists_the_names_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => Mlp()["W3"]);
        Assert.Contains("no tensor named 'W3'; it has: W1, b1, W2, b2", error.Message);
    }

    [Fact]
    public void Layouts_are_equal_when_names_and_shapes_match_in_order()
    {
        Assert.Equal(Mlp(), Mlp());
        Assert.Equal(Mlp().GetHashCode(), Mlp().GetHashCode());
        Assert.NotEqual(Mlp(), Mlp().Add("b3", 1));
        Assert.NotEqual(new ParameterLayout().Add("W", 2, 3), new ParameterLayout().Add("W", 3, 2));
        Assert.NotEqual(new ParameterLayout().Add("a", 1).Add("b", 1), new ParameterLayout().Add("b", 1).Add("a", 1));
    }
}

public class ParameterSetTests
{
    [Fact]
    public void Each_tensor_is_a_view_of_the_flat_buffers()
    {
        var set = new ParameterSet(new ParameterLayout().Add("W1", 2, 3).Add("b1", 2));
        Assert.Equal(8, set.Values.Length);
        Assert.Equal(8, set.Gradients.Length);
        set["b1"][1] = 5f;
        set.Gradient("W1")[5] = 7f;
        set[0][0] = 1f;
        Assert.Equal(5f, set.Values[7]);
        Assert.Equal(7f, set.Gradients[5]);
        Assert.Equal(1f, set.Values[0]);
        Assert.Equal(6, set["W1"].Length);
        Assert.Equal(2, set.Gradient(1).Length);

        set.ZeroGradients();
        Assert.True(set.Gradients.ToArray().All(x => x == 0));
        Assert.Equal(5f, set.Values[7]);
    }

    [Fact]
    public void An_unknown_tensor_name_is_refused()
    {
        var set = new ParameterSet<double>(new ParameterLayout().Add("W1", 2));
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => set.Gradient("W2")).ParamName);
    }

    [Fact]
    public void An_optimizer_steps_a_set_exactly_as_it_steps_the_flat_spans()
    {
        ParameterLayout layout = new ParameterLayout().Add("W1", 5, 3).Add("b1", 5).Add("W2", 5).Add("b2");
        var set = new ParameterSet(layout);
        float[] flat = new float[layout.ParameterCount];
        var random = new Random(3);
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = set.Values[i] = (float)random.NextDouble();
        }

        var bySet = new Optimizer<Adam>(new Adam { LearningRate = 0.1f }, layout);
        var byFlat = new Optimizer<Adam>(new Adam { LearningRate = 0.1f }, layout.ParameterCount);
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < flat.Length; i++)
            {
                set.Gradients[i] = (float)(random.NextDouble() - 0.5);
            }

            float[] gradients = set.Gradients.ToArray();
            bySet.Step(set);
            byFlat.Step(flat, gradients);
        }

        Assert.True(set.Values.SequenceEqual(flat));
        Assert.Equal(1, bySet.RangeCount);
    }

    [Fact]
    public void A_set_of_another_layout_is_refused()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd(), new ParameterLayout().Add("W", 3));
        var other = new ParameterSet(new ParameterLayout().Add("V", 3));
        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(other));
        Assert.Equal("parameters", error.ParamName);
        Assert.Contains("V [3]", error.Message);
        Assert.Equal(0, optimizer.StepCount);
    }
}

public class ParameterFileTests
{
    private static ParameterSet Filled(ParameterLayout layout, int seed)
    {
        var set = new ParameterSet(layout);
        var random = new Random(seed);
        for (int i = 0; i < set.Values.Length; i++)
        {
            set.Values[i] = (float)random.NextDouble();
            set.Gradients[i] = 1;
        }

        return set;
    }

    private static byte[] Saved(ParameterSet set)
    {
        using var stream = new MemoryStream();
        set.SaveValues(stream);
        return stream.ToArray();
    }

    private static readonly ParameterLayout s_layout = new ParameterLayout().Add("W1", 3, 2).Add("b1", 3).Add("W2", 3);

    [Fact]
    public void Values_round_trip_by_tensor_name_and_gradients_are_not_saved()
    {
        ParameterSet saved = Filled(s_layout, 1);
        var reordered = new ParameterSet(new ParameterLayout().Add("W2", 3).Add("W1", 3, 2).Add("b1", 3));
        reordered.LoadValues(new MemoryStream(Saved(saved)));
        foreach (string name in new[] { "W1", "b1", "W2" })
        {
            Assert.Equal(saved[name].ToArray(), reordered[name].ToArray());
        }

        Assert.All(reordered.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Values_that_do_not_fit_are_refused_and_change_nothing()
    {
        byte[] file = Saved(Filled(s_layout, 1));
        ParameterSet other = Filled(new ParameterLayout().Add("W1", 2, 3).Add("b1", 3).Add("W2", 3), 2);
        float[] before = other.Values.ToArray();
        var error = Assert.Throws<ArgumentException>(() => other.LoadValues(new MemoryStream(file)));
        Assert.Contains("its tensors are W1 [3, 2], b1 [3], W2 [3], and this one's are W1 [2, 3], b1 [3], W2 [3]", error.Message);
        Assert.Equal(before, other.Values.ToArray());

        var doubles = new ParameterSet<double>(s_layout);
        Assert.Contains("it holds float values, and this set holds Double", Assert.Throws<ArgumentException>(() => doubles.LoadValues(new MemoryStream(file))).Message);

        using var checkpoint = new MemoryStream();
        new Optimizer<Sgd>(new Sgd(), s_layout).SaveCheckpoint(checkpoint);
        Assert.Contains("Expected a NumKit parameter file here, but the stream holds an optimizer checkpoint", Assert.Throws<InvalidDataException>(() => other.LoadValues(new MemoryStream(checkpoint.ToArray()))).Message);
    }

    [Fact]
    public void Truncated_or_corrupt_values_are_refused_and_change_nothing()
    {
        byte[] file = Saved(Filled(s_layout, 1));
        ParameterSet other = Filled(s_layout, 2);
        float[] before = other.Values.ToArray();
        for (int length = 0; length < file.Length; length++)
        {
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => other.LoadValues(new MemoryStream(file, 0, length))).Message);
        }

        for (int bit = 0; bit < file.Length * 8; bit++)
        {
            byte[] corrupt = (byte[])file.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            Exception error = Assert.ThrowsAny<Exception>(() => other.LoadValues(new MemoryStream(corrupt)));
            Assert.True(error is InvalidDataException or ArgumentException, $"bit {bit}: {error.GetType().Name}: {error.Message}");
        }

        Assert.Equal(before, other.Values.ToArray());
    }
}
