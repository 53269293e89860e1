extern alias ordering;
using ordering::Bazaar.Ordering.Orders;
using ordering::Bazaar.Ordering.Pricing;
using ordering::Bazaar.Ordering.Checkout;
using System.Security.Cryptography;
using System.Text.Json;

namespace Bazaar.Ordering.Tests;

public sealed class TotalsTests
{
    static readonly PricingOptions Options = new()
    {
        Shipping =
        [
            new ShippingRate { Method = "standard", Name = "Standard", Currency = "EUR", Base = 495, PerKg = 100, FreeFrom = 5000 },
            new ShippingRate { Method = "express", Name = "Express", Currency = "EUR", Base = 1295, PerKg = 250, Countries = ["DE"] },
            new ShippingRate { Method = "standard", Name = "Standard", Currency = "JPY", Base = 800, PerKg = 200, FreeFrom = 10000 },
        ],
        TaxRates = new() { ["DE"] = 1900, ["JP"] = 1000, ["US-CA"] = 725 },
    };

    [Theory]
    [InlineData(0, 495)]          // no weight: the base price
    [InlineData(1, 595)]          // a started kilogram counts
    [InlineData(1000, 595)]
    [InlineData(1001, 695)]
    [InlineData(12_500, 495 + 1300)]
    [InlineData(2_147_483_000L, 495 + 100 * 2_147_483L)]     // past what 32 bits hold once the started kilogram is added
    [InlineData(9_900_000_000L, 495 + 100 * 9_900_000L)]     // the heaviest cart: 100 lines of 99 × 1 000 kg
    public void Shipping_is_base_plus_each_started_kilogram(long grams, long expected) =>
        OrderTotals.ShippingPrice(Options.Shipping[0], 1000, grams).ShouldBe(expected);

    [Fact]
    public void Standard_shipping_is_free_from_the_threshold_and_express_only_where_offered()
    {
        OrderTotals.Quotes(Options, "EUR", "DE", null, 4999, 500).Select(q => (q.Method, q.Price)).ShouldBe([("standard", 595L), ("express", 1545L)]);
        OrderTotals.Quotes(Options, "EUR", "DE", null, 5000, 500).Select(q => (q.Method, q.Price)).ShouldBe([("standard", 0L), ("express", 1545L)]);
        OrderTotals.Quotes(Options, "EUR", "FR", null, 100, 0).Select(q => q.Method).ShouldBe(["standard"]);
        OrderTotals.Quotes(Options, "USD", "DE", null, 100, 0).ShouldBeEmpty();
        // Each with the tax and the total the order will have: 49.99 + 5.95, 19 % on both = 10.6336 → 10.63.
        OrderTotals.Quotes(Options, "EUR", "DE", null, 4999, 500)[0].ShouldBe(new QuotedMethod("standard", "Standard", 595, 1063, 6657));
    }

    [Theory]
    [InlineData(1999, 1900, 380)]    // 379.81 cents → 380
    [InlineData(1050, 1900, 200)]    // 199.5 → 200: half away from zero
    [InlineData(1, 1900, 0)]         // 0.19 → 0
    [InlineData(3, 1900, 1)]         // 0.57 → 1
    [InlineData(0, 1900, 0)]
    [InlineData(99_999_999, 725, 7_250_000)] // 7,249,999.93 → 7,250,000
    public void Tax_is_exact_and_rounds_half_away_from_zero(long taxable, int basisPoints, long expected) =>
        OrderTotals.Tax(taxable, basisPoints).ShouldBe(expected);

    [Fact]
    public void Totals_in_a_two_decimal_currency()
    {
        var totals = OrderTotals.Compute(subtotal: 2 * 1999, shipping: 495, OrderTotals.TaxRate(Options, "DE", null), "EUR");
        totals.ShouldBe(new Totals(3998, 495, 854, 5347, 1900)); // 4493 × 19 % = 853.67 → 854
    }

    [Fact]
    public void Totals_in_a_zero_decimal_currency()
    {
        var totals = OrderTotals.Compute(subtotal: 3 * 1980, shipping: 800, OrderTotals.TaxRate(Options, "JP", null), "JPY");
        totals.ShouldBe(new Totals(5940, 800, 674, 7414, 1000)); // 6740 yen × 10 % = 674
    }

    [Fact]
    public void A_regional_rate_overrides_the_country_and_unknown_places_pay_none()
    {
        OrderTotals.TaxRate(Options, "US", "CA").ShouldBe(725);
        OrderTotals.TaxRate(Options, "US", "TX").ShouldBe(0);
        OrderTotals.TaxRate(Options, "ZZ", null).ShouldBe(0);
    }

    [Fact]
    public void An_unsupported_currency_is_refused() =>
        Should.Throw<ArgumentException>(() => OrderTotals.Compute(100, 0, 0, "XXX"));

    [Theory]
    [InlineData("pending", "reserved", true)]
    [InlineData("reserved", "on_hold", true)]
    [InlineData("on_hold", "approved", true)]
    [InlineData("authorized", "confirmed", true)]
    [InlineData("confirmed", "shipped", true)]
    [InlineData("shipped", "delivered", true)]
    [InlineData("delivered", "refunded", true)]
    [InlineData("pending", "confirmed", false)]
    [InlineData("rejected", "confirmed", false)]
    [InlineData("shipped", "cancelled", false)]
    [InlineData("delivered", "shipped", false)]
    [InlineData("refunded", "refunded", false)]
    public void The_state_machine_allows_only_its_moves(string from, string to, bool allowed) => OrderStatus.CanMove(from, to).ShouldBe(allowed);

    [Fact]
    public void A_checkout_body_without_the_newer_fields_hashes_as_before_they_existed()
    {
        var address = new Address("Sam", "Hauptstr. 1", null, "Berlin", "10115", null, "DE");
        // The body as keys were bound to before expectedTotal: a retry of it must still match its key.
        var before = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new
        {
            ShippingAddress = address, ShippingMethod = "standard", PaymentToken = "tok_1", BillingCountry = (string?)null,
        })));
        CheckoutApi.RequestHash(new PlaceOrderRequest(address, "standard", "tok_1", null)).ShouldBe(before);
        CheckoutApi.RequestHash(new PlaceOrderRequest(address, "standard", "tok_1", null, 5349)).ShouldNotBe(before);
        CheckoutApi.RequestHash(new PlaceOrderRequest(address, "standard", "tok_1", null, 5349))
            .ShouldNotBe(CheckoutApi.RequestHash(new PlaceOrderRequest(address, "standard", "tok_1", null, 6000)));
    }
}
