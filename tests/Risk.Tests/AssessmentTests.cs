using System.Net;
using System.Net.Http.Json;
using System.Text;
using Bazaar.Risk.Assessments;
using Bazaar.Risk.Rules;
using Bazaar.Risk.Velocity;
using Bazaar.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bazaar.Risk.Tests;

/// <summary>Ordering's view: POST an order, get a decision with its reasons, under the default rules.</summary>
public sealed class AssessmentTests(RiskFactory factory) : RiskTest(factory)
{
    async Task<long> StoredAssessmentsAsync(Guid orderId)
    {
        await using var db = NpgsqlDataSource.Create(Factory.DatabaseConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from risk_assessments where order_id = @orderId", new { orderId });
    }

    [Fact]
    public async Task An_ordinary_order_is_approved()
    {
        await Factory.SeedDefaultRulesAsync();
        var order = new Order();
        var result = await Factory.AssessAsync(order);
        result.OrderId.ShouldBe(order.OrderId);
        result.Decision.ShouldBe(Decisions.Approve);
        result.Score.ShouldBe(0);
        result.Reasons.ShouldBeEmpty();
        (await StoredAssessmentsAsync(order.OrderId)).ShouldBe(1);
    }

    [Fact]
    public async Task A_huge_amount_is_declined_and_the_amount_rule_says_why()
    {
        await Factory.SeedDefaultRulesAsync();
        var result = await Factory.AssessAsync(new Order { Amount = 600_000 });
        result.Decision.ShouldBe(Decisions.Decline);
        result.Score.ShouldBe(100); // 90 + 40 (+ 40 for the day's spend), capped
        var first = result.Reasons[0];
        first.Kind.ShouldBe(RuleKinds.AmountLimit);
        first.Action.ShouldBe(RuleActions.Decline);
        first.Message.ShouldBe("Order amount 6,000.00 EUR is over the limit of 5,000.00 EUR");
        result.Reasons.ShouldContain(r => r.Kind == RuleKinds.AmountLimit && r.Action == RuleActions.Review);
    }

    [Fact]
    public async Task The_sixth_order_on_one_card_within_an_hour_goes_to_review_and_each_order_counts_once()
    {
        await Factory.SeedDefaultRulesAsync();
        var card = "fp_" + Guid.NewGuid().ToString("N");
        var orders = Enumerable.Range(0, 6).Select(_ => new Order { CardFingerprint = card }).ToList();
        for (var i = 0; i < 5; i++)
        {
            (await Factory.AssessAsync(orders[i])).Decision.ShouldBe(Decisions.Approve, $"order {i + 1}");
            (await Factory.AssessAsync(orders[i])).Decision.ShouldBe(Decisions.Approve, $"order {i + 1} again"); // a retry is not a new order
            Factory.Clock.Advance(TimeSpan.FromMinutes(2)); // less than an access token's lifetime in all
        }
        var sixth = await Factory.AssessAsync(orders[5]);
        sixth.Decision.ShouldBe(Decisions.Review);
        var reason = sixth.Reasons.ShouldHaveSingleItem();
        reason.Kind.ShouldBe(RuleKinds.Velocity);
        reason.Message.ShouldBe("Card used for 6 orders in the last hour (limit 5)");
        (await Factory.RedisAsync("ZCARD", VelocityCounters.Key(VelocitySubject.Card, card))).Integer.ShouldBe(6);
    }

    [Fact]
    public async Task Orders_leave_the_window_as_time_passes()
    {
        await Factory.CreateRuleAsync("Two a minute per customer", RuleKinds.Velocity, new { subject = "customer", window = 60, maxCount = 2 });
        var customer = Guid.NewGuid();
        (await Factory.AssessAsync(new Order { CustomerId = customer })).Decision.ShouldBe(Decisions.Approve);
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        (await Factory.AssessAsync(new Order { CustomerId = customer })).Decision.ShouldBe(Decisions.Approve);
        Factory.Clock.Advance(TimeSpan.FromSeconds(10));
        (await Factory.AssessAsync(new Order { CustomerId = customer })).Reasons.ShouldHaveSingleItem().Message
            .ShouldBe("Customer placed 3 orders in the last minute (limit 2)");

        // Now the second order is exactly a minute old: out of the window, like the first.
        Factory.Clock.Advance(TimeSpan.FromSeconds(50));
        (await Factory.AssessAsync(new Order { CustomerId = customer })).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public async Task A_blocked_country_declines()
    {
        await Factory.SeedDefaultRulesAsync();
        var result = await Factory.AssessAsync(new Order { ShippingCountry = "KP" });
        result.Decision.ShouldBe(Decisions.Decline);
        var reason = result.Reasons.ShouldHaveSingleItem();
        reason.Kind.ShouldBe(RuleKinds.CountryBlocklist);
        reason.Score.ShouldBe(100);
        reason.Message.ShouldBe("Shipping country KP is on the blocklist");
    }

    [Fact]
    public async Task Countries_that_differ_on_a_larger_order_go_to_review()
    {
        await Factory.SeedDefaultRulesAsync();
        (await Factory.AssessAsync(new Order { Amount = 30_000, BillingCountry = "FR" })).Decision.ShouldBe(Decisions.Approve);
        var result = await Factory.AssessAsync(new Order { Amount = 30_001, BillingCountry = "FR" });
        result.Decision.ShouldBe(Decisions.Review);
        result.Score.ShouldBe(30);
        result.Reasons.ShouldHaveSingleItem().Kind.ShouldBe(RuleKinds.CountryMismatch);
    }

    [Fact]
    public async Task A_new_account_placing_a_larger_order_goes_to_review()
    {
        await Factory.SeedDefaultRulesAsync();
        var now = Factory.Clock.GetUtcNow();
        var result = await Factory.AssessAsync(new Order { Amount = 60_000, AccountCreatedAt = now.AddHours(-2) });
        result.Decision.ShouldBe(Decisions.Review);
        result.Reasons.ShouldHaveSingleItem().Kind.ShouldBe(RuleKinds.NewAccount);
        (await Factory.AssessAsync(new Order { Amount = 60_000, AccountCreatedAt = now.AddDays(-30) })).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public async Task The_same_order_id_twice_returns_the_same_assessment()
    {
        await Factory.SeedDefaultRulesAsync();
        var order = new Order { Amount = 150_000 };
        var first = await Factory.AssessAsync(order);
        // Even a changed body: the order was assessed once, and that is the answer.
        var again = await Factory.AssessAsync(order with { Amount = 1_000 });
        again.AssessmentId.ShouldBe(first.AssessmentId);
        again.Decision.ShouldBe(Decisions.Review);
        again.Score.ShouldBe(first.Score);
        again.Reasons.Select(r => r.Message).ShouldBe(first.Reasons.Select(r => r.Message));
        (await StoredAssessmentsAsync(order.OrderId)).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_order_make_one_assessment_and_count_once()
    {
        await Factory.SeedDefaultRulesAsync();
        var order = new Order();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Factory.AssessAsync(order)));
        results.Select(r => r.AssessmentId).Distinct().ShouldHaveSingleItem();
        (await StoredAssessmentsAsync(order.OrderId)).ShouldBe(1);
        (await Factory.RedisAsync("ZCARD", VelocityCounters.Key(VelocitySubject.Card, order.CardFingerprint!))).Integer.ShouldBe(1);
    }

    [Fact]
    public async Task Counting_an_order_again_does_not_count_it_twice()
    {
        var counters = Factory.Services.GetRequiredService<VelocityCounters>();
        var input = new RiskInput { OrderId = Guid.NewGuid(), CustomerId = Guid.NewGuid(), Amount = 2_500, Currency = "EUR", CardFingerprint = "fp_twice" };
        VelocityWindow hour = new(VelocitySubject.Card, 3600);
        (await counters.RecordAsync(input, [hour], CancellationToken.None)).Tallies[hour].ShouldBe(new VelocityTally(1, 2_500));
        (await counters.RecordAsync(input, [hour], CancellationToken.None)).Tallies[hour].ShouldBe(new VelocityTally(1, 2_500));
        // A repeat that names another amount (a total computed again) is still the same order, counted at its first amount.
        (await counters.RecordAsync(input with { Amount = 1_000 }, [hour], CancellationToken.None)).Tallies[hour].ShouldBe(new VelocityTally(1, 2_500));
        (await Factory.RedisAsync("ZCARD", VelocityCounters.Key(VelocitySubject.Card, "fp_twice"))).Integer.ShouldBe(1);
        var other = input with { OrderId = Guid.NewGuid(), Amount = 1_000 };
        (await counters.RecordAsync(other, [hour], CancellationToken.None)).Tallies[hour].ShouldBe(new VelocityTally(2, 3_500));
        // Amounts in another currency count as orders but not towards this order's total.
        var dollars = input with { OrderId = Guid.NewGuid(), Amount = 9_000, Currency = "USD" };
        (await counters.RecordAsync(dollars, [hour], CancellationToken.None)).Tallies[hour].ShouldBe(new VelocityTally(3, 9_000));
        // A window no rule asks an amount of is counted without reading its entries.
        var euros = input with { OrderId = Guid.NewGuid(), Amount = 700 };
        (await counters.RecordAsync(euros, [hour], CancellationToken.None, summed: new HashSet<VelocityWindow>())).Tallies[hour].ShouldBe(new VelocityTally(4, 0));
    }

    [Fact]
    public async Task An_unknown_ip_address_is_not_counted_as_one_shared_address()
    {
        await Factory.SeedDefaultRulesAsync();
        for (var i = 0; i < 11; i++)
            (await Factory.AssessAsync(new Order { IpAddress = "0.0.0.0" })).Decision.ShouldBe(Decisions.Approve);
        (await Factory.RedisAsync("EXISTS", VelocityCounters.Key(VelocitySubject.Ip, "0.0.0.0"))).Integer.ShouldBe(0);
        // An address written two ways is one address.
        var mapped = await Factory.AssessAsync(new Order { IpAddress = "::ffff:198.51.100.4" });
        (await Factory.RedisAsync("ZCARD", VelocityCounters.Key(VelocitySubject.Ip, "198.51.100.4"))).Integer.ShouldBe(1);
        mapped.Decision.ShouldBe(Decisions.Approve);
    }

    [Theory]
    [InlineData("orderId", "\"orderId\":null")]
    [InlineData("customerId", "\"customerId\":null")]
    [InlineData("amount", "\"amount\":0")]
    [InlineData("amount", "\"amount\":-5")]
    [InlineData("currency", "\"currency\":\"XXX\"")]
    [InlineData("currency", "\"currency\":null")]
    [InlineData("cardBin", "\"cardBin\":\"12345\"")]
    [InlineData("cardBin", "\"cardBin\":\"41111a\"")]
    [InlineData("cardCountry", "\"cardCountry\":\"de\"")]
    [InlineData("billingCountry", "\"billingCountry\":\"DEU\"")]
    [InlineData("shippingCountry", "\"shippingCountry\":\"\"")]
    [InlineData("ipAddress", "\"ipAddress\":\"not-an-ip\"")]
    [InlineData("cardFingerprint", "\"cardFingerprint\":\"has spaces\"")]
    public async Task Bad_input_is_refused_naming_the_field(string field, string replacement)
    {
        var fields = new Dictionary<string, string>
        {
            ["orderId"] = $"\"orderId\":\"{Guid.NewGuid()}\"", ["customerId"] = $"\"customerId\":\"{Guid.NewGuid()}\"", ["amount"] = "\"amount\":1000",
            ["currency"] = "\"currency\":\"EUR\"", ["cardBin"] = "\"cardBin\":\"411111\"", ["cardCountry"] = "\"cardCountry\":\"DE\"",
            ["billingCountry"] = "\"billingCountry\":\"DE\"", ["shippingCountry"] = "\"shippingCountry\":\"DE\"", ["ipAddress"] = "\"ipAddress\":\"203.0.113.9\"",
            ["cardFingerprint"] = "\"cardFingerprint\":\"fp_1\"",
        };
        fields[field] = replacement;
        var body = new StringContent("{" + string.Join(",", fields.Values) + "}", Encoding.UTF8, "application/json");
        await (await Factory.Service().PostAsync("/internal/risk/assessments", body)).ShouldNameFieldAsync(field);
    }
}
