using System;
using System.Collections.Generic;
using System.Linq;
using NumKit.Demo.Course;
using NumKit.Optimizers;

namespace NumKit.Demo.Training;

/// <summary>
/// Code that works on any optimizer rule, called back with the concrete rule type so the JIT
/// specializes it: how the demo turns a name on the command line into <c>Optimizer&lt;Adam, double&gt;</c>
/// without reflection.
/// </summary>
/// <typeparam name="TResult">What the visit produces.</typeparam>
public interface IOptimizerVisitor<out TResult>
{
    /// <summary>Runs with the rule <paramref name="rule"/> of type <typeparamref name="TRule"/>.</summary>
    TResult Visit<TRule>(TRule rule)
        where TRule : struct, IOptimizerRule<TRule>;
}

/// <summary>One optimizer of NumKit's catalog as the demo offers it: a command-line name, a label, and a way to build the rule.</summary>
public abstract class CatalogOptimizer
{
    private protected CatalogOptimizer(string name, string label)
    {
        Name = name;
        Label = label;
    }

    /// <summary>The name on the command line, such as "adam".</summary>
    public string Name { get; }

    /// <summary>A label for tables and legends, such as "Adam".</summary>
    public string Label { get; }

    /// <summary>The rule's type, such as <see cref="Adam"/>.</summary>
    public abstract Type RuleType { get; }

    /// <summary>Builds the rule with learning rate <paramref name="learningRate"/> and hands it to <paramref name="visitor"/>.</summary>
    public abstract TResult Accept<TResult>(IOptimizerVisitor<TResult> visitor, float learningRate);

    /// <summary>A trainer on <paramref name="data"/> with this optimizer at <paramref name="learningRate"/>.</summary>
    public IMoonsTrainer CreateTrainer(MoonsData data, float learningRate, TrainerOptions options, Precision precision)
        => Accept(new TrainerFactory(data, options, precision), learningRate);

    /// <summary>Builds a trainer for whichever rule it is handed, in the requested precision.</summary>
    private sealed class TrainerFactory(MoonsData data, TrainerOptions options, Precision precision) : IOptimizerVisitor<IMoonsTrainer>
    {
        public IMoonsTrainer Visit<TRule>(TRule rule)
            where TRule : struct, IOptimizerRule<TRule>
            => precision == Precision.Double
                ? new MoonsTrainer<TRule, double>(data, rule, options)
                : new MoonsTrainer<TRule, float>(data, rule, options);
    }
}

/// <summary>A catalog entry for the rule type <typeparamref name="TRule"/>.</summary>
/// <typeparam name="TRule">The rule.</typeparam>
public sealed class CatalogOptimizer<TRule> : CatalogOptimizer
    where TRule : struct, IOptimizerRule<TRule>
{
    private readonly Func<float, TRule> _create;

    /// <summary>Registers <typeparamref name="TRule"/> under <paramref name="name"/>; <paramref name="create"/> builds it for a learning rate.</summary>
    public CatalogOptimizer(string name, string label, Func<float, TRule> create)
        : base(name, label)
    {
        _create = create;
    }

    /// <inheritdoc/>
    public override Type RuleType => typeof(TRule);

    /// <inheritdoc/>
    public override TResult Accept<TResult>(IOptimizerVisitor<TResult> visitor, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.Visit(_create(learningRate));
    }
}

/// <summary>
/// The optimizers of <c>NumKit.Optimizers</c> that the demo can run, each with its default
/// hyperparameters (the course's β = 0.9 for momentum; β1 0.9, β2 0.999, ε 1e-8 for Adam). A new
/// catalog type is one line here; a test fails while one is missing.
/// </summary>
public static class OptimizerCatalog
{
    /// <summary>Every registered optimizer, in the order tables list them.</summary>
    public static IReadOnlyList<CatalogOptimizer> All { get; } =
    [
        new CatalogOptimizer<Sgd>("gd", "Gradient descent", lr => new Sgd { LearningRate = lr }),
        new CatalogOptimizer<Momentum>("momentum", "Momentum", lr => new Momentum { LearningRate = lr, Beta = 0.9f }),
        new CatalogOptimizer<Adam>("adam", "Adam", lr => new Adam { LearningRate = lr, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f }),
        new CatalogOptimizer<SgdMomentum>("sgd-momentum", "SGD momentum (PyTorch)", lr => new SgdMomentum { LearningRate = lr }),
        new CatalogOptimizer<Nesterov>("nesterov", "Nesterov", lr => new Nesterov { LearningRate = lr }),
        new CatalogOptimizer<RmsProp>("rmsprop", "RMSprop", lr => new RmsProp { LearningRate = lr }),
        new CatalogOptimizer<RmsPropCentered>("rmsprop-centered", "RMSprop centered", lr => new RmsPropCentered { LearningRate = lr }),
        new CatalogOptimizer<AdamW>("adamw", "AdamW", lr => new AdamW { LearningRate = lr }),
        new CatalogOptimizer<AmsGrad>("amsgrad", "AMSGrad", lr => new AmsGrad { LearningRate = lr }),
        new CatalogOptimizer<Adamax>("adamax", "Adamax", lr => new Adamax { LearningRate = lr }),
        new CatalogOptimizer<NAdam>("nadam", "NAdam", lr => new NAdam { LearningRate = lr }),
        new CatalogOptimizer<RAdam>("radam", "RAdam", lr => new RAdam { LearningRate = lr }),
        new CatalogOptimizer<Adagrad>("adagrad", "Adagrad", lr => new Adagrad { LearningRate = lr }),
        new CatalogOptimizer<Adadelta>("adadelta", "Adadelta", lr => new Adadelta { LearningRate = lr }),
        new CatalogOptimizer<Lion>("lion", "Lion", lr => new Lion { LearningRate = lr }),
        new CatalogOptimizer<Rprop>("rprop", "Rprop", lr => new Rprop { LearningRate = lr }),
        new CatalogOptimizer<Asgd>("asgd", "ASGD", lr => new Asgd { LearningRate = lr }),
        new CatalogOptimizer<Lamb>("lamb", "LAMB", lr => new Lamb { LearningRate = lr }),
        new CatalogOptimizer<Lars>("lars", "LARS", lr => new Lars { LearningRate = lr }),
        new CatalogOptimizer<ScheduleFreeAdamW>("schedulefree-adamw", "Schedule-free AdamW", lr => new ScheduleFreeAdamW { LearningRate = lr }),
        new CatalogOptimizer<Prodigy>("prodigy", "Prodigy", lr => new Prodigy { LearningRate = lr }),
        new CatalogOptimizer<Adafactor>("adafactor", "Adafactor", lr => new Adafactor { LearningRate = lr }),
        new CatalogOptimizer<Lookahead<Adam>>("lookahead-adam", "Lookahead (Adam)", lr => Lookahead.Over(new Adam { LearningRate = lr })),
    ];

    /// <summary>The names accepted on the command line.</summary>
    public static IEnumerable<string> Names => All.Select(o => o.Name);

    /// <summary>The optimizer called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No optimizer has that name; the message lists the names there are.</exception>
    public static CatalogOptimizer Get(string name)
    {
        foreach (CatalogOptimizer optimizer in All)
        {
            if (string.Equals(optimizer.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return optimizer;
            }
        }

        throw new ArgumentException($"There is no optimizer '{name}'; choose one of: {string.Join(", ", Names)}.", nameof(name));
    }
}
