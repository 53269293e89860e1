using Bazaar.ServiceDefaults.Data;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.Ordering.Clients;
using Bazaar.Ordering.Orders;
using Bazaar.Ordering.Pricing;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Http;
using Bazaar.ServiceDefaults.Money;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Ordering.Checkout;

public sealed record QuoteDto(string Currency, long Subtotal, long WeightGrams, IReadOnlyList<QuotedMethod> Methods, int TaxBasisPoints);


public static class CheckoutApi
{
    public static void MapCheckoutApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/orders", PlaceOrder).WithTags("Orders").RequireAuthorization(Policies.Customer).RequiresIdempotencyKey()
            .Produces<OrderDto>(StatusCodes.Status201Created).Produces<OrderDto>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        routes.MapGet("/api/v1/shipping/quote", Quote).WithTags("Shipping").RequireAuthorization(Policies.Customer);
    }

    /// <summary>
    /// Checkout. The Idempotency-Key is recorded under a unique constraint together with the first thing the checkout
    /// decides: the new order (in the order's own transaction), or the refusal. A repeat with the same body gets the
    /// first answer (waiting for it if it is still being worked out); the same key with a different body is a 422.
    /// Concurrent twins may both read the cart, prices and card, but only one of them can record the key, so there is
    /// one order; the others answer what it answers. Nothing is recorded when a service did not answer before any order
    /// existed: nothing happened, so a retry with the key runs the checkout again.
    /// </summary>
    static async Task<IResult> PlaceOrder(PlaceOrderRequest request, HttpContext http, ClaimsPrincipal user, OrderingDb db, CartClient cart,
        CatalogClient catalog, PaymentsClient payments, OrderSaga saga, IOptions<PricingOptions> pricing, TimeProvider clock, CancellationToken ct)
    {
        string? key = http.Request.Headers[IdempotencyKey.Header];
        if (IdempotencyKey.Refuses(key, "an order is placed once per key", out var invalidKey))
            return invalidKey;
        if (Validate(request) is { } invalid)
            return invalid;
        var userId = user.UserId();
        var hash = RequestHash(request);
        var now = clock.GetUtcNow();

        var record = new IdempotencyRecord { UserId = userId, Key = key, RequestHash = hash, CreatedAt = now };
        var answer = await CreateAndRunAsync(request, http, user, userId, record, db, cart, catalog, payments, saga, pricing.Value, now, ct);
        if (answer is null)
            return await RepeatAsync(db, userId, key, hash, ct);
        var (status, body) = answer.Value;
        if (record.OrderId is not null)
        {
            // The key was recorded with the order: its answer now joins it.
            db.IdempotencyKeys.Attach(record);
            record.ResponseStatus = status;
            record.ResponseBody = body;
            await db.SaveChangesAsync(ct);
        }
        else if (status != StatusCodes.Status503ServiceUnavailable)
        {
            // A refusal is the answer for this key too.
            record.ResponseStatus = status;
            record.ResponseBody = body;
            db.IdempotencyKeys.Add(record);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                db.ChangeTracker.Clear();
                return await RepeatAsync(db, userId, key, hash, ct);
            }
        }
        return Results.Content(body, status < 300 ? "application/json" : "application/problem+json", Encoding.UTF8, status);
    }

    /// <returns>The answer, or null when the key was recorded by another request first (a repeat or a concurrent twin).</returns>
    static async Task<(int Status, string Body)?> CreateAndRunAsync(PlaceOrderRequest request, HttpContext http, ClaimsPrincipal user, Guid userId,
        IdempotencyRecord record, OrderingDb db, CartClient cart, CatalogClient catalog, PaymentsClient payments, OrderSaga saga, PricingOptions pricing, DateTimeOffset now, CancellationToken ct)
    {
        var orderId = Guid.CreateVersion7(now);
        var cartResult = await cart.GetAsync(userId, ct);
        if (!cartResult.Ok)
            return Refusal(http, StatusCodes.Status503ServiceUnavailable, "Checkout is unavailable", "The cart could not be read; try again in a moment.");
        var lines = cartResult.Body!.Lines;
        if (lines.Count == 0)
            return Refusal(http, StatusCodes.Status422UnprocessableEntity, "The cart is empty", "Add something to the cart before checking out.");

        var priced = await catalog.PriceAsync(lines.Select(l => l.Sku), ct);
        if (!priced.Ok)
            return Refusal(http, StatusCodes.Status503ServiceUnavailable, "Checkout is unavailable", "Prices could not be read; try again in a moment.");
        var prices = priced.Body!.Items.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var unavailable = lines.Where(l => !prices.TryGetValue(l.Sku, out var p) || !p.Purchasable).Select(l => l.Sku).ToList();
        if (unavailable.Count > 0)
            return Refusal(http, StatusCodes.Status422UnprocessableEntity, "Items no longer sold", "Remove these from the cart: " + string.Join(", ", unavailable));
        var currencies = prices.Values.Select(p => p.Currency).Distinct().ToList();
        if (currencies.Count != 1)
            return Refusal(http, StatusCodes.Status422UnprocessableEntity, "Mixed currencies", "All items of one order must be priced in one currency.");
        var currency = currencies[0];

        var (subtotal, weight) = Measure(lines, prices);
        var address = request.ShippingAddress with { Country = request.ShippingAddress.Country.ToUpperInvariant(), Region = request.ShippingAddress.Region?.ToUpperInvariant() };
        var method = OrderTotals.Quotes(pricing, currency, address.Country, address.Region, subtotal, weight).FirstOrDefault(q => q.Method == request.ShippingMethod);
        if (method is null)
            return FieldRefusal(http, "shippingMethod", $"'{request.ShippingMethod}' does not ship to {address.Country} in {currency}.");
        // The total the shopper was shown (the quote's) is the one charged, or nothing is: the cart, a price or a rate
        // changed since the page read it. Recorded for the key like any refusal; the next attempt sends the new total.
        if (request.ExpectedTotal is { } expected && expected != method.Total)
            return Refusal(http, StatusCodes.Status422UnprocessableEntity, "The total changed",
                $"The order now comes to {Currencies.Format(method.Total, currency)}, not {Currencies.Format(expected, currency)} as shown: the cart or a price changed meanwhile. Review the order and place it again.");

        var card = await payments.DescribeCardAsync(request.PaymentToken, ct);
        if (card.Unknown)
            return Refusal(http, StatusCodes.Status503ServiceUnavailable, "Checkout is unavailable", "The payment service did not answer; try again in a moment.");
        if (!card.Ok)
            return FieldRefusal(http, "paymentToken", "This card token is unknown or expired; enter the card again.");

        var accountCreated = long.TryParse(user.FindFirstValue("acct_created"), out var created) ? DateTimeOffset.FromUnixTimeSeconds(created) : (DateTimeOffset?)null;
        var order = new Order
        {
            Id = orderId, UserId = userId, Email = user.FindFirstValue(ClaimTypes.Email) ?? "", Status = OrderStatus.Pending, Currency = currency,
            Subtotal = subtotal, Shipping = method.Price, Tax = method.Tax, Total = method.Total, ShippingMethod = method.Method,
            ShippingAddress = JsonSerializer.Serialize(address, JsonSerializerOptions.Web), BillingCountry = (request.BillingCountry ?? address.Country).ToUpperInvariant(),
            PaymentToken = request.PaymentToken, ClientIp = http.Connection.RemoteIpAddress?.ToString(), AccountCreatedAt = accountCreated,
            CardBrand = card.Body!.Brand, CardLast4 = card.Body.Last4, CardFingerprint = OrderSaga.Known(card.Body.Fingerprint), CardBin = OrderSaga.Known(card.Body.Bin),
            CardCountry = OrderSaga.Known(card.Body.Country),
            CreatedAt = now, UpdatedAt = now,
        };
        order.Lines.AddRange(lines.Select(l => new OrderLine
        {
            OrderId = orderId, Sku = l.Sku, ProductId = prices[l.Sku].ProductId, Name = prices[l.Sku].ProductName,
            Options = JsonSerializer.Serialize(prices[l.Sku].Options), UnitPrice = prices[l.Sku].Price, Quantity = l.Quantity,
            LineTotal = prices[l.Sku].Price * l.Quantity, WeightGrams = prices[l.Sku].WeightGrams,
        }));
        order.Events.Add(new OrderEvent { Id = Guid.CreateVersion7(now), OrderId = orderId, Type = "placed", Detail = "", Actor = "customer", CreatedAt = now });
        db.Orders.Add(order);
        record.OrderId = orderId; // the key is recorded with the order: a retry after a crash finds it
        db.IdempotencyKeys.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            record.OrderId = null;
            db.ChangeTracker.Clear();
            return null;
        }
        db.ChangeTracker.Clear();

        var status = await saga.AdvanceAsync(new SagaOrder
        {
            Id = orderId, Number = order.Number, UserId = userId, Email = order.Email, Status = order.Status, Currency = currency, Total = order.Total,
            PaymentToken = order.PaymentToken, BillingCountry = order.BillingCountry, ShippingCountry = address.Country, ClientIp = order.ClientIp,
            AccountCreatedAt = order.AccountCreatedAt?.UtcDateTime, CardFingerprint = order.CardFingerprint, CardBin = order.CardBin, CardCountry = order.CardCountry,
            Lines = [.. order.Lines.Select(l => new ReservationLine(l.Sku, l.Quantity)).OrderBy(l => l.Sku, StringComparer.Ordinal)],
            ShopperWaiting = true,
        }, ct);
        var dto = (await OrderReader.FindAsync(db, orderId, null, ct))!;
        return (OrderStatus.InFlight.Contains(status) ? StatusCodes.Status202Accepted : StatusCodes.Status201Created, JsonSerializer.Serialize(dto, JsonSerializerOptions.Web));
    }

    /// <summary>
    /// What a checkout's key is bound to: the body as serialized. Fields added to the request since keys were first
    /// recorded are left out while not sent (<c>JsonIgnore</c> when null), so a retry from a storefront loaded before
    /// they existed still matches its key instead of being refused as another checkout (and then placed again).
    /// </summary>
    public static string RequestHash(PlaceOrderRequest request) => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));

    static async Task<IResult> RepeatAsync(OrderingDb db, Guid userId, string key, string hash, CancellationToken ct)
    {
        // The first request may still be running: wait for its answer for a little while.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var record = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(r => r.UserId == userId && r.Key == key, ct);
            if (record is null) // not expected (keys are recorded before anyone waits for them): let the shopper retry
                return Problem.Unavailable(title: "Checkout is unavailable", detail: "Checkout could not reach a service; try again in a moment.");
            if (record.RequestHash != hash)
                return IdempotencyKey.Reused("a different checkout");
            if (record.ResponseStatus is { } status)
                return Results.Content(record.ResponseBody!, status < 300 ? "application/json" : "application/problem+json", Encoding.UTF8, status);
            if (attempt >= 20 && record.OrderId is { } orderId && await OrderReader.FindAsync(db, orderId, userId, ct) is { } order)
                return Results.Json(order, JsonSerializerOptions.Web, statusCode: StatusCodes.Status202Accepted); // it crashed mid-way; the sweeper finishes it
            await Task.Delay(100, ct);
        }
        return Problem.Conflict("This checkout is still being processed; try again in a moment.");
    }

    static async Task<Results<Ok<QuoteDto>, ValidationProblem, ProblemHttpResult>> Quote(ClaimsPrincipal user, CartClient cart, CatalogClient catalog,
        IOptions<PricingOptions> pricing, CancellationToken ct, string? country = null, string? region = null)
    {
        if (country is not { Length: 2 } || !country.All(char.IsAsciiLetter))
            return Problem.Field("country", "Give the two-letter country code, like DE.");
        var userId = user.UserId();
        var lines = await cart.GetAsync(userId, ct);
        if (!lines.Ok)
            return Problem.Unavailable(title: "Unavailable", detail: "The cart could not be read; try again.");
        if (lines.Body!.Lines.Count == 0)
            return Problem.Status(StatusCodes.Status422UnprocessableEntity, "The cart is empty", "Add something to the cart to see what shipping costs.");
        var priced = await catalog.PriceAsync(lines.Body!.Lines.Select(l => l.Sku), ct);
        if (!priced.Ok)
            return Problem.Unavailable(title: "Unavailable", detail: "Prices could not be read; try again.");
        var prices = priced.Body!.Items.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var currency = prices.Values.Select(p => p.Currency).FirstOrDefault() ?? "EUR";
        // Lines catalog no longer knows are left out here; checkout refuses them, and the cart page says so.
        var (subtotal, weight) = Measure(lines.Body.Lines.Where(l => prices.ContainsKey(l.Sku)), prices);
        var (upper, upperRegion) = (country.ToUpperInvariant(), region?.ToUpperInvariant());
        return TypedResults.Ok(new QuoteDto(currency, subtotal, weight, OrderTotals.Quotes(pricing.Value, currency, upper, upperRegion, subtotal, weight),
            OrderTotals.TaxRate(pricing.Value, upper, upperRegion)));
    }

    /// <summary>The lines' subtotal and weight at catalog's prices: one computation for the quote and the order.</summary>
    static (long Subtotal, long WeightGrams) Measure(IEnumerable<CartLine> lines, Dictionary<string, PricedSku> prices) =>
        lines.Aggregate((Subtotal: 0L, WeightGrams: 0L), (sum, l) =>
            (checked(sum.Subtotal + prices[l.Sku].Price * l.Quantity), checked(sum.WeightGrams + (long)prices[l.Sku].WeightGrams * l.Quantity)));

    static ValidationProblem? Validate(PlaceOrderRequest request)
    {
        var address = request.ShippingAddress;
        if (address is null)
            return Problem.Field("shippingAddress", "Give the shipping address.");
        if (address.Country is not { Length: 2 } || !address.Country.All(char.IsAsciiLetter))
            return Problem.Field("shippingAddress.country", "Use the two-letter country code, like DE.");
        if (request.BillingCountry is { } billing && (billing.Length != 2 || !billing.All(char.IsAsciiLetter)))
            return Problem.Field("billingCountry", "Use the two-letter country code, like DE.");
        foreach (var (field, value) in new[] { ("name", address.Name), ("line1", address.Line1), ("city", address.City), ("postalCode", address.PostalCode) })
            if (string.IsNullOrWhiteSpace(value))
                return Problem.Field("shippingAddress." + field, "This part of the address is required.");
        return null;
    }

    static (int, string) Refusal(HttpContext http, int status, string title, string detail) =>
        (status, Problem.Body(http, Problem.Status(status, title, detail).ProblemDetails));

    static (int, string) FieldRefusal(HttpContext http, string field, string message) =>
        (StatusCodes.Status400BadRequest, Problem.Body(http, Problem.Field(field, message).ProblemDetails));
}
