using System.Net;
using System.Net.Http.Json;
using System.Text;
using Bazaar.Risk.Rules;
using Bazaar.Testing;
using Dapper;
using Npgsql;

namespace Bazaar.Risk.Tests;

public sealed class RulesApiTests(RiskFactory factory) : RiskTest(factory)
{
    const string Rules = "/api/v1/admin/risk/rules";

    static object Body(RuleDto rule, object parameters, int? version = null, bool? enabled = null) =>
        new { rule.Name, rule.Kind, parameters, rule.Action, rule.Score, enabled = enabled ?? rule.Enabled, version = version ?? rule.Version };

    [Fact]
    public async Task Admins_create_read_update_and_delete_rules()
    {
        var admin = Factory.Admin();
        var created = await Factory.CreateRuleAsync("Big orders", RuleKinds.AmountLimit, new { maxAmount = 100_000, currency = "EUR" }, score: 40);
        created.Version.ShouldBe(1);
        created.Enabled.ShouldBeTrue();
        created.Parameters.GetProperty("maxAmount").GetInt64().ShouldBe(100_000);

        (await Factory.Support().GetFromJsonAsync<List<RuleDto>>(Rules))!.Select(r => r.Name).ShouldBe(["Big orders"]);
        (await Factory.Support().GetFromJsonAsync<RuleDto>($"{Rules}/{created.Id}"))!.Score.ShouldBe(40);

        var updated = await (await admin.PutAsJsonAsync($"{Rules}/{created.Id}", Body(created, new { maxAmount = 200_000, currency = "EUR" })))
            .ShouldBeOkAsync<RuleDto>();
        updated.Version.ShouldBe(2);
        updated.Parameters.GetProperty("maxAmount").GetInt64().ShouldBe(200_000);

        // An editor still holding version 1 would overwrite that change: refused.
        await (await admin.PutAsJsonAsync($"{Rules}/{created.Id}", Body(created, new { maxAmount = 1, currency = "EUR" })))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PutAsJsonAsync($"{Rules}/{Guid.NewGuid()}", Body(created, new { maxAmount = 1, currency = "EUR" })))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);

        (await admin.DeleteAsync($"{Rules}/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await admin.GetAsync($"{Rules}/{created.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"{Rules}/{created.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rule_names_are_unique()
    {
        await Factory.CreateRuleAsync("Blocked BINs", RuleKinds.BinBlocklist, new { bins = new[] { "400000" } });
        var again = await Factory.Admin().PostAsJsonAsync(Rules, new
        {
            name = "Blocked BINs", kind = RuleKinds.BinBlocklist, parameters = new { bins = new[] { "500000" } }, action = "decline", score = 10,
        });
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_rule_change_takes_effect_on_the_next_assessment()
    {
        (await Factory.AssessAsync(new Order { Amount = 20_000 })).Decision.ShouldBe(Decisions.Approve); // rules are cached now

        var rule = await Factory.CreateRuleAsync("Over 100 EUR", RuleKinds.AmountLimit, new { maxAmount = 10_000, currency = "EUR" });
        var review = await Factory.AssessAsync(new Order { Amount = 20_000 });
        review.Decision.ShouldBe(Decisions.Review);
        review.Reasons.ShouldHaveSingleItem().RuleId.ShouldBe(rule.Id);

        var raised = await (await Factory.Admin().PutAsJsonAsync($"{Rules}/{rule.Id}", Body(rule, new { maxAmount = 50_000, currency = "EUR" })))
            .ShouldBeOkAsync<RuleDto>();
        (await Factory.AssessAsync(new Order { Amount = 20_000 })).Decision.ShouldBe(Decisions.Approve);

        var declining = await (await Factory.Admin().PutAsJsonAsync($"{Rules}/{rule.Id}",
            new { raised.Name, raised.Kind, parameters = new { maxAmount = 10_000, currency = "EUR" }, action = "decline", score = 90, enabled = true, version = raised.Version }))
            .ShouldBeOkAsync<RuleDto>();
        (await Factory.AssessAsync(new Order { Amount = 20_000 })).Decision.ShouldBe(Decisions.Decline);

        await (await Factory.Admin().PutAsJsonAsync($"{Rules}/{rule.Id}", Body(declining, new { maxAmount = 10_000, currency = "EUR" }, enabled: false)))
            .ShouldBeOkAsync<RuleDto>();
        (await Factory.AssessAsync(new Order { Amount = 20_000 })).Decision.ShouldBe(Decisions.Approve);

        (await Factory.Admin().DeleteAsync($"{Rules}/{rule.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Factory.AssessAsync(new Order { Amount = 20_000 })).Decision.ShouldBe(Decisions.Approve);
    }

    /// <summary>Another replica writes a rule straight into the table and announces the change; this replica has not seen it yet.</summary>
    async Task AnotherReplicaBlocksIranAsync(bool announced = true)
    {
        await StoreRuleAsync("Iran", "country_blocklist", """{"countries":["IR"],"field":"shipping"}""", "decline");
        if (announced)
            await Factory.RedisAsync("SET", RuleCache.VersionKey, Guid.NewGuid().ToString("N"));
    }

    async Task<Guid> StoreRuleAsync(string name, string kind, string parameters, string action)
    {
        var id = Guid.NewGuid();
        await using var db = NpgsqlDataSource.Create(Factory.DatabaseConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            insert into risk_rules (id, name, kind, parameters, action, score, enabled, created_at, updated_at, version)
            values (@id, @name, @kind, @parameters::jsonb, @action, 100, true, now(), now(), 1)
            """, new { id, name, kind, parameters, action });
        return id;
    }

    [Fact]
    public async Task A_rule_stored_before_amounts_needed_a_currency_can_be_switched_off_but_not_changed_without_one()
    {
        var id = await StoreRuleAsync("Old velocity", "velocity", """{"subject":"card","window":3600,"maxAmount":100000}""", "review");
        var stored = (await Factory.Admin().GetFromJsonAsync<RuleDto>($"{Rules}/{id}"))!;

        var off = await Factory.Admin().PutAsJsonAsync($"{Rules}/{id}",
            new { stored.Name, stored.Kind, stored.Parameters, stored.Action, stored.Score, enabled = false, stored.Version });
        (await off.ShouldBeOkAsync<RuleDto>()).Enabled.ShouldBeFalse();

        var changed = await Factory.Admin().PutAsJsonAsync($"{Rules}/{id}",
            new { stored.Name, stored.Kind, parameters = new { subject = "card", window = 3600, maxAmount = 50_000 }, stored.Action, stored.Score, enabled = true, version = stored.Version + 1 });
        await changed.ShouldNameFieldAsync("parameters.currency");
    }

    [Fact]
    public async Task A_rule_stored_before_amounts_needed_a_currency_still_applies_in_the_order_s_currency()
    {
        await StoreRuleAsync("Old mismatch", "country_mismatch", """{"minAmount":10000}""", "review");

        var mismatch = new Order { Currency = "JPY", Amount = 20_000, ShippingCountry = "FR" };
        (await Factory.AssessAsync(mismatch)).Reasons.ShouldHaveSingleItem().Rule.ShouldBe("Old mismatch");
        (await Factory.AssessAsync(mismatch with { OrderId = Guid.NewGuid(), Amount = 5_000 })).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public async Task A_rule_change_whose_announcement_was_lost_is_picked_up_within_a_minute()
    {
        (await Factory.AssessAsync(new Order { ShippingCountry = "IR" })).Decision.ShouldBe(Decisions.Approve); // no rules, cached

        // Another replica wrote the rule and stopped before it could tell the others through Redis.
        await AnotherReplicaBlocksIranAsync(announced: false);

        Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        (await Factory.AssessAsync(new Order { ShippingCountry = "IR" })).Decision.ShouldBe(Decisions.Approve); // not known yet
        Factory.Clock.Advance(RuleCache.ReloadAtLeastEvery);
        (await Factory.AssessAsync(new Order { ShippingCountry = "IR" })).Decision.ShouldBe(Decisions.Decline);
    }

    [Fact]
    public async Task A_rule_written_by_another_replica_is_picked_up_within_a_second()
    {
        (await Factory.AssessAsync(new Order { ShippingCountry = "IR" })).Decision.ShouldBe(Decisions.Approve); // no rules, cached

        await AnotherReplicaBlocksIranAsync();

        Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        var result = await Factory.AssessAsync(new Order { ShippingCountry = "IR" });
        result.Decision.ShouldBe(Decisions.Decline);
        result.Reasons.ShouldHaveSingleItem().Rule.ShouldBe("Iran");
    }

    [Fact]
    public async Task A_rule_change_announced_in_a_redis_that_then_lost_its_data_is_still_picked_up()
    {
        (await Factory.AssessAsync(new Order { ShippingCountry = "IR" })).Decision.ShouldBe(Decisions.Approve); // no rules, cached

        await AnotherReplicaBlocksIranAsync();
        // Then Redis loses its data (a restart without persistence, a failover to a replica that had not caught up)
        // before this replica looks.
        await Factory.RedisAsync("FLUSHDB");

        Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        (await Factory.AssessAsync(new Order { ShippingCountry = "IR" })).Decision.ShouldBe(Decisions.Decline);
    }

    [Theory]
    [InlineData("""{"name":"","kind":"amount_limit","parameters":{"maxAmount":1,"currency":"EUR"},"action":"review","score":1}""", "name")]
    [InlineData("""{"name":"r","kind":"magic","parameters":{},"action":"review","score":1}""", "kind")]
    [InlineData("""{"name":"r","kind":"amount_limit","parameters":{"maxAmount":1,"currency":"EUR"},"action":"block","score":1}""", "action")]
    [InlineData("""{"name":"r","kind":"amount_limit","parameters":{"maxAmount":1,"currency":"EUR"},"action":"review","score":101}""", "score")]
    [InlineData("""{"name":"r","kind":"amount_limit","action":"review","score":1}""", "parameters")]
    [InlineData("""{"name":"r","kind":"velocity","parameters":{"subject":"card"},"action":"review","score":1}""", "parameters.window")]
    [InlineData("""{"name":"r","kind":"velocity","parameters":{"subject":"phone","window":60,"maxCount":1},"action":"review","score":1}""", "parameters.subject")]
    [InlineData("""{"name":"r","kind":"velocity","parameters":{"subject":"card","window":60,"maxAmount":50000},"action":"review","score":1}""", "parameters.currency")]
    [InlineData("""{"name":"r","kind":"country_blocklist","parameters":{"countries":["kp"]},"action":"decline","score":1}""", "parameters.countries")]
    [InlineData("""{"name":"r","kind":"bin_blocklist","parameters":{"bins":["12"]},"action":"decline","score":1}""", "parameters.bins")]
    [InlineData("""{"name":"r","kind":"new_account","parameters":{"maxAgeHours":24,"minAmount":1,"currency":"EUR","extra":1},"action":"review","score":1}""", "parameters.extra")]
    [InlineData("""{"name":"r","kind":"amount_limit","parameters":{"maxAmount":1,"currency":"\ud800"},"action":"review","score":1}""", "parameters")]
    [InlineData("""{"name":"r","kind":"amount_limit","parameters":{"maxAmount":1,"currency":"EUR","\udc00":1},"action":"review","score":1}""", "parameters")]
    public async Task Bad_rules_are_refused_naming_the_field(string json, string field)
    {
        var response = await Factory.Admin().PostAsync(Rules, new StringContent(json, Encoding.UTF8, "application/json"));
        await response.ShouldNameFieldAsync(field);
        (await Factory.Admin().GetFromJsonAsync<List<RuleDto>>(Rules))!.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_update_must_say_which_version_it_changes_and_whether_the_rule_is_on()
    {
        var rule = await Factory.CreateRuleAsync("Mismatch", RuleKinds.CountryMismatch, new { minAmount = 30_000, currency = "EUR" }, enabled: false);
        var response = await Factory.Admin().PutAsJsonAsync($"{Rules}/{rule.Id}",
            new { rule.Name, rule.Kind, parameters = new { minAmount = 1, currency = "EUR" }, rule.Action, rule.Score, enabled = false });
        await response.ShouldNameFieldAsync("version");

        // A replacement that leaves "enabled" out would switch a disabled rule on unseen.
        var silent = await Factory.Admin().PutAsJsonAsync($"{Rules}/{rule.Id}",
            new { rule.Name, rule.Kind, parameters = new { minAmount = 1, currency = "EUR" }, rule.Action, rule.Score, rule.Version });
        await silent.ShouldNameFieldAsync("enabled");
        (await Factory.Admin().GetFromJsonAsync<RuleDto>($"{Rules}/{rule.Id}"))!.Enabled.ShouldBeFalse();
    }
}
