using NumKit.Generators.Equations;
using NumKit.Generators.Emit;
using NumKit.Generators.Helpers;
using NumKit.Generators.Model;

namespace NumKit.Generators.Tests;

/// <summary>The equation language on its own, without Roslyn: lexer, parser, printer, checker and planner.</summary>
public class EquationsTests
{
    private static readonly HostMember[] s_members =
    {
        new("LearningRate", true, "a float property"),
        new("Beta1", true, "a float property"),
        new("Beta2", true, "a float property"),
        new("Epsilon", true, "a float property"),
        new("Steps", false, "a property of type int"),
    };

    [Theory]
    [InlineData("w = w - a - b", "w - a - b")]
    [InlineData("w = w - (a - b)", "w - (a - b)")]
    [InlineData("w = a + b + c", "a + b + c")]
    [InlineData("w = a + (b + c)", "a + (b + c)")]
    [InlineData("w = -x^2", "-x^2")]
    [InlineData("w = (-x)^2", "(-x)^2")]
    [InlineData("w = a^b^c", "a^b^c")]
    [InlineData("w = (a^b)^c", "(a^b)^c")]
    [InlineData("w = a^-1", "a^-1")]
    [InlineData("w = a / b * c", "a / b * c")]
    [InlineData("w = a / (b * c)", "a / (b * c)")]
    [InlineData("w = a < b ? c : d", "if(a < b, c, d)")]
    [InlineData("w = if(a >= b, c + 1, max(c, d))", "if(a >= b, c + 1, max(c, d))")]
    [InlineData("w = a ? b : c ? d : e", "if(a, b, if(c, d, e))")]
    [InlineData("w = +a", "a")]
    [InlineData("w = 1e-8 + .5 + 2.", "1e-8 + .5 + 2.")]
    public void Parses_with_textbook_precedence_and_prints_back_the_same_tree(string text, string printed)
    {
        var problems = new List<Problem>();
        Statement statement = Assert.Single(Parser.Parse(text, problems));
        Assert.Empty(problems);
        Assert.Equal(printed, Printer.Print(statement.Value));

        // Printing then parsing gives the same tree (spans aside).
        Statement again = Assert.Single(Parser.Parse("w = " + printed, problems));
        Assert.Equal(Printer.Print(statement.Value), Printer.Print(again.Value));
    }

    [Fact]
    public void Statements_end_at_line_breaks_and_semicolons_and_comments_are_ignored()
    {
        var problems = new List<Problem>();
        List<Statement> statements = Parser.Parse("# Adam\n  m = g  # first moment\r\n\n v = g ; w = w - m / v\n", problems);
        Assert.Empty(problems);
        Assert.Equal(new[] { "m", "v", "w" }, statements.Select(s => s.Target));
        Assert.Equal("m = g", statements[0].Text);
        Assert.Equal(new EquationSpan(9, 5), statements[0].Span);
    }

    [Fact]
    public void Init_declares_an_initial_value_and_init_alone_is_a_name()
    {
        var problems = new List<Problem>();
        List<Statement> statements = Parser.Parse("init s = 0.1\ninit = 2", problems);
        Assert.Empty(problems);
        Assert.True(statements[0].IsInitializer);
        Assert.Equal("s", statements[0].Target);
        Assert.False(statements[1].IsInitializer);
        Assert.Equal("init", statements[1].Target);
    }

    [Fact]
    public void State_is_what_is_read_before_it_is_assigned_in_order_of_first_appearance()
    {
        CheckedSpec spec = Check("v = Beta2 * v + g^2\nm = Beta1 * m + g\nmhat = m / (1 - Beta1^t)\nw = w - LearningRate * mhat / sqrt(v)");
        Assert.Equal(new[] { "v", "m" }, spec.States(Rate.PerElement).Select(s => s.Name));
        Assert.False(spec.Variables["mhat"].IsState);
        Assert.Equal(Rate.PerElement, spec.Variables["mhat"].Rate);
    }

    [Fact]
    public void A_state_fed_only_by_per_step_values_is_per_step_state()
    {
        CheckedSpec spec = Check("mu = Beta1 * (1 - 0.5 * 0.96^t)\nprod = prod * mu\ninit prod = 1\nw = w - LearningRate * g / (1 - prod)");
        Variable prod = spec.Variables["prod"];
        Assert.True(prod.IsState);
        Assert.Equal(Rate.PerStep, prod.Rate);
        Assert.Equal(Rate.PerStep, spec.Variables["mu"].Rate);
        Assert.NotNull(prod.Initializer);
    }

    [Fact]
    public void A_state_becomes_per_element_when_anything_per_element_reaches_it_even_through_itself()
    {
        CheckedSpec spec = Check("a = b * Beta1\nb = a + g\nw = w - LearningRate * b");
        Assert.Equal(Rate.PerElement, spec.Variables["a"].Rate);
        Assert.True(spec.Variables["b"].IsState);
    }

    [Fact]
    public void Per_step_subexpressions_are_hoisted_once_and_shared()
    {
        RulePlan plan = Plan("m = Beta1 * m + (1 - Beta1) * g\nv = Beta2 * v + (1 - Beta2) * g^2\nw = w - LearningRate / (1 - Beta1^t) * m / (sqrt(v) + Epsilon) + g * (1 - Beta1)");
        string[] hoisted = plan.Hoisted.Select(h => h.Equation).ToArray();
        Assert.Equal(new[] { "Beta1", "1 - Beta1", "Beta2", "1 - Beta2", "LearningRate / (1 - Beta1^t)", "Epsilon" }, hoisted);
        Assert.Empty(plan.StepAssignments);
    }

    [Fact]
    public void A_per_step_name_read_before_its_reassignment_keeps_its_old_value()
    {
        RulePlan plan = Plan("w = w - LearningRate * p * g\np = p * Beta1\ninit p = 1");
        StepAssignment step = Assert.Single(plan.StepAssignments);
        Assert.Equal(new PlanStepValue("p", 1), step.Result);
        Assert.Equal("p_t", new PlanNames(plan).Of(step.Result));

        // The element statement reads p before this step's update: the hoisted value is version 0 (last step's p), not p_t.
        Assert.Equal(
            new PlanBinary(BinaryOperator.Multiply, new PlanHyperparameter("LearningRate"), new PlanStepValue("p", 0)),
            Assert.Single(plan.Hoisted).Value);
        Assert.Equal(new ScalarStateWrite("p", 1), Assert.Single(plan.ScalarStateWrites));
    }

    [Fact]
    public void Small_whole_powers_become_products_and_a_half_power_becomes_sqrt()
    {
        RulePlan plan = Plan("a = g^2\nb = g^0.5\nc = g^-2\nd = g^0\nw = w - LearningRate * (a + b + c + d)");
        var g = new PlanElementValue("g");
        Assert.Equal(new PlanIntegerPower(g, 2), plan.ElementAssignments[0].Value);
        Assert.Equal(new PlanCall("sqrt", new EquatableArray<PlanExpr>(new PlanExpr[] { g })), plan.ElementAssignments[1].Value);
        var one = new PlanHoisted(plan.Hoisted.ToList().FindIndex(h => h.Value.Equals(new PlanConstant(1))));
        Assert.Equal(new PlanBinary(BinaryOperator.Divide, one, new PlanIntegerPower(g, 2)), plan.ElementAssignments[2].Value);
        Assert.Equal(one, plan.ElementAssignments[3].Value);
        Assert.Equal("V.Divide(k1, V.Multiply(g, g))", CSharpExpression.Vector(plan.ElementAssignments[2].Value, new PlanNames(plan)));
    }

    [Fact]
    public void Names_that_are_csharp_keywords_or_kernel_names_get_distinct_identifiers()
    {
        RulePlan plan = Plan("double = g * 2\nindex = double + 1\nw = w - LearningRate * index");
        var names = new PlanNames(plan);
        Assert.Equal(new[] { "@double", "index_", "w" }, plan.ElementAssignments.Select(e => names.Of(e.Target)));
    }

    [Theory]
    [InlineData("w = w - LearningRate * q", (int)ProblemKind.UnknownName)]
    [InlineData("w = w - Steps * g", (int)ProblemKind.HyperparameterNotFloat)]
    [InlineData("g = 1\nw = w - g", (int)ProblemKind.AssignmentToBuiltIn)]
    [InlineData("Beta1 = 1\nw = w - g", (int)ProblemKind.AssignmentToHyperparameter)]
    [InlineData("m = g", (int)ProblemKind.ParameterNeverUpdated)]
    [InlineData("x = g\nw = w - g", (int)ProblemKind.UnusedVariable)]
    [InlineData("w = w - sqrt(g, g)", (int)ProblemKind.WrongArgumentCount)]
    [InlineData("w = w - sine(g)", (int)ProblemKind.UnknownFunction)]
    [InlineData("w = w - (g < 1)", (int)ProblemKind.TypeMismatch)]
    [InlineData("c = g < 1\nc = g\nw = if(c, w, g)", (int)ProblemKind.TypeMismatch)]
    [InlineData("init m = g\nm = m + g\nw = w - m", (int)ProblemKind.InvalidInitialValue)]
    [InlineData("init m = 1\ninit m = 2\nm = m + g\nw = w - m", (int)ProblemKind.InvalidInitialValue)]
    [InlineData("keep x = g\nw = w - x", (int)ProblemKind.KeptNotState)]
    [InlineData("init x = w\nw = w - LearningRate * g", (int)ProblemKind.InvalidInitialValue)]
    public void Checker_reports_each_kind_of_mistake(string text, int expected)
    {
        var problems = new List<Problem>();
        Checker.Check(text, Parser.Parse(text, problems), s_members, problems);
        Assert.Contains(problems, p => (int)p.Kind == expected);
    }

    [Fact]
    public void A_name_assigned_but_only_feeding_itself_is_reported_as_unused()
    {
        var problems = new List<Problem>();
        const string text = "m = Beta1 * m + g\nw = w - LearningRate * g";
        Checker.Check(text, Parser.Parse(text, problems), s_members, problems);
        Problem problem = Assert.Single(problems);
        Assert.Equal(ProblemKind.UnusedVariable, problem.Kind);
        Assert.False(problem.IsError);
    }

    [Fact]
    public void A_kept_state_is_used_though_it_never_feeds_w_and_so_is_what_feeds_it()
    {
        RulePlan plan = Plan("mu = 1 / max(1, t - Beta1)\nkeep avg = avg + (w - avg) * mu\nw = w - LearningRate * g");
        Assert.Equal("avg", Assert.Single(plan.ElementStates).Name);
        Assert.Equal("keep avg = avg + (w - avg) * mu", Printer.Print(Parser.Parse("keep avg = avg + (w - avg) * mu", new List<Problem>()).Single()));
    }

    [Fact]
    public void A_state_that_starts_from_w_is_set_on_step_1_before_any_statement()
    {
        RulePlan plan = Plan("init x0 = w * Beta1\nw = w - LearningRate * (g + w - x0)");
        StateSlot slot = Assert.Single(plan.ElementStates);
        Assert.True(slot.StartsFromParameter);
        Assert.Null(slot.Initializer);
        ElementAssignment first = plan.ElementAssignments[0];
        Assert.Equal("x0", first.Target);
        PlanChoose choose = Assert.IsType<PlanChoose>(first.Value);
        Assert.Equal(new PlanBinary(BinaryOperator.Equal, new PlanStepNumber("t"), new PlanConstant(1)), plan.Hoisted[((PlanHoisted)choose.Condition).Index].Value);
        Assert.Equal(new PlanElementValue("x0"), choose.WhenFalse);
    }

    private static CheckedSpec Check(string text)
    {
        var problems = new List<Problem>();
        CheckedSpec spec = Checker.Check(text, Parser.Parse(text, problems), s_members, problems);
        Assert.Empty(problems);
        return spec;
    }

    private static RulePlan Plan(string text)
    {
        (RulePlan? plan, List<Problem> problems) = EquationCompiler.Compile(text, s_members);
        Assert.Empty(problems);
        return plan!;
    }
}
