using System.Text.Json;
using System.Text.Json.Serialization;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>
/// One case of <c>Golden/optimizers2.json</c> (the shared golden file, one case per second-round
/// type) or <c>Golden/optimizers2-extra.json</c> (more configurations, made by
/// <c>Golden/make_optimizers2_extra.py</c>): a type, its properties, several tensors with shapes,
/// and the expected parameters after every step. Format: <c>Golden/README.md</c>.
/// </summary>
public sealed record SecondRoundCase
{
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The contract type name (DESIGN.md "Catalog, second round"): Rprop, Asgd, Lamb, ...</summary>
    [JsonPropertyName("type")] public required string Type { get; init; }

    /// <summary>The properties the case sets, by contract name: numbers, or true/false for bool ones; the rest are defaults.</summary>
    [JsonPropertyName("properties")] public required Dictionary<string, JsonElement> Properties { get; init; }

    /// <summary>For Lookahead: the inner rule (a first-round catalog type, or a second-round one such as Lamb) and its properties (all of them for a first-round type).</summary>
    [JsonPropertyName("inner")] public InnerRule? Inner { get; init; }

    [JsonPropertyName("reference")] public required string Reference { get; init; }

    [JsonPropertyName("tensors")] public required TensorShape[] Tensors { get; init; }

    [JsonPropertyName("n")] public required int N { get; init; }

    [JsonPropertyName("steps")] public required int Steps { get; init; }

    /// <summary>The starting parameters (float32 values), flat: the tensors concatenated, each row-major.</summary>
    [JsonPropertyName("w0")] public required float[] W0 { get; init; }

    /// <summary>The gradient of each step, flat like <see cref="W0"/>; fixed, independent of the parameters.</summary>
    [JsonPropertyName("grads")] public required float[][] Grads { get; init; }

    [JsonPropertyName("expected32")] public required double[][] Expected32 { get; init; }

    [JsonPropertyName("expected64")] public required double[][] Expected64 { get; init; }

    /// <summary>Asgd only: the averaged iterate ax after every step.</summary>
    [JsonPropertyName("expected_ax32")] public double[][]? ExpectedAx32 { get; init; }

    [JsonPropertyName("expected_ax64")] public double[][]? ExpectedAx64 { get; init; }

    /// <summary>ScheduleFreeAdamW only: the evaluation weights x that <c>eval()</c> puts in the parameters after the last step.</summary>
    [JsonPropertyName("expected_eval32")] public double[]? ExpectedEval32 { get; init; }

    [JsonPropertyName("expected_eval64")] public double[]? ExpectedEval64 { get; init; }

    public sealed record TensorShape([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("shape")] int[] Shape);

    public sealed record InnerRule([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("properties")] Dictionary<string, double> Properties);

    private static readonly Lazy<SecondRoundCase[]> s_golden = new(() => Load("optimizers2.json"));
    private static readonly Lazy<SecondRoundCase[]> s_extra = new(() => Load("optimizers2-extra.json"));

    /// <summary>The shared golden file's cases (one per type but Lookahead).</summary>
    public static IReadOnlyList<SecondRoundCase> Golden => s_golden.Value;

    /// <summary>The extra configurations (weight decay, Nesterov, warmup, rank 1/2/3, Lookahead over Adam and Sgd, ...).</summary>
    public static IReadOnlyList<SecondRoundCase> Extra => s_extra.Value;

    public static IEnumerable<object[]> GoldenNames => Golden.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> ExtraNames => Extra.Select(c => new object[] { c.Name });

    public static SecondRoundCase Named(string name) => Golden.SingleOrDefault(c => c.Name == name) ?? Extra.Single(c => c.Name == name);

    /// <summary>The tensors as a <see cref="ParameterLayout"/>, in the case's order: what <c>new Optimizer&lt;TRule&gt;(rule, layout)</c> takes.</summary>
    public ParameterLayout Layout()
    {
        var layout = new ParameterLayout();
        foreach (TensorShape tensor in Tensors)
        {
            layout = layout.Add(tensor.Name, tensor.Shape);
        }

        return layout;
    }

    /// <summary>The properties as numbers (true = 1, false = 0, "Infinity" = +∞), for rules whose hyperparameters are all numbers (<see cref="Catalog.With"/>).</summary>
    public IEnumerable<KeyValuePair<string, double>> NumericProperties
        => Properties.Select(p => KeyValuePair.Create(p.Key, p.Value.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            JsonValueKind.String => double.Parse(p.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            _ => p.Value.GetDouble(),
        }));

    public override string ToString() => Name;

    private static SecondRoundCase[] Load(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", file);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        SecondRoundCase[] cases = document.RootElement.GetProperty("cases").Deserialize<SecondRoundCase[]>()!;
        foreach (SecondRoundCase c in cases)
        {
            c.Validate(file);
        }

        return cases;
    }

    private void Validate(string file)
    {
        string where = $"{file}, case '{Name}'";
        int total = Tensors.Sum(t => t.Shape.Aggregate(1, (p, d) => p * d));
        Check(total == N, $"{where}: the tensors have {total} elements, n is {N}");
        Check(W0.Length == N, $"{where}: w0 has {W0.Length} values, n is {N}");
        Check(Grads.Length == Steps && Expected32.Length == Steps && Expected64.Length == Steps, $"{where}: grads/expected have other than {Steps} steps");
        Check(Grads.Concat(Expected64.Select(e => e.Select(x => (float)x).ToArray())).All(row => row.Length == N), $"{where}: a step's row is not {N} long");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException(message);
        }
    }
}
