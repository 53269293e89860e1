using System.Globalization;
using Bazaar.ServiceDefaults.Money;

namespace Bazaar.Risk.Rules;

/// <summary>The order being assessed, as the rules see it. Amounts are minor units; countries ISO 3166 alpha-2.</summary>
public sealed record RiskInput
{
    public required Guid OrderId { get; init; }
    public required Guid CustomerId { get; init; }
    public DateTimeOffset? AccountCreatedAt { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string? CardFingerprint { get; init; }
    public string? CardBin { get; init; }
    public string? CardCountry { get; init; }
    public string? BillingCountry { get; init; }
    public string? IpAddress { get; init; }
    public string? ShippingCountry { get; init; }
}

public readonly record struct VelocityWindow(VelocitySubject Subject, int WindowSeconds);

/// <summary>Orders in a window and their total (in the assessed order's currency), the assessed order included.</summary>
public readonly record struct VelocityTally(long Count, long Amount);

/// <summary>What the velocity counters said about this order, or that they could not be asked.</summary>
public sealed record VelocityCounts(IReadOnlyDictionary<VelocityWindow, VelocityTally> Tallies, bool IsUnavailable = false)
{
    public static readonly VelocityCounts None = new(new Dictionary<VelocityWindow, VelocityTally>());
    public static readonly VelocityCounts Unavailable = new(new Dictionary<VelocityWindow, VelocityTally>(), IsUnavailable: true);
}

/// <summary>
/// Why a decision was made: the rule (id and name at the time), what it does, and a sentence a person can read.
/// <see cref="Code"/> is the rule's kind, or <c>velocity_unavailable</c> for the one reason no rule produces.
/// </summary>
public sealed record RiskReason(Guid? RuleId, string Rule, string Kind, string Code, string Action, int Score, string Message);

public sealed record RiskResult(string Decision, int Score, IReadOnlyList<RiskReason> Reasons);

/// <summary>
/// Applies rules to an order. Pure: no I/O, the clock and the velocity counts come in as arguments. Decline if any
/// triggered rule declines, else review if any triggered, else approve; the score is the triggered rules' scores
/// summed and capped at 100. Every triggered rule is a reason, so every decision explains itself.
/// </summary>
public static class Evaluator
{
    public const int MaxScore = 100;
    public const string VelocityUnavailable = "velocity_unavailable";

    public static RiskResult Evaluate(IEnumerable<RiskRule> rules, RiskInput order, VelocityCounts velocity, DateTimeOffset now)
    {
        var triggered = new List<RiskReason>();
        var velocitySkipped = false;
        foreach (var rule in rules)
        {
            if (!rule.Enabled)
                continue;
            if (rule is VelocityRule && velocity.IsUnavailable)
            {
                velocitySkipped = true;
                continue;
            }
            var message = rule switch
            {
                AmountLimitRule r => OverAmountLimit(r, order),
                VelocityRule r => OverVelocity(r, order, velocity),
                CountryBlocklistRule r => BlockedCountry(r, order),
                BinBlocklistRule r => BlockedBin(r, order),
                CountryMismatchRule r => MismatchedCountries(r, order),
                NewAccountRule r => NewAccount(r, order, now),
                _ => null,
            };
            if (message is not null)
                triggered.Add(new RiskReason(rule.Id, rule.Name, rule.Kind, rule.Kind, rule.Action, rule.Score, message));
        }

        var decision = triggered.Any(r => r.Action == RuleActions.Decline) ? Decisions.Decline
            : triggered.Count > 0 ? Decisions.Review
            : Decisions.Approve;
        var score = Math.Min(MaxScore, triggered.Sum(r => r.Score));
        var reasons = triggered
            .OrderBy(r => r.Action == RuleActions.Decline ? 0 : 1)
            .ThenByDescending(r => r.Score)
            .ThenBy(r => r.Rule, StringComparer.Ordinal)
            .ToList();
        if (velocitySkipped)
            reasons.Add(new RiskReason(null, "Velocity counters", RuleKinds.Velocity, VelocityUnavailable, RuleActions.None, 0,
                "Velocity could not be checked (the counters are unavailable); velocity rules were not applied."));
        return new RiskResult(decision, score, reasons);
    }

    static string? OverAmountLimit(AmountLimitRule rule, RiskInput order) =>
        order.Currency == rule.Currency && order.Amount > rule.MaxAmount
            ? $"Order amount {Money(order.Amount, order.Currency)} is over the limit of {Money(rule.MaxAmount, rule.Currency)}"
            : null;

    static string? OverVelocity(VelocityRule rule, RiskInput order, VelocityCounts velocity)
    {
        var value = rule.Subject switch
        {
            VelocitySubject.Customer => order.CustomerId.ToString(),
            VelocitySubject.Card => order.CardFingerprint,
            _ => order.IpAddress,
        };
        if (value is null || !velocity.Tallies.TryGetValue(new VelocityWindow(rule.Subject, rule.WindowSeconds), out var tally))
            return null;
        var window = Window(rule.WindowSeconds);
        var findings = new List<string>();
        if (rule.MaxCount is { } maxCount && tally.Count > maxCount)
            findings.Add(rule.Subject switch
            {
                VelocitySubject.Customer => $"Customer placed {tally.Count} orders in the last {window} (limit {maxCount})",
                VelocitySubject.Card => $"Card used for {tally.Count} orders in the last {window} (limit {maxCount})",
                _ => $"IP address {value} used for {tally.Count} orders in the last {window} (limit {maxCount})",
            });
        if (rule.MaxAmount is { } maxAmount && rule.AmountAppliesTo(order.Currency) && tally.Amount > maxAmount)
        {
            var who = rule.Subject switch
            {
                VelocitySubject.Customer => "Customer's",
                VelocitySubject.Card => "Card's",
                _ => $"IP address {value}'s",
            };
            findings.Add($"{who} orders total {Money(tally.Amount, order.Currency)} in the last {window} (limit {Money(maxAmount, order.Currency)})");
        }
        return findings.Count == 0 ? null : string.Join("; ", findings);
    }

    static string? BlockedCountry(CountryBlocklistRule rule, RiskInput order)
    {
        var hits = new List<string>();
        Check(CountryField.Card, "card", order.CardCountry);
        Check(CountryField.Billing, "billing", order.BillingCountry);
        Check(CountryField.Shipping, "shipping", order.ShippingCountry);
        return hits.Count == 0 ? null : Sentence($"{string.Join(" and ", hits)} {(hits.Count == 1 ? "is" : "are")} on the blocklist");

        void Check(CountryField field, string label, string? country)
        {
            if ((rule.Field == CountryField.Any || rule.Field == field) && country is not null && rule.Countries.Contains(country, StringComparer.Ordinal))
                hits.Add($"{label} country {country}");
        }
    }

    static string? BlockedBin(BinBlocklistRule rule, RiskInput order)
    {
        if (order.CardBin is not { } bin || rule.Bins.FirstOrDefault(b => bin.StartsWith(b, StringComparison.Ordinal)) is not { } blocked)
            return null;
        return blocked == bin ? $"Card BIN {bin} is on the blocklist" : $"Card BIN {bin} is in the blocked range {blocked}";
    }

    static string? MismatchedCountries(CountryMismatchRule rule, RiskInput order)
    {
        if (!rule.AppliesTo(order.Currency) || order.Amount <= rule.MinAmount || order.ShippingCountry is not { } shipping)
            return null;
        var others = new List<string>();
        if (order.BillingCountry is { } billing && billing != shipping)
            others.Add($"billing country {billing}");
        if (order.CardCountry is { } card && card != shipping)
            others.Add($"card country {card}");
        if (others.Count == 0)
            return null;
        return Sentence($"{string.Join(" and ", others)} {(others.Count == 1 ? "differs" : "differ")} from shipping country {shipping} " +
                        $"on an order of {Money(order.Amount, order.Currency)} (over {Money(rule.MinAmount, order.Currency)})");
    }

    static string? NewAccount(NewAccountRule rule, RiskInput order, DateTimeOffset now)
    {
        if (order.AccountCreatedAt is not { } created || !rule.AppliesTo(order.Currency) || order.Amount <= rule.MinAmount)
            return null;
        var age = now - created;
        if (age < TimeSpan.Zero)
            age = TimeSpan.Zero;
        if (age >= TimeSpan.FromHours(rule.MaxAgeHours))
            return null;
        return $"Account created {Age(age)} ago (newer than {rule.MaxAgeHours} hours) orders {Money(order.Amount, order.Currency)} " +
               $"(over {Money(rule.MinAmount, order.Currency)})";
    }

    /// <summary>5000 EUR minor units reads "50.00 EUR"; 5000 JPY reads "5,000 JPY".</summary>
    static string Money(long minorUnits, string currency) => Currencies.Format(minorUnits, currency);

    /// <summary>3600 reads "hour", 86400 "24 hours", 90 "90 seconds".</summary>
    public static string Window(int seconds) =>
        seconds % 3600 == 0 ? (seconds == 3600 ? "hour" : $"{seconds / 3600} hours")
        : seconds % 60 == 0 ? (seconds == 60 ? "minute" : $"{seconds / 60} minutes")
        : seconds == 1 ? "second" : $"{seconds} seconds";

    static string Age(TimeSpan age) =>
        age.TotalHours >= 2 ? $"{(int)age.TotalHours} hours"
        : age.TotalHours >= 1 ? "1 hour"
        : age.TotalMinutes >= 2 ? $"{(int)age.TotalMinutes} minutes"
        : "a minute or less";

    static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
