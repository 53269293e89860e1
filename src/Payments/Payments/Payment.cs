using Bazaar.Payments.Providers;

namespace Bazaar.Payments.Payments;

/// <summary>A payment intent: one per order, holding what was authorized, captured and refunded on one card.</summary>
public sealed class Payment
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public string Status { get; set; } = PaymentStatus.Unknown;
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public long CapturedAmount { get; set; }
    public long RefundedAmount { get; set; }
    public string CardToken { get; init; } = "";
    public string CardBrand { get; init; } = "";
    public string CardLast4 { get; init; } = "";
    public string CardFingerprint { get; init; } = "";
    public string CardBin { get; init; } = "";
    public string CardCountry { get; init; } = "";
    public string Provider { get; init; } = "";
    public string? ProviderReference { get; set; }
    public string? DeclineCode { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One call to the provider, in the ledger: written as unknown before the call, settled after it.</summary>
public sealed class PaymentTransaction
{
    public Guid Id { get; init; }
    public Guid PaymentId { get; init; }
    public string Kind { get; init; } = "";
    public long Amount { get; init; }
    public string Status { get; set; } = LedgerStatus.Unknown;
    public string IdempotencyKey { get; init; } = "";
    public string? ProviderReference { get; set; }
    public string? FailureCode { get; set; }
    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public static class LedgerKind
{
    public const string Authorization = "authorization";
    public const string Capture = "capture";
    public const string Void = "void";
    public const string Refund = "refund";

    public static readonly IReadOnlyList<string> All = [Authorization, Capture, Void, Refund];
}

public static class LedgerStatus
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Unknown = "unknown";
}

/// <summary>A payment's status, always derived from its ledger and amounts, never set by hand.</summary>
public static class PaymentStatus
{
    public const string Authorized = "authorized";
    public const string Declined = "declined";
    public const string Unknown = "unknown";
    public const string Captured = "captured";
    public const string PartiallyCaptured = "partially_captured";
    public const string Voided = "voided";
    public const string Refunded = "refunded";
    public const string PartiallyRefunded = "partially_refunded";

    /// <summary>
    /// The status the ledger says: unknown while any call's outcome is unknown (never a guess), declined when the
    /// authorization failed, then voided, refunded, captured or authorized by the amounts.
    /// </summary>
    /// <param name="entries">Every ledger row of the payment.</param>
    public static string Derive(IReadOnlyCollection<(string Kind, string Status)> entries, long amount, long captured, long refunded)
    {
        var authorization = entries.Where(e => e.Kind == LedgerKind.Authorization).Select(e => e.Status).FirstOrDefault();
        if (authorization is null or LedgerStatus.Unknown)
            return Unknown;
        if (authorization == LedgerStatus.Failed)
            return Declined;
        if (entries.Any(e => e.Status == LedgerStatus.Unknown))
            return Unknown;
        if (entries.Any(e => e.Kind == LedgerKind.Void && e.Status == LedgerStatus.Succeeded))
            return Voided;
        if (refunded > 0)
            return refunded >= captured ? Refunded : PartiallyRefunded;
        if (captured > 0)
            return captured >= amount ? Captured : PartiallyCaptured;
        return Authorized;
    }
}

public sealed record TransactionDto(Guid Id, string Kind, long Amount, string Status, DateTimeOffset CreatedAt);

public sealed record PaymentDto(Guid Id, Guid OrderId, string Status, long Amount, long CapturedAmount, long RefundedAmount, string Currency,
    CardDetails Card, string? DeclineCode, IReadOnlyList<TransactionDto> Transactions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PaymentDto From(Payment p, IEnumerable<PaymentTransaction> transactions) =>
        new(p.Id, p.OrderId, p.Status, p.Amount, p.CapturedAmount, p.RefundedAmount, p.Currency,
            new CardDetails(p.CardBrand, p.CardLast4, p.CardFingerprint, p.CardBin, p.CardCountry), p.DeclineCode,
            Ledger(transactions.Select(t => (t.Id, t.Kind, t.Amount, t.Status, t.CreatedAt))), p.CreatedAt, p.UpdatedAt);

    /// <summary>The ledger as shown: oldest first.</summary>
    public static IReadOnlyList<TransactionDto> Ledger(IEnumerable<(Guid Id, string Kind, long Amount, string Status, DateTimeOffset CreatedAt)> ledger) =>
        [.. ledger.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => new TransactionDto(t.Id, t.Kind, t.Amount, t.Status, t.CreatedAt))];
}
