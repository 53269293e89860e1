using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.ServiceDefaults.Money;

namespace Bazaar.Risk.Rules;

/// <summary>What is wrong with a rule, and where (a request field such as <c>parameters.window</c>).</summary>
public readonly record struct RuleProblem(string Field, string Message);

/// <summary>Where a rule comes from: an admin's write now, or a row stored earlier.</summary>
public enum RuleSource
{
    /// <summary>
    /// A create or update: an amount over zero must name its currency, since minor units mean different sums in
    /// different currencies (50000 is 500.00 EUR but 50,000 JPY).
    /// </summary>
    Request,

    /// <summary>
    /// A stored row: rules written before a currency was required keep loading, and read their amounts in the order's
    /// own currency, as they always did.
    /// </summary>
    Stored,
}

/// <summary>
/// Turns a rule as written (kind plus JSON parameters) into a typed <see cref="RiskRule"/>, or names the field that is
/// wrong. Used on every admin write and again when rules are loaded, so a bad row can never reach the evaluator.
/// </summary>
public static class RuleParser
{
    public const int MaxNameLength = 100;

    /// <summary>The longest velocity window; the counters keep this much history.</summary>
    public const int MaxWindowSeconds = 86_400;

    /// <summary>Ten billion in major units: far above any real order, far below overflow when amounts are summed.</summary>
    public const long MaxMoney = 1_000_000_000_000;

    const int MaxCountries = 300, MaxBins = 10_000, MaxCount = 1_000_000, MaxAgeHours = 24 * 366;

    static readonly Dictionary<string, string[]> Known = new(StringComparer.Ordinal)
    {
        [RuleKinds.AmountLimit] = ["maxAmount", "currency"],
        [RuleKinds.Velocity] = ["subject", "window", "maxCount", "maxAmount", "currency"],
        [RuleKinds.CountryBlocklist] = ["countries", "field"],
        [RuleKinds.BinBlocklist] = ["bins"],
        [RuleKinds.CountryMismatch] = ["minAmount", "currency"],
        [RuleKinds.NewAccount] = ["maxAgeHours", "minAmount", "currency"],
    };

    public static (RiskRule? Rule, RuleProblem? Problem) Parse(
        Guid id, string? name, string? kind, JsonElement parameters, string? action, int? score, bool enabled, RuleSource source)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
            return Fail("name", $"Give the rule a name of 1–{MaxNameLength} characters.");
        if (kind is null || !Known.TryGetValue(kind, out var known))
            return Fail("kind", $"kind must be one of: {string.Join(", ", RuleKinds.All)}.");
        if (action is null || !RuleActions.All.Contains(action))
            return Fail("action", $"action must be one of: {string.Join(", ", RuleActions.All)}.");
        if (score is not (>= 0 and <= 100))
            return Fail("score", "score must be a whole number from 0 to 100.");
        try
        {
            var p = new ParameterReader(parameters, known, source);
            var trimmed = name.Trim();
            RiskRule rule = kind switch
            {
                RuleKinds.AmountLimit => new AmountLimitRule
                {
                    Name = trimmed,
                    MaxAmount = p.Number("maxAmount", 1, MaxMoney, required: true)!.Value,
                    Currency = p.Currency(required: true)!,
                },
                RuleKinds.Velocity => Velocity(p, trimmed),
                RuleKinds.CountryBlocklist => new CountryBlocklistRule
                {
                    Name = trimmed,
                    Countries = p.List("countries", Formats.Country(), MaxCountries, "two-letter upper-case country codes, like \"KP\""),
                    Field = p.Choice("field", ["any", "card", "shipping", "billing"], required: false) switch
                    {
                        "card" => CountryField.Card,
                        "shipping" => CountryField.Shipping,
                        "billing" => CountryField.Billing,
                        _ => CountryField.Any,
                    },
                },
                RuleKinds.BinBlocklist => new BinBlocklistRule
                {
                    Name = trimmed,
                    Bins = p.List("bins", Formats.Bin(), MaxBins, "card BINs of 6 to 8 digits, like \"400000\""),
                },
                RuleKinds.CountryMismatch => new CountryMismatchRule
                {
                    Name = trimmed,
                    MinAmount = p.Number("minAmount", 0, MaxMoney, required: true)!.Value,
                    Currency = p.CurrencyOf("minAmount"),
                },
                _ => new NewAccountRule
                {
                    Name = trimmed,
                    MaxAgeHours = (int)p.Number("maxAgeHours", 1, MaxAgeHours, required: true)!.Value,
                    MinAmount = p.Number("minAmount", 0, MaxMoney, required: true)!.Value,
                    Currency = p.CurrencyOf("minAmount"),
                },
            };
            return (rule with { Id = id, Action = action, Score = score.GetValueOrDefault(), Enabled = enabled }, null);
        }
        catch (InvalidParameterException e)
        {
            return Fail(e.Field, e.Message);
        }
    }

    static VelocityRule Velocity(ParameterReader p, string name)
    {
        var subject = p.Choice("subject", ["customer", "card", "ip"], required: true) switch
        {
            "customer" => VelocitySubject.Customer,
            "card" => VelocitySubject.Card,
            _ => VelocitySubject.Ip,
        };
        var window = (int)p.Number("window", 1, MaxWindowSeconds, required: true)!.Value;
        var maxCount = p.Number("maxCount", 1, MaxCount, required: false);
        var maxAmount = p.Number("maxAmount", 1, MaxMoney, required: false);
        if (maxCount is null && maxAmount is null)
            throw new InvalidParameterException("parameters.maxCount", "Give maxCount, maxAmount or both.");
        return new VelocityRule
        {
            Name = name, Subject = subject, WindowSeconds = window, MaxCount = (int?)maxCount, MaxAmount = maxAmount, Currency = p.CurrencyOf("maxAmount"),
        };
    }

    static (RiskRule?, RuleProblem?) Fail(string field, string message) => (null, new RuleProblem(field, message));

    sealed class InvalidParameterException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>Reads one kind's parameters; the first problem ends the parse, naming its field.</summary>
    sealed class ParameterReader
    {
        readonly JsonElement _parameters;
        readonly RuleSource _source;

        public ParameterReader(JsonElement parameters, string[] known, RuleSource source)
        {
            _source = source;
            if (parameters.ValueKind != JsonValueKind.Object)
                throw new InvalidParameterException("parameters", $"parameters must be a JSON object with: {string.Join(", ", known)}.");
            foreach (var property in parameters.EnumerateObject())
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                    throw new InvalidParameterException("parameters." + property.Name, $"Unknown parameter; this kind takes: {string.Join(", ", known)}.");
            _parameters = parameters;
        }

        static string Field(string name) => "parameters." + name;

        JsonElement? Find(string name) =>
            _parameters.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        public long? Number(string name, long min, long max, bool required)
        {
            if (Find(name) is not { } value)
            {
                if (required)
                    throw new InvalidParameterException(Field(name), $"{name} is required.");
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
                throw new InvalidParameterException(Field(name), $"{name} must be a whole number from {min} to {max}.");
            return number;
        }

        public string? Choice(string name, string[] allowed, bool required)
        {
            if (Find(name) is not { } value)
            {
                if (required)
                    throw new InvalidParameterException(Field(name), $"{name} is required: one of {string.Join(", ", allowed)}.");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } choice || !allowed.Contains(choice, StringComparer.Ordinal))
                throw new InvalidParameterException(Field(name), $"{name} must be one of: {string.Join(", ", allowed)}.");
            return choice;
        }

        /// <summary>
        /// The currency of the amount parameter <paramref name="amount"/> (already read): required on a
        /// <see cref="RuleSource.Request"/> when that amount is over zero, optional otherwise.
        /// </summary>
        public string? CurrencyOf(string amount)
        {
            var needed = _source == RuleSource.Request && Find(amount) is { ValueKind: JsonValueKind.Number } value && value.GetInt64() > 0;
            if (needed && Find("currency") is null)
                throw new InvalidParameterException(Field("currency"),
                    $"currency is required with {amount}: the ISO 4217 code it is in (minor units mean different sums in different currencies).");
            return Currency(required: false);
        }

        public string? Currency(bool required)
        {
            if (Find("currency") is not { } value)
            {
                if (required)
                    throw new InvalidParameterException(Field("currency"), "currency is required: the ISO 4217 code the amounts are in.");
                return null;
            }
            var code = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (!Currencies.IsSupported(code))
                throw new InvalidParameterException(Field("currency"), $"Use an ISO 4217 code Bazaar supports: {string.Join(", ", Currencies.Supported)}.");
            return code;
        }

        public IReadOnlyList<string> List(string name, Regex shape, int max, string describe)
        {
            if (Find(name) is not { ValueKind: JsonValueKind.Array } value || value.GetArrayLength() is 0)
                throw new InvalidParameterException(Field(name), $"{name} is required: a list of {describe}.");
            if (value.GetArrayLength() > max)
                throw new InvalidParameterException(Field(name), $"At most {max} entries.");
            var items = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { } text || !shape.IsMatch(text))
                    throw new InvalidParameterException(Field(name), $"{name} must be a list of {describe}.");
                if (!items.Contains(text, StringComparer.Ordinal))
                    items.Add(text);
            }
            return items;
        }
    }
}

/// <summary>The shapes of the identifiers an order carries.</summary>
public static partial class Formats
{
    /// <summary>An ISO 3166-1 alpha-2 country code.</summary>
    [GeneratedRegex("^[A-Z]{2}$")]
    public static partial Regex Country();

    /// <summary>A card's bank identification number: its first 6 to 8 digits.</summary>
    [GeneratedRegex("^[0-9]{6,8}$")]
    public static partial Regex Bin();

    /// <summary>A card fingerprint (a hash the payment provider computes; never the card number).</summary>
    [GeneratedRegex("^[A-Za-z0-9_:+/=.-]{1,128}$")]
    public static partial Regex Fingerprint();
}
