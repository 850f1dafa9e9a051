using NumKit.Demo.Course;
using NumKit.Demo.Tune;
using NumKit.Tuning;
using Xunit.Abstractions;

namespace NumKit.Demo.Tests.Studies;

/// <summary>TPE against random search on the moons, at the same budget, over a fixed set of seeds.</summary>
public sealed class TpeTests(ITestOutputHelper output)
{
    private const int Budget = 30;
    private const int Epochs = 100;

    /// <summary>The seeds the comparison runs (fixed, so the test is reproducible); the README quotes this run.</summary>
    private static readonly ulong[] s_seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    [Fact]
    public void Tpe_beats_random_search_on_the_moons_at_the_same_budget_median_over_eleven_seeds()
    {
        MoonsData data = MoonsData.LoadCourse();
        TrialObjective objective = (trial, reporter, _) => MoonsSearch.Train(MoonsSearch.CreateTrainer(data, trial), reporter, Epochs);
        double Best(ISampler sampler, ulong seed)
        {
            using var storage = new InMemoryStudyStorage();
            Study study = Study.CreateOrLoad(storage, "moons", MoonsSearch.Space, new StudyOptions { Seed = seed, Budget = Budget, Sampler = sampler });
            study.Work(objective);
            return study.Results().Best!.Cost;
        }

        double[] random = s_seeds.AsParallel().AsOrdered().WithDegreeOfParallelism(2).Select(s => Best(RandomSampler.Instance, s)).ToArray();
        double[] tpe = s_seeds.AsParallel().AsOrdered().WithDegreeOfParallelism(2).Select(s => Best(new TpeSampler(), s)).ToArray();
        double Median(double[] values) => values.Order().ElementAt(values.Length / 2);
        output.WriteLine($"random: {string.Join(" ", random.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))} median {Median(random):G4}");
        output.WriteLine($"tpe:    {string.Join(" ", tpe.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))} median {Median(tpe):G4}");
        output.WriteLine($"tpe better on {random.Zip(tpe).Count(p => p.Second < p.First)} of {s_seeds.Length} seeds");

        Assert.True(Median(tpe) < Median(random), $"TPE's median best cost {Median(tpe)} is not below random search's {Median(random)}.");
    }

    [Fact]
    public void With_one_worker_tpe_gives_the_same_trials_every_time()
    {
        TrialObjective quick = (trial, reporter, _) =>
        {
            double cost = Math.Pow(Math.Log10(trial[MoonsSearch.Alpha]) + 2.5, 2) + trial[MoonsSearch.Hidden];
            reporter.Report(0, cost);
            return cost;
        };
        string[] Run()
        {
            using var storage = new InMemoryStudyStorage();
            Study study = Study.CreateOrLoad(storage, "tpe", MoonsSearch.Space, new StudyOptions { Seed = 4, Budget = 25, Sampler = new TpeSampler() });
            study.Work(quick);
            return study.Trials().Select(t => t.Values!).ToArray();
        }

        string[] first = Run();
        Assert.Equal(first, Run());
        Assert.Equal(25, first.Distinct().Count());
    }
}
