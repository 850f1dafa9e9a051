using System.Text.Json;
using NumKit.Optimizers;

namespace NumKit.Tests.Optimizers;

/// <summary>Prodigy's bool options (not hyperparameters, so Catalog.With does not set them) from a case's properties.</summary>
public static class ProdigyOptions
{
    /// <summary><paramref name="rule"/> with DecoupleWeightDecay, UseBiasCorrection and SafeguardWarmup as <paramref name="properties"/> give them (others as they were).</summary>
    public static Prodigy With(Prodigy rule, IReadOnlyDictionary<string, JsonElement>? properties)
    {
        if (properties is null)
        {
            return rule;
        }

        bool Flag(string name, bool otherwise)
            => properties.TryGetValue(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? value.ValueKind == JsonValueKind.True
                : otherwise;

        return rule with
        {
            DecoupleWeightDecay = Flag("DecoupleWeightDecay", rule.DecoupleWeightDecay),
            UseBiasCorrection = Flag("UseBiasCorrection", rule.UseBiasCorrection),
            SafeguardWarmup = Flag("SafeguardWarmup", rule.SafeguardWarmup),
        };
    }
}
