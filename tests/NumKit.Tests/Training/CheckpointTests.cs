using NumKit.Optimizers;
using NumKit.Tests.Optimizers;

namespace NumKit.Tests.Training;

public class CheckpointTests
{
    private static readonly ParameterLayout s_layout = new ParameterLayout().Add("W1", 6, 3).Add("b1", 6).Add("W2", 6).Add("b2");

    private static float[][] Gradients(int steps, int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    private static byte[] Save<TRule, T>(Optimizer<TRule, T> optimizer)
        where TRule : struct, IOptimizerRule<TRule>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);
        return stream.ToArray();
    }

    /// <summary>Everything a checkpoint could restore, as text, to compare before and after a refused load.</summary>
    private static string Fingerprint<TRule>(Optimizer<TRule> optimizer)
        where TRule : struct, IOptimizerRule<TRule>
    {
        var parts = new List<string> { $"steps {optimizer.StepCount}, skipped {optimizer.SkippedStepCount}" };
        for (int group = 0; group < optimizer.GroupCount; group++)
        {
            TRule rule = optimizer.GroupRule(group);
            parts.Add(string.Join(",", TRule.HyperparameterNames.Select((_, h) => rule.GetHyperparameter(h).ToString("R"))));
            parts.AddRange(TRule.ScalarStateNames.Select(name => optimizer.ScalarState(name, group).ToString("R")));
        }

        foreach (string state in TRule.StateNames)
        {
            foreach (ParameterTensor tensor in optimizer.Layout)
            {
                parts.Add(string.Join(",", optimizer.State(state, tensor.Name).ToArray().Select(x => BitConverter.SingleToInt32Bits(x))));
            }
        }

        return string.Join("|", parts);
    }

    [Theory]
    [MemberData(nameof(Catalog.TypeNameData), MemberType = typeof(Catalog))]
    public void Every_catalog_optimizer_resumes_bit_for_bit_from_a_checkpoint(string typeName)
        => Catalog.Accept(typeName, new Resume());

    private sealed class Resume : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            // Non-default hyperparameters, so restoring them is tested too.
            rule.LearningRate *= 3;
            float[][] gradients = Gradients(8, 41, 7);
            var straight = new Optimizer<TRule>(rule, 41);
            float[] w = Gradients(1, 41, 8)[0];
            float[] resumedW = (float[])w.Clone();
            foreach (float[] g in gradients)
            {
                straight.Step(w, g);
            }

            var first = new Optimizer<TRule>(rule, 41);
            for (int i = 0; i < 5; i++)
            {
                first.Step(resumedW, gradients[i]);
            }

            byte[] checkpoint = Save(first);
            var second = new Optimizer<TRule>(new TRule(), 41);
            second.LoadCheckpoint(new MemoryStream(checkpoint));
            Assert.Equal(5, second.StepCount);
            Assert.Equal(rule.LearningRate, second.LearningRate);
            Assert.Equal(Fingerprint(first), Fingerprint(second));
            for (int i = 5; i < gradients.Length; i++)
            {
                second.Step(resumedW, gradients[i]);
            }

            Assert.Equal(w, resumedW);
            return true;
        }
    }

    [Fact]
    public void Groups_hyperparameters_and_per_step_state_are_restored_and_state_is_matched_by_tensor_name()
    {
        var optimizer = new Optimizer<NAdam>(new NAdam { LearningRate = 0.01f }, s_layout);
        optimizer.AddGroup(new NAdam { LearningRate = 0.02f, Beta1 = 0.8f }, "b1", "b2");
        var set = new ParameterSet(s_layout);
        foreach (float[] g in Gradients(4, s_layout.ParameterCount, 1))
        {
            g.CopyTo(set.Gradients);
            optimizer.Step(set);
        }

        byte[] checkpoint = Save(optimizer);

        // The same tensors in another order, with the same groups: state is found by name.
        ParameterLayout shuffled = new ParameterLayout().Add("b2").Add("W2", 6).Add("W1", 6, 3).Add("b1", 6);
        var other = new Optimizer<NAdam>(new NAdam(), shuffled);
        other.AddGroup(new NAdam(), "b2", "b1");
        other.LoadCheckpoint(new MemoryStream(checkpoint));
        Assert.Equal(0.8f, other.GroupRule(1).Beta1);
        Assert.Equal(0.02f, other.GroupRule(1).LearningRate);
        Assert.Equal(0.01f, other.Rule.LearningRate);
        Assert.Equal(optimizer.ScalarState("mu_product", 1), other.ScalarState("mu_product", 1));
        Assert.NotEqual(optimizer.ScalarState("mu_product", 0), other.ScalarState("mu_product", 1));
        foreach (string tensor in new[] { "W1", "b1", "W2", "b2" })
        {
            Assert.Equal(optimizer.State("m", tensor).ToArray(), other.State("m", tensor).ToArray());
            Assert.Equal(optimizer.State("v", tensor).ToArray(), other.State("v", tensor).ToArray());
        }
    }

    [Fact]
    public void A_double_optimizer_round_trips_and_skips_are_kept()
    {
        var optimizer = new Optimizer<Adam, double>(new Adam(), 5) { NonFiniteGradients = NonFiniteGradientPolicy.SkipStep };
        double[] w = new double[5];
        optimizer.Step(w, new[] { 1.0, 2, 3, 4, 5 });
        optimizer.Step(w, new[] { 1.0, double.NaN, 3, 4, 5 });
        using var stream = new MemoryStream();
        optimizer.SaveCheckpoint(stream);
        stream.Position = 0;
        var restored = new Optimizer<Adam, double>(new Adam(), 5);
        restored.LoadCheckpoint(stream);
        Assert.Equal(1, restored.StepCount);
        Assert.Equal(1, restored.SkippedStepCount);
        Assert.Equal(optimizer.State("v").ToArray(), restored.State("v").ToArray());
        Assert.Equal(stream.Length, stream.Position);
    }

    public static IEnumerable<object[]> Misfits()
    {
        yield return new object[] { "another rule", new Func<Optimizer<Adam>>(() => new Optimizer<Adam>(new Adam(), s_layout)), "saved by a 'NumKit.Optimizers.AdamW' optimizer, and this one runs 'NumKit.Optimizers.Adam'" };
        yield return new object[] { "another parameter count", new Func<Optimizer<AdamW>>(() => new Optimizer<AdamW>(new AdamW(), 25)), "its tensors are W1 [6, 3], b1 [6], W2 [6], b2 [], and this one's are parameters [25]" };
        yield return new object[] { "another tensor name", new Func<Optimizer<AdamW>>(() => new Optimizer<AdamW>(new AdamW(), new ParameterLayout().Add("W1", 6, 3).Add("b1", 6).Add("W3", 6).Add("b2"))), "this one's are W1 [6, 3], b1 [6], W3 [6], b2 []" };
        yield return new object[] { "another shape", new Func<Optimizer<AdamW>>(() => new Optimizer<AdamW>(new AdamW(), new ParameterLayout().Add("W1", 3, 6).Add("b1", 6).Add("W2", 6).Add("b2"))), "this one's are W1 [3, 6]" };
        yield return new object[] { "an extra tensor", new Func<Optimizer<AdamW>>(() => new Optimizer<AdamW>(new AdamW(), s_layout.Add("b3", 1))), "this one's are W1 [6, 3], b1 [6], W2 [6], b2 [], b3 [1]" };
        yield return new object[] { "other groups", new Func<Optimizer<AdamW>>(() =>
        {
            var optimizer = new Optimizer<AdamW>(new AdamW(), s_layout);
            optimizer.AddGroup(new AdamW(), "b1");
            return optimizer;
        }), "its group 0 holds W1, W2, and this optimizer's holds W1, W2, b2" };
    }

    private static byte[] AdamWCheckpoint()
    {
        var optimizer = new Optimizer<AdamW>(new AdamW { LearningRate = 0.5f }, s_layout);
        optimizer.AddGroup(new AdamW { WeightDecay = 0 }, "b1", "b2");
        var set = new ParameterSet(s_layout);
        set.Gradients.Fill(1f);
        optimizer.Step(set);
        optimizer.Step(set);
        return Save(optimizer);
    }

    [Theory]
    [MemberData(nameof(Misfits))]
    public void A_checkpoint_that_does_not_fit_is_refused_with_the_difference_and_changes_nothing<TRule>(string what, Func<Optimizer<TRule>> create, string expected)
        where TRule : struct, IOptimizerRule<TRule>
    {
        Optimizer<TRule> optimizer = create();
        float[] w = new float[optimizer.ParameterCount];
        optimizer.Step(w, Enumerable.Repeat(0.25f, w.Length).ToArray());
        string before = Fingerprint(optimizer);

        var error = Assert.Throws<ArgumentException>(() => optimizer.LoadCheckpoint(new MemoryStream(AdamWCheckpoint())));
        Assert.Equal("stream", error.ParamName);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: the message does not say '{expected}': {error.Message}");
        Assert.Contains("Nothing was changed", error.Message);
        Assert.Equal(before, Fingerprint(optimizer));
    }

    [Fact]
    public void A_float_checkpoint_is_refused_by_a_double_optimizer()
    {
        var optimizer = new Optimizer<Adam, double>(new Adam(), 3);
        using var stream = new MemoryStream();
        new Optimizer<Adam>(new Adam(), 3).SaveCheckpoint(stream);
        stream.Position = 0;
        Assert.Contains("it was saved for float parameters, and this optimizer runs Double", Assert.Throws<ArgumentException>(() => optimizer.LoadCheckpoint(stream)).Message);
    }

    [Fact]
    public void Every_truncation_is_refused_and_changes_nothing()
    {
        byte[] checkpoint = AdamWCheckpoint();
        var optimizer = new Optimizer<AdamW>(new AdamW(), s_layout);
        optimizer.AddGroup(new AdamW(), "b1", "b2");
        string before = Fingerprint(optimizer);
        for (int length = 0; length < checkpoint.Length; length++)
        {
            var error = Assert.Throws<InvalidDataException>(() => optimizer.LoadCheckpoint(new MemoryStream(checkpoint, 0, length)));
            Assert.Contains("truncated", error.Message);
        }

        Assert.Equal(before, Fingerprint(optimizer));
        optimizer.LoadCheckpoint(new MemoryStream(checkpoint));
        Assert.Equal(2, optimizer.StepCount);
    }

    [Fact]
    public void Every_flipped_bit_is_refused_and_changes_nothing()
    {
        byte[] checkpoint = AdamWCheckpoint();
        var optimizer = new Optimizer<AdamW>(new AdamW(), s_layout);
        optimizer.AddGroup(new AdamW(), "b1", "b2");
        string before = Fingerprint(optimizer);
        for (int bit = 0; bit < checkpoint.Length * 8; bit++)
        {
            byte[] corrupt = (byte[])checkpoint.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            // A flip in a name or count may read as a checkpoint of something else; either way it is refused.
            Exception error = Assert.ThrowsAny<Exception>(() => optimizer.LoadCheckpoint(new MemoryStream(corrupt)));
            Assert.True(error is InvalidDataException or ArgumentException, $"bit {bit}: {error.GetType().Name}: {error.Message}");
        }

        Assert.Equal(before, Fingerprint(optimizer));
        byte[] flippedValue = (byte[])checkpoint.Clone();
        flippedValue[^20] ^= 1;
        Assert.Contains("corrupt: its checksum", Assert.Throws<InvalidDataException>(() => optimizer.LoadCheckpoint(new MemoryStream(flippedValue))).Message);
    }

    [Fact]
    public void An_unknown_version_or_a_stream_that_is_no_checkpoint_is_refused()
    {
        byte[] checkpoint = AdamWCheckpoint();
        checkpoint[8] = 4; // the int32 after the 8 magic bytes
        var optimizer = new Optimizer<AdamW>(new AdamW(), s_layout);
        Assert.Contains("format version 4; this NumKit reads versions 1 to 3", Assert.Throws<InvalidDataException>(() => optimizer.LoadCheckpoint(new MemoryStream(checkpoint))).Message);
        byte[] text = System.Text.Encoding.UTF8.GetBytes("{ \"lr\": 0.001, \"state\": [] }");
        Assert.Contains("not a NumKit optimizer checkpoint", Assert.Throws<InvalidDataException>(() => optimizer.LoadCheckpoint(new MemoryStream(text))).Message);
    }

    [Fact]
    public void Streams_that_cannot_be_written_or_read_are_refused()
    {
        var optimizer = new Optimizer<Sgd>(new Sgd(), 2);
        Assert.Equal("stream", Assert.Throws<ArgumentException>(() => optimizer.SaveCheckpoint(new MemoryStream(new byte[10], writable: false))).ParamName);
        Assert.Throws<ArgumentNullException>(() => optimizer.LoadCheckpoint((Stream)null!));
    }

    [Fact]
    public void The_checkpoint_starts_with_the_magic_bytes_and_the_version()
    {
        byte[] checkpoint = Save(new Optimizer<Sgd>(new Sgd(), 2));
        Assert.Equal("NKOPT\r\n\u001A"u8.ToArray(), checkpoint[..8]);
        Assert.Equal(3, BitConverter.ToInt32(checkpoint, 8));
    }

    [Fact]
    public void The_checkpoint_records_how_each_state_buffer_is_stored()
    {
        byte[] single = AdamWCheckpoint();
        Assert.Equal(new[] { "float32", "float32" }, StorageNamesAt(single, out _));
        var optimizer = new Optimizer<AdamW, double>(new AdamW(), s_layout);
        Assert.Equal(new[] { "float64", "float64" }, StorageNamesAt(Save(optimizer), out _));
    }

    [Fact]
    public void A_checkpoint_of_another_storage_is_refused_with_a_message_naming_it_and_changes_nothing()
    {
        byte[] checkpoint = AdamWCheckpoint();
        string[] names = StorageNamesAt(checkpoint, out int at);
        byte[] other = Rewrite(checkpoint, at, at + 4 + names.Sum(n => 4 + n.Length), Names("bfloat16", "float32"));
        var optimizer = new Optimizer<AdamW>(new AdamW(), s_layout);
        optimizer.Step(new float[s_layout.ParameterCount], Gradients(1, s_layout.ParameterCount, 3)[0]);
        string before = Fingerprint(optimizer);
        var error = Assert.Throws<ArgumentException>(() => optimizer.LoadCheckpoint(new MemoryStream(other)));
        Assert.Contains("its state 'm' is stored as bfloat16, and this optimizer stores it as float32", error.Message);
        Assert.Equal(before, Fingerprint(optimizer));
    }

    [Fact]
    public void A_version_1_checkpoint_without_storage_names_is_still_read_bit_for_bit()
    {
        var saved = new Optimizer<AdamW>(new AdamW { LearningRate = 0.02f }, s_layout);
        foreach (float[] g in Gradients(3, s_layout.ParameterCount, 5))
        {
            saved.Step(new float[s_layout.ParameterCount], g);
        }

        byte[] current = Save(saved);
        string[] names = StorageNamesAt(current, out int at);
        int end = at + 4 + names.Sum(n => 4 + n.Length);

        // Version 1: the same bytes without the storage names, with version 1 in the header and the hash recomputed.
        byte[] old = Rewrite(current, at, end, Array.Empty<byte>());
        BitConverter.GetBytes(1).CopyTo(old, 8);
        BitConverter.GetBytes(Fnv1a(old.AsSpan(0, old.Length - 8))).CopyTo(old, old.Length - 8);

        var restored = new Optimizer<AdamW>(new AdamW(), s_layout);
        restored.LoadCheckpoint(new MemoryStream(old));
        Assert.Equal(Fingerprint(saved), Fingerprint(restored));
    }

    // The storage names of a checkpoint of this file's optimizers, and the offset of their count: after the
    // header (12), the rule name, the element size, the two counts and the three name lists.
    private static string[] StorageNamesAt(byte[] checkpoint, out int offset)
    {
        using var reader = new BinaryReader(new MemoryStream(checkpoint));
        reader.ReadBytes(12);
        ReadString(reader);
        reader.ReadByte();
        reader.ReadInt32();
        reader.ReadInt32();
        for (int list = 0; list < 3; list++)
        {
            ReadNameList(reader);
        }

        offset = (int)reader.BaseStream.Position;
        return ReadNameList(reader);
    }

    private static string[] ReadNameList(BinaryReader reader)
        => Enumerable.Range(0, reader.ReadInt32()).Select(_ => ReadString(reader)).ToArray();

    private static string ReadString(BinaryReader reader) => System.Text.Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));

    private static byte[] Names(params string[] names)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(names.Length);
        foreach (string name in names)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }

        writer.Flush();
        return stream.ToArray();
    }

    // Replaces bytes [from, to) of a checkpoint and recomputes its hash.
    private static byte[] Rewrite(byte[] checkpoint, int from, int to, byte[] replacement)
    {
        byte[] result = checkpoint[..from].Concat(replacement).Concat(checkpoint[to..]).ToArray();
        BitConverter.GetBytes(Fnv1a(result.AsSpan(0, result.Length - 8))).CopyTo(result, result.Length - 8);
        return result;
    }

    // FNV-1a, 64 bits, written out here as the format describes it (not NumKit's implementation).
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
