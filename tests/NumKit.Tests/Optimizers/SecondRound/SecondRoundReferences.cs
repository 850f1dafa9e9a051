using System.Reflection;
using System.Text.Json;

namespace NumKit.Tests.Optimizers.SecondRound;

/// <summary>The second-round references by contract type name, configured from a case's properties.</summary>
public static class SecondRoundReferences
{
    /// <summary>The eight contract type names (DESIGN.md, "Catalog, second round").</summary>
    public static readonly string[] TypeNames =
    {
        "Rprop", "Asgd", "Lamb", "Lars", "Adafactor", "Prodigy", "ScheduleFreeAdamW", "Lookahead",
    };

    /// <summary>
    /// A fresh reference for <paramref name="golden"/>'s type, tensors and properties, every float
    /// hyperparameter (defaults too) rounded to float32 first, as the golden runs were made and as a
    /// float rule holds them.
    /// </summary>
    public static TensorListReference For(SecondRoundCase golden)
    {
        TensorSlice[] tensors = TensorSlice.Lay(golden.Tensors.Select(t => (t.Name, t.Shape)));
        return For(golden.Type, tensors, golden.Properties, golden.Inner);
    }

    public static TensorListReference For(string type, IReadOnlyList<TensorSlice> tensors, IReadOnlyDictionary<string, JsonElement> properties, SecondRoundCase.InnerRule? inner = null)
        => type switch
        {
            "Rprop" => new RpropReference(tensors, Configure<RpropReference.Config>(properties)),
            "Asgd" => new AsgdReference(tensors, Configure<AsgdReference.Config>(properties)),
            "Lamb" => new LambReference(tensors, Configure<LambReference.Config>(properties)),
            "Lars" => new LarsReference(tensors, Configure<LarsReference.Config>(properties)),
            "Adafactor" => new AdafactorReference(tensors, Configure<AdafactorReference.Config>(properties)),
            "Prodigy" => new ProdigyReference(tensors, Configure<ProdigyReference.Config>(properties)),
            "ScheduleFreeAdamW" => new ScheduleFreeAdamWReference(tensors, Configure<ScheduleFreeAdamWReference.Config>(properties)),
            "Lookahead" => new LookaheadReference(Inner(tensors, inner), Configure<LookaheadReference.Config>(properties)),
            _ => throw new ArgumentException($"'{type}' is not a second-round type; they are {string.Join(", ", TypeNames)}.", nameof(type)),
        };

    /// <summary>
    /// A configuration record with its defaults, then each of <paramref name="properties"/> set by
    /// name (a number for a double property, true/false for a bool one); every double is then rounded
    /// to float32. An unknown name or a value of the wrong kind throws, naming it.
    /// </summary>
    public static TConfig Configure<TConfig>(IReadOnlyDictionary<string, JsonElement> properties)
        where TConfig : class, new()
    {
        var config = new TConfig();
        PropertyInfo[] all = typeof(TConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach ((string name, JsonElement value) in properties)
        {
            PropertyInfo property = all.SingleOrDefault(p => p.Name == name)
                ?? throw new ArgumentException($"{typeof(TConfig).DeclaringType?.Name} has no property '{name}'; it has {string.Join(", ", all.Select(p => p.Name))}.", nameof(properties));
            object boxed = property.PropertyType == typeof(bool)
                ? value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw new ArgumentException($"'{name}' is a bool property; the case gives {value}.", nameof(properties))
                : value.ValueKind == JsonValueKind.String
                    ? double.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) // "Infinity" (GrowthRate), which JSON numbers cannot hold
                    : value.GetDouble();
            property.SetValue(config, boxed);
        }

        foreach (PropertyInfo property in all.Where(p => p.PropertyType == typeof(double)))
        {
            property.SetValue(config, (double)(float)(double)property.GetValue(config)!);
        }

        return config;
    }

    // Lookahead's inner rule: a second-round type (configured as above) or a first-round one (element-wise).
    private static TensorListReference Inner(IReadOnlyList<TensorSlice> tensors, SecondRoundCase.InnerRule? inner)
    {
        if (inner is null)
        {
            throw new ArgumentException("A Lookahead case names its inner rule ('inner').", nameof(inner));
        }

        return TypeNames.Contains(inner.Type)
            ? For(inner.Type, tensors, inner.Properties.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value)))
            : new ElementwiseReference(tensors, inner.Type, Rounded(inner.Properties));
    }

    private static Dictionary<string, double> Rounded(Dictionary<string, double> properties)
        => properties.ToDictionary(p => p.Key, p => (double)(float)p.Value);
}
