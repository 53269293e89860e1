using System.Collections.Frozen;

namespace Bazaar.ServiceDefaults.Money;

/// <summary>
/// The ISO 4217 currencies Bazaar sells in, with their minor units (cents for EUR, none for JPY). Money is always an
/// integer amount of minor units plus one of these codes; never a floating-point number.
/// </summary>
public static class Currencies
{
    static readonly FrozenDictionary<string, int> MinorUnits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["EUR"] = 2, ["USD"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["SEK"] = 2, ["NOK"] = 2, ["DKK"] = 2, ["PLN"] = 2,
        ["CZK"] = 2, ["HUF"] = 2, ["CAD"] = 2, ["AUD"] = 2, ["NZD"] = 2, ["JPY"] = 0, ["KRW"] = 0, ["ISK"] = 0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Supported => MinorUnits.Keys;

    public static bool IsSupported(string? code) => code is not null && MinorUnits.ContainsKey(code);

    /// <summary>"1,234.50 EUR", "1,200 JPY": for e-mails, timelines and reasons (culture-invariant, like the logs).</summary>
    public static string Format(long minorUnits, string code)
    {
        var digits = IsSupported(code) ? MinorUnitsOf(code) : 2;
        var value = minorUnits / (decimal)Math.Pow(10, digits);
        return value.ToString("N" + digits.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) + " " + code;
    }

    /// <exception cref="ArgumentException">The currency is not supported.</exception>
    public static int MinorUnitsOf(string code) =>
        MinorUnits.TryGetValue(code, out var units) ? units : throw new ArgumentException($"Unsupported currency '{code}'.", nameof(code));
}
