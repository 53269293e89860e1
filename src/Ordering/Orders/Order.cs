namespace Bazaar.Ordering.Orders;

public sealed class Order
{
    public Guid Id { get; init; }
    public long Number { get; init; }
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string Status { get; set; } = OrderStatus.Pending;
    public string Currency { get; init; } = "";
    public long Subtotal { get; init; }
    public long Shipping { get; init; }
    public long Tax { get; init; }
    public long Total { get; init; }
    public long Refunded { get; set; }
    public string ShippingMethod { get; init; } = "";
    public string ShippingAddress { get; init; } = "{}";
    public string BillingCountry { get; init; } = "";
    public string PaymentToken { get; init; } = "";
    public Guid? PaymentId { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public string? CardFingerprint { get; set; }
    public string? CardBin { get; set; }
    public string? CardCountry { get; set; }
    public string? RiskDecision { get; set; }
    public Guid? RiskAssessmentId { get; set; }
    public string? FailureReason { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }

    /// <summary>When the parcel arrived (an admin marked it delivered), whatever was refunded before or after.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? ClientIp { get; init; }
    public DateTimeOffset? AccountCreatedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; } = 1;

    /// <summary>When a cancellation was asked for that is not finished yet (the sweeper finishes it).</summary>
    public DateTimeOffset? CancelRequestedAt { get; set; }
    public List<OrderLine> Lines { get; init; } = [];
    public List<OrderEvent> Events { get; init; } = [];
}

public sealed class OrderLine
{
    public Guid OrderId { get; init; }
    public string Sku { get; init; } = "";
    public Guid ProductId { get; init; }
    public string Name { get; init; } = "";
    public string Options { get; init; } = "{}";
    public long UnitPrice { get; init; }
    public int Quantity { get; init; }
    public long LineTotal { get; init; }
    public int WeightGrams { get; init; }
}

public sealed class OrderEvent
{
    public Guid Id { get; init; }
    public long Seq { get; init; }
    public Guid OrderId { get; init; }
    public string Type { get; init; } = "";
    public string Detail { get; init; } = "";
    public string Actor { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class IdempotencyRecord
{
    public Guid UserId { get; init; }
    public string Key { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public Guid? OrderId { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseBody { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
