using NumKit.Demo.Course;
using NumKit.Demo.Training;

namespace NumKit.Demo.Tests;

public class OptimizerCatalogTests
{
    [Fact]
    public void Every_catalog_optimizer_in_NumKit_is_registered_in_the_demo()
    {
        // The demo registers rules in a list (no reflection at run time); this keeps the list complete.
        Type[] catalog = typeof(Optimizer<,>).Assembly.GetTypes()
            .Where(t => t.Namespace == "NumKit.Optimizers" && t.IsValueType && t.IsPublic
                        && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IOptimizerRule<>)))
            .ToArray();
        // A generic rule (Lookahead<TInner>) counts as registered when one of its instantiations is.
        Type[] registered = OptimizerCatalog.All.Select(o => o.RuleType.IsGenericType ? o.RuleType.GetGenericTypeDefinition() : o.RuleType).ToArray();
        string[] missing = catalog.Except(registered).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.True(missing.Length == 0, $"Add to OptimizerCatalog.All: {string.Join(", ", missing)}.");
        Assert.Equal(registered.Length, registered.Distinct().Count());
        Assert.Equal(OptimizerCatalog.All.Count, OptimizerCatalog.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Names_resolve_case_insensitively_and_unknown_names_list_the_choices()
    {
        Assert.Equal("Adam", OptimizerCatalog.Get("ADAM").RuleType.Name);
        var error = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Get("adamm"));
        Assert.Contains("'adamm'", error.Message);
        Assert.Contains("gd, momentum, adam", error.Message);
    }

    [Fact]
    public void The_course_hyperparameters_are_set()
    {
        Assert.Equal(0.9f, OptimizerCatalog.Get("momentum").Accept(new Hyperparameter("Beta"), 0.5f));
        Assert.Equal(0.5f, OptimizerCatalog.Get("momentum").Accept(new Hyperparameter("LearningRate"), 0.5f));
        Assert.Equal(0.999f, OptimizerCatalog.Get("adam").Accept(new Hyperparameter("Beta2"), 0.5f));
        Assert.Equal(1e-8f, OptimizerCatalog.Get("adam").Accept(new Hyperparameter("Epsilon"), 0.5f));
        Assert.Equal(0f, OptimizerCatalog.Get("gd").Accept(new Hyperparameter("WeightDecay"), 0.5f));
    }

    [Theory]
    [InlineData(Precision.Double, "Double")]
    [InlineData(Precision.Single, "Single")]
    public void Trainers_compute_in_the_precision_asked_for(Precision precision, string typeName)
    {
        IMoonsTrainer trainer = OptimizerCatalog.Get("adam").CreateTrainer(MoonsData.LoadCourse(), 0.01f, new TrainerOptions(), precision);
        Assert.Equal(precision, trainer.Precision);
        Assert.Equal("Adam", trainer.RuleName);
        Assert.Contains(typeName, trainer.GetType().GenericTypeArguments[1].Name);
        Assert.Equal(0.01f, trainer.LearningRate);
    }

    private sealed class Hyperparameter(string name) : IOptimizerVisitor<float>
    {
        public float Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
        {
            int index = TRule.HyperparameterNames.ToList().IndexOf(name);
            Assert.True(index >= 0, $"{typeof(TRule).Name} has no {name}.");
            return rule.GetHyperparameter(index);
        }
    }
}
