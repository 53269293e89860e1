using System.Text.Json.Nodes;

namespace Bazaar.Risk.Rules;

public static class RuleKinds
{
    public const string AmountLimit = "amount_limit";
    public const string Velocity = "velocity";
    public const string CountryBlocklist = "country_blocklist";
    public const string BinBlocklist = "bin_blocklist";
    public const string CountryMismatch = "country_mismatch";
    public const string NewAccount = "new_account";
    public static readonly IReadOnlyList<string> All = [AmountLimit, Velocity, CountryBlocklist, BinBlocklist, CountryMismatch, NewAccount];
}

public static class RuleActions
{
    public const string Review = "review";
    public const string Decline = "decline";

    /// <summary>On reasons that record a fact without moving the decision (velocity_unavailable); never a rule's action.</summary>
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [Review, Decline];
}

public static class Decisions
{
    public const string Approve = "approve";
    public const string Review = "review";
    public const string Decline = "decline";
    public static readonly IReadOnlyList<string> All = [Approve, Review, Decline];
}

/// <summary>Whose orders a velocity rule counts.</summary>
public enum VelocitySubject { Customer, Card, Ip }

/// <summary>Which of the order's countries a blocklist looks at.</summary>
public enum CountryField { Any, Card, Shipping, Billing }

/// <summary>The JSON spellings of <see cref="VelocitySubject"/> and <see cref="CountryField"/>.</summary>
public static class RuleNames
{
    public static string Of(VelocitySubject subject) => subject switch
    {
        VelocitySubject.Customer => "customer",
        VelocitySubject.Card => "card",
        _ => "ip",
    };

    public static string Of(CountryField field) => field switch
    {
        CountryField.Card => "card",
        CountryField.Shipping => "shipping",
        CountryField.Billing => "billing",
        _ => "any",
    };
}

/// <summary>
/// One risk rule, typed by kind. Amounts are integer minor units. Thresholds are exclusive: a rule triggers for an
/// order strictly over its maximum (or over its minimum, for the rules that only look at larger orders).
/// A rule that names a currency compares amounts only for orders in that currency: there are no exchange rates here.
/// </summary>
public abstract record RiskRule
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public string Action { get; init; } = RuleActions.Review;
    public int Score { get; init; }
    public bool Enabled { get; init; } = true;

    public abstract string Kind { get; }

    /// <summary>The parameters as stored and shown: camelCase JSON, canonical whatever spelling they arrived in.</summary>
    public abstract JsonObject Parameters();

    /// <summary>Whether the rule's amounts can be compared with an order in <paramref name="currency"/>.</summary>
    protected static bool SameCurrency(string? ruleCurrency, string currency) => ruleCurrency is null || ruleCurrency == currency;

    protected static JsonArray JsonList(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}

/// <summary>Orders over <see cref="MaxAmount"/> in <see cref="Currency"/>.</summary>
public sealed record AmountLimitRule : RiskRule
{
    public required long MaxAmount { get; init; }
    public required string Currency { get; init; }
    public override string Kind => RuleKinds.AmountLimit;

    public override JsonObject Parameters() => new() { ["maxAmount"] = MaxAmount, ["currency"] = Currency };
}

/// <summary>
/// More than <see cref="MaxCount"/> orders, or more than <see cref="MaxAmount"/> in total, by one customer, card or IP
/// address within the last <see cref="WindowSeconds"/> (the order being assessed included).
/// </summary>
public sealed record VelocityRule : RiskRule
{
    public required VelocitySubject Subject { get; init; }
    public required int WindowSeconds { get; init; }
    public int? MaxCount { get; init; }
    public long? MaxAmount { get; init; }

    /// <summary>
    /// The currency of <see cref="MaxAmount"/>, required on every write since amounts needed one
    /// (<see cref="RuleSource.Request"/>); a rule stored before that reads it in the order's own currency.
    /// </summary>
    public string? Currency { get; init; }

    public override string Kind => RuleKinds.Velocity;

    public bool AmountAppliesTo(string currency) => MaxAmount is not null && SameCurrency(Currency, currency);

    public override JsonObject Parameters()
    {
        var parameters = new JsonObject { ["subject"] = RuleNames.Of(Subject), ["window"] = WindowSeconds };
        if (MaxCount is { } count)
            parameters["maxCount"] = count;
        if (MaxAmount is { } amount)
            parameters["maxAmount"] = amount;
        if (Currency is not null)
            parameters["currency"] = Currency;
        return parameters;
    }
}

/// <summary>An order whose card, billing or shipping country (as <see cref="Field"/> says) is on the list.</summary>
public sealed record CountryBlocklistRule : RiskRule
{
    public required IReadOnlyList<string> Countries { get; init; }
    public CountryField Field { get; init; } = CountryField.Any;
    public override string Kind => RuleKinds.CountryBlocklist;

    public override JsonObject Parameters() => new() { ["countries"] = JsonList(Countries), ["field"] = RuleNames.Of(Field) };
}

/// <summary>A card whose BIN starts with one on the list (a 6-digit entry also blocks the 8-digit BINs under it).</summary>
public sealed record BinBlocklistRule : RiskRule
{
    public required IReadOnlyList<string> Bins { get; init; }
    public override string Kind => RuleKinds.BinBlocklist;

    public override JsonObject Parameters() => new() { ["bins"] = JsonList(Bins) };
}

/// <summary>Orders over <see cref="MinAmount"/> whose billing or card country differs from the shipping country.</summary>
public sealed record CountryMismatchRule : RiskRule
{
    public required long MinAmount { get; init; }
    public string? Currency { get; init; }
    public override string Kind => RuleKinds.CountryMismatch;

    public bool AppliesTo(string currency) => SameCurrency(Currency, currency);

    public override JsonObject Parameters()
    {
        var parameters = new JsonObject { ["minAmount"] = MinAmount };
        if (Currency is not null)
            parameters["currency"] = Currency;
        return parameters;
    }
}

/// <summary>Orders over <see cref="MinAmount"/> from an account younger than <see cref="MaxAgeHours"/>.</summary>
public sealed record NewAccountRule : RiskRule
{
    public required int MaxAgeHours { get; init; }
    public required long MinAmount { get; init; }
    public string? Currency { get; init; }
    public override string Kind => RuleKinds.NewAccount;

    public bool AppliesTo(string currency) => SameCurrency(Currency, currency);

    public override JsonObject Parameters()
    {
        var parameters = new JsonObject { ["maxAgeHours"] = MaxAgeHours, ["minAmount"] = MinAmount };
        if (Currency is not null)
            parameters["currency"] = Currency;
        return parameters;
    }
}
