using System.Collections.Immutable;
using NumKit.Tuning;

namespace NumKit.Tests.Tuning;

public class SearchSpaceTests
{
    internal static SearchSpace CourseSpace() => new(
        Dimension.LogUniform("alpha", 1e-4, 1),
        Dimension.OneMinusLogUniform("beta", 0.9, 0.999),
        Dimension.PowerOfTwo("batch", 16, 256),
        Dimension.Integer("hidden", 3, 20),
        Dimension.Choice("optimizer", "momentum", "adam"));

    [Fact]
    public void A_trial_depends_only_on_seed_and_id()
    {
        SearchSpace space = CourseSpace();
        Trial direct = space.Sample(seed: 7, id: 12);
        Trial inBatch = RandomSearch.Sample(space, 20, seed: 7)[12];
        Trial inLaterBatch = RandomSearch.Sample(space, 5, seed: 7, firstId: 10)[2];
        Assert.True(direct.SameAs(inBatch));
        Assert.True(direct.SameAs(inLaterBatch));
        Assert.False(direct.SameAs(space.Sample(8, 12)));
        Assert.NotEqual(direct.Seed, space.Sample(7, 13).Seed);
    }

    [Fact]
    public void Trials_read_their_values_by_name_and_kind()
    {
        var space = new SearchSpace(
            Dimension.LogUniform("alpha", 1e-4, 1),
            Dimension.PowerOfTwo("batch", 16, 256),
            Dimension.Choice("optimizer", "momentum", "adam"),
            Dimension.Choice("beta", 0.9, 0.99));
        Trial trial = space.CreateTrial(3, new Dictionary<string, double> { ["alpha"] = 0.003, ["batch"] = 64, ["optimizer"] = 1, ["beta"] = 1 });
        Assert.Equal(0.003, trial["alpha"]);
        Assert.Equal(0.003f, trial.GetSingle("alpha"));
        Assert.Equal(64, trial.GetInt32("batch"));
        Assert.Equal("adam", trial.GetString("optimizer"));
        Assert.Equal(0.99, trial.GetDouble("beta"));
        Assert.Equal("0.99", trial.GetString("beta"));
        Assert.Equal("#3 alpha=0.003 batch=64 optimizer=adam beta=0.99", trial.ToString());
        var labels = Assert.Throws<InvalidOperationException>(() => trial.GetDouble("optimizer"));
        Assert.Contains("GetString", labels.Message);
        Assert.Throws<InvalidOperationException>(() => trial.GetInt32("alpha"));
        var unknown = Assert.Throws<KeyNotFoundException>(() => trial["gamma"]);
        Assert.Contains("alpha, batch, optimizer, beta", unknown.Message);
    }

    [Fact]
    public void CreateTrial_refuses_missing_unknown_and_out_of_range_values()
    {
        SearchSpace space = CourseSpace();
        var values = new Dictionary<string, double>(space.Center());
        Assert.NotNull(space.CreateTrial(0, values));
        values["batch"] = 48;
        var outside = Assert.Throws<ArgumentException>(() => space.CreateTrial(0, values));
        Assert.Contains("48", outside.Message);
        values["batch"] = 64;
        values["gamma"] = 1;
        Assert.Contains("'gamma'", Assert.Throws<ArgumentException>(() => space.CreateTrial(0, values)).Message);
        values.Remove("gamma");
        values.Remove("alpha");
        Assert.Contains("'alpha'", Assert.Throws<ArgumentException>(() => space.CreateTrial(0, values)).Message);
    }

    [Fact]
    public void Spaces_refuse_duplicate_names_and_fix_and_replace_by_name()
    {
        Assert.Throws<ArgumentException>(() => new SearchSpace(Dimension.Uniform("x", 0, 1), Dimension.Integer("x", 0, 1)));
        Assert.Throws<ArgumentException>(() => new SearchSpace(Array.Empty<Dimension>()));
        SearchSpace space = CourseSpace().Fix("batch", 64);
        Assert.Equal(1, space["batch"].DistinctValueCount);
        Assert.All(RandomSearch.Sample(space, 50, 1), t => Assert.Equal(64, t.GetInt32("batch")));
        Assert.Throws<KeyNotFoundException>(() => space.With(Dimension.Uniform("nope", 0, 1)));
        Assert.Equal(5, space.Count);
    }

    [Fact]
    public void Center_is_the_middle_of_each_scale()
    {
        ImmutableDictionary<string, double> center = CourseSpace().Center();
        Assert.Equal(0.01, center["alpha"], 12);
        Assert.Equal(0.99, center["beta"], 12);
        Assert.Equal(64, center["batch"]);
        Assert.Equal(12, center["hidden"]);
        Assert.Equal(0, center["optimizer"]);
    }

    [Fact]
    public void Grid_is_the_full_product_with_ids_in_order()
    {
        var space = new SearchSpace(Dimension.LogUniform("alpha", 1e-4, 1), Dimension.PowerOfTwo("batch", 32, 64));
        ImmutableArray<Trial> grid = GridSearch.Sample(space, 3, seed: 1, firstId: 10);
        Assert.Equal(6, grid.Length);
        Assert.Equal(Enumerable.Range(10, 6), grid.Select(t => t.Id));
        Assert.Equal(new[] { 1e-4, 1e-4, 1e-2, 1e-2, 1, 1 }, grid.Select(t => Math.Round(t["alpha"], 12)));
        Assert.Equal(new[] { 32, 64, 32, 64, 32, 64 }, grid.Select(t => t.GetInt32("batch")));
        Assert.Equal(space.Sample(1, 11).Seed, grid[1].Seed);
        Assert.Equal(3, GridSearch.PointsPerDimension(30, 3));
        Assert.Equal(5, GridSearch.PointsPerDimension(25, 2));
        Assert.Equal(1, GridSearch.PointsPerDimension(3, 2));
    }

    [Fact]
    public void Random_search_tries_many_more_values_of_the_important_parameter()
    {
        // The course's picture: 25 trials over two parameters. A 5 x 5 grid tries 5 learning rates;
        // random search tries 25.
        var space = new SearchSpace(Dimension.LogUniform("alpha", 1e-4, 1), Dimension.Uniform("epsilon", 1e-8, 1e-6));
        GridVersusRandom comparison = SearchComparison.GridVersusRandom(space, 25, "alpha", seed: 1);
        Assert.Equal(25, comparison.Grid.Length);
        Assert.Equal(5, comparison.GridDistinct);
        Assert.Equal(25, comparison.RandomDistinct);
        Assert.Contains("5 distinct values of alpha", comparison.Format());

        // With the five dimensions of the course's space, 64 trials buy a grid of only 2 points per
        // dimension (32 trials): 2 learning rates against 64.
        GridVersusRandom five = SearchComparison.GridVersusRandom(CourseSpace(), 64, "alpha", seed: 2);
        Assert.Equal(32, five.Grid.Length);
        Assert.Equal(2, five.GridDistinct);
        Assert.Equal(2, SearchComparison.CountDistinct(five.Grid, "optimizer"));
        Assert.Equal(64, five.RandomDistinct);
    }
}
