using NumKit.Optimizers;

namespace NumKit.Tests.Optimizers;

/// <summary>Code to run once for a rule type picked by name at run time (a golden case's <c>type</c>).</summary>
public interface IRuleVisitor<TResult>
{
    TResult Visit<TRule>(TRule rule)
        where TRule : struct, IOptimizerRule<TRule>;
}

/// <summary>The catalog by name, for tests that iterate over it or read a type from a file.</summary>
public static class Catalog
{
    public static readonly string[] TypeNames =
    {
        "Sgd", "Momentum", "SgdMomentum", "Nesterov", "RmsProp", "RmsPropCentered", "Adam", "AmsGrad",
        "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta", "Lion",
    };

    public static IEnumerable<object[]> TypeNameData => TypeNames.Select(name => new object[] { name });

    /// <summary>Calls <paramref name="visitor"/> with a default-constructed rule of the catalog type named <paramref name="typeName"/>.</summary>
    public static TResult Accept<TResult>(string typeName, IRuleVisitor<TResult> visitor) => typeName switch
    {
        "Sgd" => visitor.Visit(new Sgd()),
        "Momentum" => visitor.Visit(new Momentum()),
        "SgdMomentum" => visitor.Visit(new SgdMomentum()),
        "Nesterov" => visitor.Visit(new Nesterov()),
        "RmsProp" => visitor.Visit(new RmsProp()),
        "RmsPropCentered" => visitor.Visit(new RmsPropCentered()),
        "Adam" => visitor.Visit(new Adam()),
        "AmsGrad" => visitor.Visit(new AmsGrad()),
        "AdamW" => visitor.Visit(new AdamW()),
        "Adamax" => visitor.Visit(new Adamax()),
        "NAdam" => visitor.Visit(new NAdam()),
        "RAdam" => visitor.Visit(new RAdam()),
        "Adagrad" => visitor.Visit(new Adagrad()),
        "Adadelta" => visitor.Visit(new Adadelta()),
        "Lion" => visitor.Visit(new Lion()),
        _ => throw new ArgumentException($"'{typeName}' is not a catalog type.", nameof(typeName)),
    };

    /// <summary>Sets hyperparameters by their property names, as a golden case or a checkpoint names them.</summary>
    public static TRule With<TRule>(TRule rule, IEnumerable<KeyValuePair<string, double>> properties)
        where TRule : struct, IOptimizerRule<TRule>
    {
        foreach ((string name, double value) in properties)
        {
            int index = IndexOf(TRule.HyperparameterNames, name);
            Assert.True(index >= 0, $"{typeof(TRule).Name} has no hyperparameter '{name}'; it has {string.Join(", ", TRule.HyperparameterNames)}");
            rule.SetHyperparameter(index, (float)value);
        }

        return rule;
    }

    public static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
