using Bazaar.ServiceDefaults.Money;

namespace Bazaar.Ordering.Pricing;

/// <summary>Configuration section <c>Ordering:Shipping</c> and <c>Ordering:Tax</c>: rates in minor units and basis points.</summary>
public sealed class PricingOptions
{
    public List<ShippingRate> Shipping { get; set; } = [];

    /// <summary>Tax in basis points (1900 = 19 %) by country ("DE") or country and region ("US-CA"); the region wins.</summary>
    public Dictionary<string, int> TaxRates { get; set; } = [];
}

public sealed class ShippingRate
{
    public string Method { get; set; } = "";
    public string Name { get; set; } = "";
    public string Currency { get; set; } = "";
    public long Base { get; set; }

    /// <summary>Added per started kilogram.</summary>
    public long PerKg { get; set; }

    /// <summary>Subtotal from which this method is free; none when null.</summary>
    public long? FreeFrom { get; set; }

    /// <summary>Countries served; all when empty.</summary>
    public List<string> Countries { get; set; } = [];
}

/// <summary>
/// A shipping method and what the order comes to with it, tax included: the quote shows it, checkout charges it, and
/// the order carries the total back as its expectedTotal.
/// </summary>
public sealed record QuotedMethod(string Method, string Name, long Price, long Tax, long Total);

public sealed record Totals(long Subtotal, long Shipping, long Tax, long Total, int TaxBasisPoints);

/// <summary>Exact integer arithmetic in minor units; the only rounding is the tax, half away from zero.</summary>
public static class OrderTotals
{
    /// <summary>The methods that ship to the address in this currency, each with its price, the tax and the total: one computation for the quote and the order.</summary>
    public static IReadOnlyList<QuotedMethod> Quotes(PricingOptions options, string currency, string country, string? region, long subtotal, long weightGrams)
    {
        var rate = TaxRate(options, country, region);
        return [.. options.Shipping
            .Where(r => r.Currency == currency && (r.Countries.Count == 0 || r.Countries.Contains(country)))
            .Select(r =>
            {
                var totals = Compute(subtotal, ShippingPrice(r, subtotal, weightGrams), rate, currency);
                return new QuotedMethod(r.Method, r.Name, totals.Shipping, totals.Tax, totals.Total);
            })];
    }

    /// <summary>The rate's base price plus its price per started kilogram; nothing from its free-shipping threshold on.</summary>
    public static long ShippingPrice(ShippingRate rate, long subtotal, long weightGrams) =>
        rate.FreeFrom is { } free && subtotal >= free ? 0 : checked(rate.Base + rate.PerKg * ((Math.Max(0, weightGrams) + 999) / 1000));

    public static int TaxRate(PricingOptions options, string country, string? region) =>
        region is not null && options.TaxRates.TryGetValue($"{country}-{region}", out var regional) ? regional
        : options.TaxRates.GetValueOrDefault(country);

    /// <summary>Tax on goods and shipping: amount × rate / 10 000, rounded half away from zero.</summary>
    public static long Tax(long taxable, int basisPoints) => checked((taxable * basisPoints + 5_000) / 10_000);

    public static Totals Compute(long subtotal, long shipping, int taxBasisPoints, string currency)
    {
        _ = Currencies.MinorUnitsOf(currency); // amounts are already minor units of a supported currency
        var tax = Tax(subtotal + shipping, taxBasisPoints);
        return new Totals(subtotal, shipping, tax, checked(subtotal + shipping + tax), taxBasisPoints);
    }
}
