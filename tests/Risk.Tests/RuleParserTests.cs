using System.Text.Json;
using Bazaar.Risk.Rules;
using Bazaar.Risk.Seed;

namespace Bazaar.Risk.Tests;

public sealed class RuleParserTests
{
    static (RiskRule? Rule, RuleProblem? Problem) Parse(string kind, string parameters, string action = "review", int? score = 10) =>
        RuleParser.Parse(Guid.NewGuid(), "A rule", kind, JsonSerializer.Deserialize<JsonElement>(parameters), action, score, enabled: true, RuleSource.Request);

    [Fact]
    public void Every_default_rule_survives_a_round_trip_through_its_stored_parameters_and_could_be_saved_again_by_an_admin()
    {
        foreach (var rule in DefaultRulesSeeder.Defaults)
            foreach (var source in new[] { RuleSource.Stored, RuleSource.Request })
            {
                var stored = rule.Parameters().ToJsonString();
                var (parsed, problem) = RuleParser.Parse(rule.Id, rule.Name, rule.Kind, JsonSerializer.Deserialize<JsonElement>(stored), rule.Action, rule.Score, rule.Enabled, source);
                problem.HasValue.ShouldBeFalse($"{rule.Name} ({source}): {problem?.Field} {problem?.Message}");
                parsed!.Parameters().ToJsonString().ShouldBe(stored);
                parsed.GetType().ShouldBe(rule.GetType());
            }
    }

    [Fact]
    public void Parameters_become_typed_rules()
    {
        var velocity = Parse("velocity", """{"subject":"card","window":3600,"maxCount":5}""").Rule.ShouldBeOfType<VelocityRule>();
        velocity.Subject.ShouldBe(VelocitySubject.Card);
        velocity.WindowSeconds.ShouldBe(3600);
        velocity.MaxCount.ShouldBe(5);
        velocity.MaxAmount.ShouldBeNull();

        var blocklist = Parse("country_blocklist", """{"countries":["KP","IR","KP"]}""").Rule.ShouldBeOfType<CountryBlocklistRule>();
        string.Join(",", blocklist.Countries).ShouldBe("KP,IR"); // duplicates dropped
        blocklist.Field.ShouldBe(CountryField.Any);
    }

    [Theory]
    [InlineData("amount_limit", """{"maxAmount":100}""", "parameters.currency")]
    [InlineData("amount_limit", """{"maxAmount":0,"currency":"EUR"}""", "parameters.maxAmount")]
    [InlineData("amount_limit", """{"maxAmount":"100","currency":"EUR"}""", "parameters.maxAmount")]
    [InlineData("amount_limit", """{"maxAmount":100,"currency":"XXX"}""", "parameters.currency")]
    [InlineData("amount_limit", """{"maxAmount":100,"currency":"EUR","limit":5}""", "parameters.limit")]
    [InlineData("velocity", """{"subject":"card"}""", "parameters.window")]
    [InlineData("velocity", """{"subject":"card","window":86401,"maxCount":1}""", "parameters.window")]
    [InlineData("velocity", """{"subject":"phone","window":60,"maxCount":1}""", "parameters.subject")]
    [InlineData("velocity", """{"subject":"card","window":60}""", "parameters.maxCount")]
    [InlineData("velocity", """{"subject":"card","window":60,"maxCount":1.5}""", "parameters.maxCount")]
    [InlineData("country_blocklist", """{"countries":["kp"]}""", "parameters.countries")]
    [InlineData("country_blocklist", """{"countries":[]}""", "parameters.countries")]
    [InlineData("country_blocklist", """{"countries":["KP"],"field":"ip"}""", "parameters.field")]
    [InlineData("bin_blocklist", """{"bins":["12345"]}""", "parameters.bins")]
    [InlineData("bin_blocklist", """{"bins":["123456789"]}""", "parameters.bins")]
    [InlineData("velocity", """{"subject":"card","window":60,"maxAmount":100000}""", "parameters.currency")]
    [InlineData("country_mismatch", """{}""", "parameters.minAmount")]
    [InlineData("country_mismatch", """{"minAmount":30000}""", "parameters.currency")]
    [InlineData("new_account", """{"maxAgeHours":24,"minAmount":1}""", "parameters.currency")]
    [InlineData("new_account", """{"minAmount":1}""", "parameters.maxAgeHours")]
    [InlineData("new_account", """[]""", "parameters")]
    [InlineData("magic", """{}""", "kind")]
    public void Bad_parameters_name_their_field(string kind, string parameters, string field)
    {
        var (rule, problem) = Parse(kind, parameters);
        rule.ShouldBeNull();
        problem.HasValue.ShouldBeTrue();
        problem!.Value.Field.ShouldBe(field);
    }

    [Fact]
    public void Name_action_and_score_are_checked_too()
    {
        Parse("bin_blocklist", """{"bins":["400000"]}""", action: "block").Problem!.Value.Field.ShouldBe("action");
        Parse("bin_blocklist", """{"bins":["400000"]}""", score: 101).Problem!.Value.Field.ShouldBe("score");
        Parse("bin_blocklist", """{"bins":["400000"]}""", score: null).Problem!.Value.Field.ShouldBe("score");
        RuleParser.Parse(Guid.NewGuid(), " ", "bin_blocklist", JsonSerializer.Deserialize<JsonElement>("""{"bins":["400000"]}"""), "review", 1, true, RuleSource.Request)
            .Problem!.Value.Field.ShouldBe("name");
    }

    [Fact]
    public void An_amount_over_zero_names_its_currency_but_a_rule_for_any_amount_needs_none()
    {
        Parse("country_mismatch", """{"minAmount":0}""").Rule.ShouldBeOfType<CountryMismatchRule>().Currency.ShouldBeNull();
        Parse("new_account", """{"maxAgeHours":24,"minAmount":0}""").Rule.ShouldBeOfType<NewAccountRule>().Currency.ShouldBeNull();
        Parse("velocity", """{"subject":"ip","window":60,"maxCount":3}""").Rule.ShouldBeOfType<VelocityRule>().Currency.ShouldBeNull();
        Parse("velocity", """{"subject":"ip","window":60,"maxAmount":100000,"currency":"JPY"}""").Rule.ShouldBeOfType<VelocityRule>().Currency.ShouldBe("JPY");
    }

    [Fact]
    public void A_rule_stored_before_currencies_were_required_still_loads_and_reads_the_order_s_currency()
    {
        var (rule, problem) = RuleParser.Parse(Guid.NewGuid(), "Old", "velocity",
            JsonSerializer.Deserialize<JsonElement>("""{"subject":"card","window":60,"maxAmount":100000}"""), "review", 10, enabled: true, RuleSource.Stored);
        problem.ShouldBeNull();
        var velocity = rule.ShouldBeOfType<VelocityRule>();
        velocity.Currency.ShouldBeNull();
        velocity.AmountAppliesTo("JPY").ShouldBeTrue();
    }
}
