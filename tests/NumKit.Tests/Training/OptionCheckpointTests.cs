using NumKit.Optimizers;

namespace NumKit.Tests.Training;

/// <summary>
/// A rule's bool options (Prodigy's DecoupleWeightDecay, UseBiasCorrection, SafeguardWarmup; LARS's Nesterov) are part
/// of what a checkpoint restores, like the float hyperparameters: a fresh optimizer built with the defaults resumes
/// the saved run bit for bit.
/// </summary>
public class OptionCheckpointTests
{
    private static readonly ParameterLayout s_layout = new ParameterLayout().Add("W1", 6, 3).Add("b1", 6).Add("W2", 6).Add("b2");

    private static float[][] Gradients(int steps, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, s_layout.ParameterCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    private static byte[] Save<TRule>(Optimizer<TRule> optimizer)
        where TRule : struct, IOptimizerRule<TRule>
    {
        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);
        return stream.ToArray();
    }

    private static string Options<TRule>(Optimizer<TRule> optimizer)
        where TRule : struct, IOptimizerRule<TRule>
        => string.Join("; ", Enumerable.Range(0, optimizer.GroupCount).Select(group =>
            string.Join(",", TRule.OptionNames.Select((name, o) => $"{name}={optimizer.GroupRule(group).GetOption(o)}"))));

    // Two groups with options unlike the defaults (and unlike each other); three steps, then save.
    private static (Optimizer<Prodigy> Optimizer, float[] W) SavedProdigy()
    {
        var optimizer = new Optimizer<Prodigy>(new Prodigy { DecoupleWeightDecay = false, WeightDecay = 0.1f, UseBiasCorrection = true }, s_layout);
        optimizer.AddGroup(new Prodigy { SafeguardWarmup = true, WeightDecay = 0.1f }, "W2", "b2");
        float[] w = Enumerable.Range(0, s_layout.ParameterCount).Select(i => (float)Math.Sin(i)).ToArray();
        foreach (float[] g in Gradients(3, 1))
        {
            optimizer.Step(w, g);
        }

        return (optimizer, w);
    }

    [Fact]
    public void Generated_rules_name_their_bool_properties_as_options_and_rules_without_any_have_none()
    {
        Assert.Equal(new[] { "DecoupleWeightDecay", "UseBiasCorrection", "SafeguardWarmup" }, GetOptionNames<Prodigy>());
        Assert.Equal(new[] { "Nesterov" }, GetOptionNames<Lars>());
        Assert.Equal(GetOptionNames<Lars>(), GetOptionNames<Lookahead<Lars>>());
        Assert.Empty(GetOptionNames<Adam>());

        var rule = new Prodigy();
        SetOption(ref rule, 1, true);
        Assert.True(rule.UseBiasCorrection);
        Assert.Throws<ArgumentOutOfRangeException>(() => GetOption(new Prodigy(), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GetOption(new Adam(), 0));
    }

    [Fact]
    public void A_checkpoint_restores_each_groups_options_into_an_optimizer_built_with_the_defaults_and_the_run_resumes_bit_for_bit()
    {
        (Optimizer<Prodigy> saved, float[] w) = SavedProdigy();
        byte[] checkpoint = Save(saved);

        var restored = new Optimizer<Prodigy>(new Prodigy(), s_layout);
        restored.AddGroup(new Prodigy(), "W2", "b2");
        restored.LoadCheckpoint(new MemoryStream(checkpoint));
        Assert.Equal(Options(saved), Options(restored));
        Assert.Equal("DecoupleWeightDecay=False,UseBiasCorrection=True,SafeguardWarmup=False; DecoupleWeightDecay=True,UseBiasCorrection=False,SafeguardWarmup=True", Options(restored));

        float[] w2 = (float[])w.Clone();
        foreach (float[] g in Gradients(4, 2))
        {
            saved.Step(w, g);
            restored.Step(w2, g);
        }

        Assert.Equal(w.Select(BitConverter.SingleToInt32Bits), w2.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Lookahead_carries_its_inner_rules_options()
    {
        var saved = new Optimizer<Lookahead<Lars>>(new Lookahead<Lars> { Inner = new Lars { Nesterov = true } }, s_layout);
        float[] w = new float[s_layout.ParameterCount];
        foreach (float[] g in Gradients(2, 3))
        {
            saved.Step(w, g);
        }

        var restored = new Optimizer<Lookahead<Lars>>(new Lookahead<Lars>(), s_layout);
        restored.LoadCheckpoint(new MemoryStream(Save(saved)));
        Assert.True(restored.GroupRule(0).Inner.Nesterov);
    }

    [Fact]
    public void A_version_2_checkpoint_without_options_is_read_and_leaves_the_optimizers_own_options()
    {
        (Optimizer<Prodigy> saved, _) = SavedProdigy();
        byte[] current = Save(saved);

        // Version 2: the same bytes without the options section at the end (names, then 3 bytes per group).
        int optionsLength = 4 + Prodigy_OptionNamesBytes() + (2 * 3);
        byte[] old = current.AsSpan(0, current.Length - 8 - optionsLength).ToArray().Concat(new byte[8]).ToArray();
        BitConverter.GetBytes(2).CopyTo(old, 8);
        BitConverter.GetBytes(Fnv1a(old.AsSpan(0, old.Length - 8))).CopyTo(old, old.Length - 8);

        var restored = new Optimizer<Prodigy>(new Prodigy { SafeguardWarmup = true }, s_layout);
        restored.AddGroup(new Prodigy(), "W2", "b2");
        restored.LoadCheckpoint(new MemoryStream(old));
        Assert.Equal(saved.StepCount, restored.StepCount);
        Assert.Equal(saved.GroupRule(0).WeightDecay, restored.GroupRule(0).WeightDecay);
        Assert.Equal("DecoupleWeightDecay=True,UseBiasCorrection=False,SafeguardWarmup=True; DecoupleWeightDecay=True,UseBiasCorrection=False,SafeguardWarmup=False", Options(restored));
    }

    [Fact]
    public void An_option_byte_that_is_not_a_bool_is_refused_and_changes_nothing()
    {
        (Optimizer<Prodigy> saved, _) = SavedProdigy();
        byte[] bad = Save(saved);
        bad[^9] = 2; // the second group's last option
        BitConverter.GetBytes(Fnv1a(bad.AsSpan(0, bad.Length - 8))).CopyTo(bad, bad.Length - 8);

        var restored = new Optimizer<Prodigy>(new Prodigy(), s_layout);
        restored.AddGroup(new Prodigy(), "W2", "b2");
        string before = Options(restored);
        var error = Assert.Throws<InvalidDataException>(() => restored.LoadCheckpoint(new MemoryStream(bad)));
        Assert.Contains("SafeguardWarmup", error.Message);
        Assert.Equal(before, Options(restored));
        Assert.Equal(0, restored.StepCount);
    }

    private static int Prodigy_OptionNamesBytes() => new[] { "DecoupleWeightDecay", "UseBiasCorrection", "SafeguardWarmup" }.Sum(n => 4 + n.Length);

    private static IReadOnlyList<string> GetOptionNames<TRule>()
        where TRule : struct, IOptimizerRule<TRule>
        => TRule.OptionNames;

    private static bool GetOption<TRule>(TRule rule, int index)
        where TRule : struct, IOptimizerRule<TRule>
        => rule.GetOption(index);

    private static void SetOption<TRule>(ref TRule rule, int index, bool value)
        where TRule : struct, IOptimizerRule<TRule>
        => rule.SetOption(index, value);

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211;
        }

        return hash;
    }
}
