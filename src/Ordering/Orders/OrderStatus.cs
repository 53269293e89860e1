namespace Bazaar.Ordering.Orders;

/// <summary>
/// An order's states. The first five are the checkout saga's steps (pending → reserved → approved → authorized →
/// confirmed, with on_hold for a risk review); the rest are where an order ends up or what happens after shipping.
/// </summary>
public static class OrderStatus
{
    public const string Pending = "pending";
    public const string Reserved = "reserved";
    public const string Approved = "approved";
    public const string OnHold = "on_hold";
    public const string Authorized = "authorized";
    public const string Confirmed = "confirmed";
    public const string Rejected = "rejected";
    public const string PaymentFailed = "payment_failed";
    public const string Cancelled = "cancelled";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Refunded = "refunded";
    public const string PartiallyRefunded = "partially_refunded";

    public static readonly IReadOnlyList<string> All =
        [Pending, Reserved, Approved, OnHold, Authorized, Confirmed, Rejected, PaymentFailed, Cancelled, Shipped, Delivered, Refunded, PartiallyRefunded];

    /// <summary>Saga steps a crashed or timed-out checkout can be left in; the sweeper finishes or compensates them.</summary>
    public static readonly IReadOnlyList<string> InFlight = [Pending, Reserved, Approved, Authorized];

    /// <summary>Shipped orders with something left to refund.</summary>
    public static readonly IReadOnlyList<string> Refundable = [Shipped, Delivered, PartiallyRefunded];

    /// <summary>Orders that became sales: paid and confirmed, whatever happened after (refunds are netted out).</summary>
    public static readonly IReadOnlyList<string> Sales = [Confirmed, Shipped, Delivered, PartiallyRefunded, Refunded];

    static readonly Dictionary<string, string[]> Moves = new()
    {
        [Pending] = [Reserved, Rejected],
        [Reserved] = [Approved, OnHold, Rejected],
        [OnHold] = [Approved, Rejected, Cancelled],
        [Approved] = [Authorized, PaymentFailed, Rejected],
        [Authorized] = [Confirmed, Rejected],
        [Confirmed] = [Shipped, Cancelled],
        [Shipped] = [Delivered, Refunded, PartiallyRefunded],
        [Delivered] = [Refunded, PartiallyRefunded],
        [PartiallyRefunded] = [Refunded, PartiallyRefunded],
    };

    public static bool CanMove(string from, string to) => Moves.TryGetValue(from, out var targets) && targets.Contains(to);
}

/// <summary>An attempt to move an order somewhere its state machine does not allow.</summary>
public sealed class IllegalTransitionException(string from, string to)
    : InvalidOperationException($"An order that is {from.Replace('_', ' ')} cannot become {to.Replace('_', ' ')}.");
