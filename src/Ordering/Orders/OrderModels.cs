using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Bazaar.Ordering.Orders;

public sealed record Address(
    [Required, MinLength(1), MaxLength(120)] string Name,
    [Required, MinLength(1), MaxLength(200)] string Line1,
    [MaxLength(200)] string? Line2,
    [Required, MinLength(1), MaxLength(100)] string City,
    [Required, MinLength(1), MaxLength(20)] string PostalCode,
    [MaxLength(10)] string? Region,
    [Required, StringLength(2, MinimumLength = 2)] string Country);

/// <summary>The lines come from the customer's cart and the prices from the catalog: a client sends neither.</summary>
/// <param name="ExpectedTotal">
/// The total the shopper was shown (the shipping quote's, in minor units): when given, an order that would come to
/// anything else is refused (422) and nothing is charged. Prices are always the server's; this only guards them.
/// </param>
public sealed record PlaceOrderRequest(
    [Required] Address ShippingAddress,
    [Required, MaxLength(40)] string ShippingMethod,
    [Required, MinLength(4), MaxLength(200)] string PaymentToken,
    [StringLength(2, MinimumLength = 2)] string? BillingCountry,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] // see CheckoutApi.RequestHash
    [Range(0, long.MaxValue)] long? ExpectedTotal = null);

public sealed record OrderLineDto(string Sku, Guid ProductId, string Name, IReadOnlyDictionary<string, string> Options, long UnitPrice, int Quantity, long LineTotal);

public sealed record OrderEventDto(string Type, string Detail, string Actor, DateTimeOffset At);

public sealed record OrderDto(
    Guid Id, long Number, string Status, string Currency, long Subtotal, long Shipping, long Tax, long Total, long Refunded,
    string ShippingMethod, Address ShippingAddress, string? CardBrand, string? CardLast4, string? FailureReason,
    string? Carrier, string? TrackingNumber, IReadOnlyList<OrderLineDto> Lines, IReadOnlyList<OrderEventDto> Timeline,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CancellationRequestedAt, DateTimeOffset? DeliveredAt);

public sealed record OrderSummary(Guid Id, long Number, string Status, string Currency, long Total, int ItemCount, DateTimeOffset CreatedAt);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, string? NextCursor);

public sealed record CurrencyAmount(string Currency, long Amount);

public sealed record StatusCount(string Status, int Count);

/// <summary>Sales since a moment (count and revenue per currency, net of refunds) and today's status counts.</summary>
public sealed record OrderSummaryDto(DateTimeOffset Since, int Orders, IReadOnlyList<CurrencyAmount> Revenue, IReadOnlyList<StatusCount> ByStatus);

public sealed record ShipRequest([Required, MinLength(1), MaxLength(60)] string Carrier, [Required, MinLength(3), MaxLength(80)] string TrackingNumber);

/// <param name="Amount">Minor units; left out, everything still captured.</param>
/// <param name="ExpectedRefunded">Required: what the caller saw refunded (the order's <c>refunded</c>). When the order's refunds changed
/// since, the refund is refused rather than made on stale information: two admins, a double click or a retry after the
/// first refund was recorded refund once.</param>
public sealed record RefundRequest(long? Amount, long? ExpectedRefunded);

public sealed record NoteRequest([Required, MinLength(1), MaxLength(2000)] string Text);
