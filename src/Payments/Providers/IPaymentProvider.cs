namespace Bazaar.Payments.Providers;

/// <summary>What the provider said about one call.</summary>
public enum ProviderOutcome
{
    /// <summary>Done: the money moved (or the hold was placed or released).</summary>
    Succeeded,

    /// <summary>Refused for a reason the provider names (insufficient funds, stolen card, amount too large, …).</summary>
    Declined,

    /// <summary>The provider could not do it (a processing error); nothing happened, a new attempt may succeed.</summary>
    Failed,

    /// <summary>Accepted but not finished: ask again later with <see cref="IPaymentProvider.LookupAsync"/>.</summary>
    Pending,
}

/// <param name="Reference">The provider's id of the authorization (charge) the call belongs to, when it has one.</param>
/// <param name="DeclineCode">Why it was declined or failed, in the provider's words (snake_case).</param>
public sealed record ProviderResult(ProviderOutcome Outcome, string? Reference, string? DeclineCode)
{
    /// <summary><see cref="IPaymentProvider.LookupAsync"/> found no call with that idempotency key: it never reached the provider.</summary>
    public const string NoSuchOperation = "no_such_operation";

    public static ProviderResult Succeeded(string? reference) => new(ProviderOutcome.Succeeded, reference, null);
    public static ProviderResult Declined(string? reference, string code) => new(ProviderOutcome.Declined, reference, code);
    public static ProviderResult Failed(string code) => new(ProviderOutcome.Failed, null, code);
    public static ProviderResult Pending(string? reference) => new(ProviderOutcome.Pending, reference, null);
}

public sealed record ProviderAuthorization(string Token, long Amount, string Currency, string IdempotencyKey);

/// <summary>An earlier call whose outcome was never heard, as the ledger recorded it.</summary>
/// <param name="Kind">authorization, capture, void or refund (<c>LedgerKind</c>).</param>
/// <param name="Reference">The authorization's reference at the provider, once known (null for an authorization whose answer was lost).</param>
/// <param name="SentAt">When the call was recorded, just before it was sent.</param>
public sealed record ProviderLookup(string Kind, string IdempotencyKey, string? Reference, DateTimeOffset SentAt);

/// <summary>What may be known about a tokenised card: never its number.</summary>
/// <param name="Fingerprint">The same for every token of the same card number, so risk can count a card across tokens.</param>
/// <param name="Bin">The first six digits (the issuer).</param>
/// <param name="Country">The issuing country (ISO 3166 alpha-2).</param>
public sealed record CardDetails(string Brand, string Last4, string Fingerprint, string Bin, string Country);

/// <summary>
/// A card payment provider. Every money-moving call carries an idempotency key: repeating a call with the same key
/// returns the recorded outcome instead of moving money again, which is what makes retries and unknown outcomes safe.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Stored in each payment, so a payment stays with the provider that holds its money.</summary>
    string Name { get; }

    /// <summary>
    /// Whether an authorization takes one capture only, the provider releasing what it left (a Stripe PaymentIntent,
    /// unless the account has multicapture): a second capture, or one while another's outcome is unknown, is refused
    /// before the provider is asked, as a lost capture is read back from the payment's state, which cannot tell two apart.
    /// </summary>
    bool CapturesOnce => false;

    /// <summary>Places a hold of the amount on the card.</summary>
    Task<ProviderResult> AuthorizeAsync(ProviderAuthorization authorization, CancellationToken ct);

    /// <summary>Takes (part of) an authorized amount, in minor units of the payment's <paramref name="currency"/>.</summary>
    Task<ProviderResult> CaptureAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct);

    /// <summary>Releases an authorization nothing was captured from.</summary>
    Task<ProviderResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct);

    /// <summary>Gives back (part of) what was captured, in minor units of the payment's <paramref name="currency"/>.</summary>
    Task<ProviderResult> RefundAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct);

    /// <summary>
    /// What really happened to an earlier call, for outcomes that were never heard (timeouts). Failed with
    /// <see cref="ProviderResult.NoSuchOperation"/> when the call never reached the provider.
    /// </summary>
    Task<ProviderResult> LookupAsync(ProviderLookup call, CancellationToken ct);

    /// <returns>The card behind a token, or null when there is no such token.</returns>
    Task<CardDetails?> DescribeCardAsync(string token, CancellationToken ct);
}
