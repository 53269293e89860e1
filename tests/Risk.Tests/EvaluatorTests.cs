using Bazaar.Risk.Rules;

namespace Bazaar.Risk.Tests;

/// <summary>The rules as pure functions: each kind at its boundary, how decisions and scores combine, what reasons say.</summary>
public sealed class EvaluatorTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    static RiskInput Order(long amount = 10_000, string currency = "EUR", string? card = "fp_card", string? bin = "411111", string? cardCountry = "DE",
        string? billing = "DE", string? shipping = "DE", string? ip = "203.0.113.7", DateTimeOffset? accountCreatedAt = null) => new()
    {
        OrderId = Guid.NewGuid(), CustomerId = Guid.NewGuid(), Amount = amount, Currency = currency, CardFingerprint = card, CardBin = bin,
        CardCountry = cardCountry, BillingCountry = billing, ShippingCountry = shipping, IpAddress = ip, AccountCreatedAt = accountCreatedAt,
    };

    static RiskResult Evaluate(RiskInput order, params RiskRule[] rules) => Evaluator.Evaluate(rules, order, VelocityCounts.None, Now);

    static VelocityCounts Counts(VelocitySubject subject, int windowSeconds, long count, long amount = 0) =>
        new(new Dictionary<VelocityWindow, VelocityTally> { [new VelocityWindow(subject, windowSeconds)] = new VelocityTally(count, amount) });

    static readonly AmountLimitRule Limit = new() { Id = Guid.NewGuid(), Name = "Big orders", Action = RuleActions.Review, Score = 40, MaxAmount = 100_000, Currency = "EUR" };

    [Fact]
    public void No_rules_triggered_approves_with_no_reasons()
    {
        var result = Evaluate(Order(), Limit);
        result.Decision.ShouldBe(Decisions.Approve);
        result.Score.ShouldBe(0);
        result.Reasons.ShouldBeEmpty();
    }

    [Fact]
    public void Amount_limit_triggers_only_above_the_limit_and_only_in_its_currency()
    {
        Evaluate(Order(amount: 100_000), Limit).Decision.ShouldBe(Decisions.Approve);
        var over = Evaluate(Order(amount: 100_001), Limit);
        over.Decision.ShouldBe(Decisions.Review);
        over.Score.ShouldBe(40);
        var reason = over.Reasons.ShouldHaveSingleItem();
        reason.ShouldBe(new RiskReason(Limit.Id, "Big orders", RuleKinds.AmountLimit, RuleKinds.AmountLimit, RuleActions.Review, 40,
            "Order amount 1,000.01 EUR is over the limit of 1,000.00 EUR"));
        Evaluate(Order(amount: 100_001, currency: "USD"), Limit).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public void Velocity_count_triggers_when_the_order_is_one_past_the_limit()
    {
        var rule = new VelocityRule { Name = "Card velocity", Score = 50, Subject = VelocitySubject.Card, WindowSeconds = 3600, MaxCount = 5 };
        Evaluator.Evaluate([rule], Order(), Counts(VelocitySubject.Card, 3600, 5), Now).Decision.ShouldBe(Decisions.Approve);
        var result = Evaluator.Evaluate([rule], Order(), Counts(VelocitySubject.Card, 3600, 6), Now);
        result.Decision.ShouldBe(Decisions.Review);
        result.Reasons.ShouldHaveSingleItem().Message.ShouldBe("Card used for 6 orders in the last hour (limit 5)");
    }

    [Fact]
    public void Velocity_amount_triggers_above_the_total_in_its_currency()
    {
        var rule = new VelocityRule
        {
            Name = "Daily spend", Score = 40, Subject = VelocitySubject.Customer, WindowSeconds = 86_400, MaxAmount = 300_000, Currency = "EUR",
        };
        Evaluator.Evaluate([rule], Order(), Counts(VelocitySubject.Customer, 86_400, 3, 300_000), Now).Decision.ShouldBe(Decisions.Approve);
        var result = Evaluator.Evaluate([rule], Order(), Counts(VelocitySubject.Customer, 86_400, 3, 300_001), Now);
        result.Decision.ShouldBe(Decisions.Review);
        result.Reasons.ShouldHaveSingleItem().Message.ShouldBe("Customer's orders total 3,000.01 EUR in the last 24 hours (limit 3,000.00 EUR)");
        Evaluator.Evaluate([rule], Order(currency: "USD"), Counts(VelocitySubject.Customer, 86_400, 3, 999_999), Now).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public void Velocity_does_not_trigger_for_an_order_without_that_subject()
    {
        var rule = new VelocityRule { Name = "IP velocity", Subject = VelocitySubject.Ip, WindowSeconds = 3600, MaxCount = 1 };
        Evaluator.Evaluate([rule], Order(ip: null), Counts(VelocitySubject.Ip, 3600, 50), Now).Decision.ShouldBe(Decisions.Approve);
        Evaluator.Evaluate([rule], Order(), Counts(VelocitySubject.Ip, 3600, 2), Now).Reasons.ShouldHaveSingleItem().Message
            .ShouldBe("IP address 203.0.113.7 used for 2 orders in the last hour (limit 1)");
    }

    [Fact]
    public void Unavailable_velocity_fails_open_and_says_so()
    {
        var velocity = new VelocityRule { Name = "Card velocity", Action = RuleActions.Decline, Score = 50, Subject = VelocitySubject.Card, WindowSeconds = 3600, MaxCount = 0 };
        var result = Evaluator.Evaluate([velocity, Limit], Order(), VelocityCounts.Unavailable, Now);
        result.Decision.ShouldBe(Decisions.Approve);
        result.Score.ShouldBe(0);
        var reason = result.Reasons.ShouldHaveSingleItem();
        reason.Code.ShouldBe(Evaluator.VelocityUnavailable);
        reason.Action.ShouldBe(RuleActions.None);
        reason.Score.ShouldBe(0);
        reason.RuleId.ShouldBeNull();

        // Without velocity rules there is nothing to miss, so nothing to say.
        Evaluator.Evaluate([Limit], Order(), VelocityCounts.Unavailable, Now).Reasons.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(CountryField.Any, "KP", "DE", "DE", true)]
    [InlineData(CountryField.Any, "DE", "KP", "DE", true)]
    [InlineData(CountryField.Any, "DE", "DE", "KP", true)]
    [InlineData(CountryField.Shipping, "KP", "KP", "DE", false)]
    [InlineData(CountryField.Shipping, "DE", "DE", "KP", true)]
    [InlineData(CountryField.Card, "DE", "KP", "KP", false)]
    [InlineData(CountryField.Billing, "DE", "KP", "DE", true)]
    [InlineData(CountryField.Any, "DE", "FR", "AT", false)]
    public void Country_blocklist_looks_at_the_fields_it_names(CountryField field, string card, string billing, string shipping, bool declines)
    {
        var rule = new CountryBlocklistRule { Name = "Blocked", Action = RuleActions.Decline, Score = 100, Countries = ["KP", "IR"], Field = field };
        Evaluate(Order(cardCountry: card, billing: billing, shipping: shipping), rule).Decision.ShouldBe(declines ? Decisions.Decline : Decisions.Approve);
    }

    [Fact]
    public void Country_blocklist_names_every_blocked_country()
    {
        var rule = new CountryBlocklistRule { Name = "Blocked", Action = RuleActions.Decline, Score = 100, Countries = ["KP", "IR"] };
        Evaluate(Order(shipping: "KP"), rule).Reasons.ShouldHaveSingleItem().Message.ShouldBe("Shipping country KP is on the blocklist");
        Evaluate(Order(cardCountry: "IR", billing: "IR"), rule).Reasons.ShouldHaveSingleItem().Message
            .ShouldBe("Card country IR and billing country IR are on the blocklist");
    }

    [Theory]
    [InlineData("400000", "400000", true)]
    [InlineData("400000", "40000012", true)]
    [InlineData("400000", "400001", false)]
    [InlineData("40000012", "400000", false)]
    [InlineData("40000012", "40000013", false)]
    public void Bin_blocklist_matches_the_bin_and_the_longer_bins_under_it(string blocked, string bin, bool declines)
    {
        var rule = new BinBlocklistRule { Name = "Bad BINs", Action = RuleActions.Decline, Score = 80, Bins = [blocked] };
        Evaluate(Order(bin: bin), rule).Decision.ShouldBe(declines ? Decisions.Decline : Decisions.Approve);
        Evaluate(Order(bin: null), rule).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public void Country_mismatch_triggers_above_its_amount_when_billing_or_card_differs_from_shipping()
    {
        var rule = new CountryMismatchRule { Name = "Mismatch", Score = 30, MinAmount = 30_000, Currency = "EUR" };
        Evaluate(Order(amount: 30_000, billing: "FR"), rule).Decision.ShouldBe(Decisions.Approve);
        Evaluate(Order(amount: 30_001), rule).Decision.ShouldBe(Decisions.Approve);
        Evaluate(Order(amount: 30_001, billing: "FR"), rule).Reasons.ShouldHaveSingleItem().Message
            .ShouldBe("Billing country FR differs from shipping country DE on an order of 300.01 EUR (over 300.00 EUR)");
        Evaluate(Order(amount: 30_001, cardCountry: "US"), rule).Decision.ShouldBe(Decisions.Review);
        Evaluate(Order(amount: 30_001, cardCountry: "US", shipping: null), rule).Decision.ShouldBe(Decisions.Approve);
        Evaluate(Order(amount: 30_001, billing: "FR", currency: "GBP"), rule).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public void New_account_triggers_for_young_accounts_above_the_amount()
    {
        var rule = new NewAccountRule { Name = "New account", Score = 40, MaxAgeHours = 24, MinAmount = 50_000, Currency = "EUR" };
        Evaluate(Order(amount: 50_001, accountCreatedAt: Now.AddHours(-24)), rule).Decision.ShouldBe(Decisions.Approve);
        Evaluate(Order(amount: 50_001, accountCreatedAt: Now.AddHours(-24).AddSeconds(1)), rule).Decision.ShouldBe(Decisions.Review);
        Evaluate(Order(amount: 50_000, accountCreatedAt: Now.AddHours(-1)), rule).Decision.ShouldBe(Decisions.Approve);
        Evaluate(Order(amount: 50_001, accountCreatedAt: null), rule).Decision.ShouldBe(Decisions.Approve);
        Evaluate(Order(amount: 60_000, accountCreatedAt: Now.AddHours(-3)), rule).Reasons.ShouldHaveSingleItem().Message
            .ShouldBe("Account created 3 hours ago (newer than 24 hours) orders 600.00 EUR (over 500.00 EUR)");
    }

    [Fact]
    public void Decline_beats_review_and_the_score_is_capped()
    {
        var review = Limit with { Score = 70 };
        var decline = new AmountLimitRule { Name = "Huge orders", Action = RuleActions.Decline, Score = 60, MaxAmount = 200_000, Currency = "EUR" };
        var result = Evaluate(Order(amount: 250_000), review, decline);
        result.Decision.ShouldBe(Decisions.Decline);
        result.Score.ShouldBe(100);
        result.Reasons.Select(r => r.Action).ShouldBe([RuleActions.Decline, RuleActions.Review]); // the deciding reason first
        Evaluate(Order(amount: 150_000), review, decline).Decision.ShouldBe(Decisions.Review);
    }

    [Fact]
    public void Disabled_rules_are_not_applied()
    {
        Evaluate(Order(amount: 100_001), Limit with { Enabled = false }).Decision.ShouldBe(Decisions.Approve);
    }

    [Fact]
    public void Money_and_windows_read_naturally()
    {
        Bazaar.ServiceDefaults.Money.Currencies.Format(500_000, "EUR").ShouldBe("5,000.00 EUR");
        Bazaar.ServiceDefaults.Money.Currencies.Format(5_000, "JPY").ShouldBe("5,000 JPY");
        Evaluator.Window(3600).ShouldBe("hour");
        Evaluator.Window(86_400).ShouldBe("24 hours");
        Evaluator.Window(600).ShouldBe("10 minutes");
        Evaluator.Window(90).ShouldBe("90 seconds");
    }
}
