using System.Security.Cryptography;
using Bazaar.ServiceDefaults.Auth;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Payments.Providers;

/// <summary>
/// The built-in card network for development and tests, on its own tables (<c>sandbox_cards</c>,
/// <c>sandbox_operations</c>). It behaves like a real provider where Bazaar's correctness depends on it: every call is
/// recorded under its idempotency key and a repeat answers the recorded outcome; captures, voids and refunds are
/// checked against what the authorization allows; and the slow test card answers late and completes later, so unknown
/// outcomes can be exercised end to end. See <see cref="SandboxCards"/> for the test cards.
/// </summary>
public sealed class SandboxProvider(NpgsqlDataSource db, TimeProvider clock, IOptions<PaymentsOptions> options, IMemoryCache cards) : IPaymentProvider
{
    public const string ProviderName = "sandbox";

    /// <summary>When an authorization of the slow card really completes, counted from when it was received.</summary>
    public static readonly TimeSpan SlowCompletion = TimeSpan.FromSeconds(5);

    /// <summary>The webhook leaves a second after completion, so a receiver whose clock is a little behind does not find it pending.</summary>
    public static readonly TimeSpan NotifyAfterCompletion = TimeSpan.FromSeconds(1);

    const string OperationColumns =
        "idempotency_key as idempotencykey, kind, token, reference, amount, outcome, decline_code as declinecode, completes_at as completesat";

    public string Name => ProviderName;

    public async Task<ProviderResult> AuthorizeAsync(ProviderAuthorization authorization, CancellationToken ct)
    {
        var card = await CardAsync(authorization.Token, ct);
        var now = clock.GetUtcNow();
        var (outcome, code) = Decide(card, authorization.Amount, now);
        var slow = outcome == Outcomes.Succeeded && card!.Scenario == SandboxCards.Slow;
        OperationRow recorded;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            // A repeat (or a concurrent twin) with the same key inserts nothing and answers what is recorded.
            var inserted = await connection.QuerySingleOrDefaultAsync<OperationRow>(new CommandDefinition($"""
                insert into sandbox_operations (idempotency_key, kind, token, reference, amount, outcome, decline_code, completes_at, notify_at, created_at)
                values (@key, 'authorization', @token, @reference, @amount, @outcome, @code, @completesAt, @notifyAt, @now)
                on conflict (idempotency_key) do nothing
                returning {OperationColumns}
                """, new
            {
                key = authorization.IdempotencyKey, token = authorization.Token, reference = outcome == Outcomes.Failed ? null : NewReference(),
                amount = authorization.Amount, outcome, code, completesAt = slow ? now + SlowCompletion : (DateTimeOffset?)null,
                notifyAt = slow && options.Value.Sandbox.WebhookUrl is not null ? now + SlowCompletion + NotifyAfterCompletion : (DateTimeOffset?)null, now,
            }, cancellationToken: ct));
            recorded = inserted ?? (await FindAsync(connection, null, authorization.IdempotencyKey, ct))!;
            slow &= inserted is not null;
        }
        if (slow)
            await Task.Delay(options.Value.Sandbox.SlowResponse, ct); // holds the call open like a congested network; the caller's timeout ends it
        return ToResult(recorded);
    }

    public Task<ProviderResult> CaptureAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct) =>
        FollowUpAsync(Kinds.Capture, reference, amount, idempotencyKey, ct);

    public Task<ProviderResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct) =>
        FollowUpAsync(Kinds.Void, reference, 0, idempotencyKey, ct);

    public Task<ProviderResult> RefundAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct) =>
        FollowUpAsync(Kinds.Refund, reference, amount, idempotencyKey, ct);

    public async Task<ProviderResult> LookupAsync(ProviderLookup call, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, null, call.IdempotencyKey, ct) is { } recorded
            ? ToResult(recorded)
            : ProviderResult.Failed(ProviderResult.NoSuchOperation);
    }

    /// <summary>
    /// What a token stands for never changes, and a checkout asks three times (ordering before it prices the order,
    /// payments when it authorizes, the network when it decides): known tokens are kept in memory for a while. Unknown
    /// ones are not, so a token issued on another replica a moment later is found.
    /// </summary>
    public async Task<CardDetails?> DescribeCardAsync(string token, CancellationToken ct) =>
        await CardAsync(token, ct) is { } card ? new CardDetails(card.Brand, card.Last4, card.Fingerprint, card.Bin, card.Country) : null;

    async Task<CardRow?> CardAsync(string token, CancellationToken ct)
    {
        if (cards.TryGetValue(CardKey(token), out CardRow? known))
            return known;
        await using var connection = await db.OpenConnectionAsync(ct);
        var card = await connection.QuerySingleOrDefaultAsync<CardRow>(new CommandDefinition(
            "select scenario, exp_month as expmonth, exp_year as expyear, brand, last4, fingerprint, bin, country from sandbox_cards where token = @token",
            new { token }, cancellationToken: ct));
        if (card is not null)
            cards.Set(CardKey(token), card, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10), Size = 1 });
        return card;
    }

    static string CardKey(string token) => "sandbox-card:" + token;

    /// <summary>A capture, void or refund of an authorization, checked against everything already done to it.</summary>
    async Task<ProviderResult> FollowUpAsync(string kind, string reference, long amount, string idempotencyKey, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Every call on one authorization queues behind this row lock, so the limits below hold under concurrency.
        var authorization = await connection.QuerySingleOrDefaultAsync<OperationRow>(new CommandDefinition(
            $"select {OperationColumns} from sandbox_operations where reference = @reference and kind = 'authorization' for update",
            new { reference }, transaction, cancellationToken: ct));
        if (await FindAsync(connection, transaction, idempotencyKey, ct) is { } earlier)
        {
            await transaction.CommitAsync(ct);
            return ToResult(earlier);
        }
        var done = await connection.QuerySingleAsync<(long Captured, long Refunded, bool Voided)>(new CommandDefinition("""
            select coalesce(sum(amount) filter (where kind = 'capture'), 0)::bigint,
                   coalesce(sum(amount) filter (where kind = 'refund'), 0)::bigint,
                   coalesce(bool_or(kind = 'void'), false)
            from sandbox_operations where reference = @reference and kind <> 'authorization' and outcome = 'succeeded'
            """, new { reference }, transaction, cancellationToken: ct));

        var decline = Check(kind, amount, authorization, done.Captured, done.Refunded, done.Voided);
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into sandbox_operations (idempotency_key, kind, token, reference, amount, outcome, decline_code, completes_at, created_at)
            values (@idempotencyKey, @kind, null, @reference, @amount, @outcome, @decline, null, @now)
            on conflict (idempotency_key) do nothing
            """, new { idempotencyKey, kind, reference, amount, outcome = decline is null ? Outcomes.Succeeded : Outcomes.Declined, decline, now },
            transaction, cancellationToken: ct));
        var recorded = (await FindAsync(connection, transaction, idempotencyKey, ct))!;
        await transaction.CommitAsync(ct);
        return ToResult(recorded);
    }

    /// <returns>Why the network refuses the call, or null when it goes through.</returns>
    string? Check(string kind, long amount, OperationRow? authorization, long captured, long refunded, bool voided)
    {
        if (authorization is null)
            return "no_such_authorization";
        if (authorization.Outcome != Outcomes.Succeeded)
            return "authorization_not_approved";
        if (IsPending(authorization))
            return "authorization_pending";
        return kind switch
        {
            Kinds.Capture when voided => "authorization_voided",
            Kinds.Capture when amount <= 0 || captured + amount > authorization.Amount => "amount_exceeds_authorization",
            Kinds.Void when captured > 0 => "already_captured",
            Kinds.Refund when amount <= 0 || refunded + amount > captured => "amount_exceeds_captured",
            _ => null,
        };
    }

    static (string Outcome, string? Code) Decide(CardRow? card, long amount, DateTimeOffset now)
    {
        if (card is null)
            return (Outcomes.Declined, "invalid_token");
        if (amount <= 0)
            return (Outcomes.Declined, "invalid_amount");
        if (card.ExpYear < now.Year || (card.ExpYear == now.Year && card.ExpMonth < now.Month))
            return (Outcomes.Declined, "expired_card");
        return card.Scenario switch
        {
            SandboxCards.InsufficientFunds => (Outcomes.Declined, "insufficient_funds"),
            SandboxCards.StolenCard => (Outcomes.Declined, "stolen_card"),
            SandboxCards.ProcessingError => (Outcomes.Failed, "processing_error"),
            _ => (Outcomes.Succeeded, null),
        };
    }

    bool IsPending(OperationRow operation) =>
        operation.CompletesAt is { } completesAt && completesAt > clock.GetUtcNow().UtcDateTime;

    ProviderResult ToResult(OperationRow operation) => operation.Outcome switch
    {
        Outcomes.Succeeded when IsPending(operation) => ProviderResult.Pending(operation.Reference),
        Outcomes.Succeeded => ProviderResult.Succeeded(operation.Reference),
        Outcomes.Declined => ProviderResult.Declined(operation.Reference, operation.DeclineCode ?? "declined"),
        _ => ProviderResult.Failed(operation.DeclineCode ?? "processing_error"),
    };

    static async Task<OperationRow?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string idempotencyKey, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<OperationRow>(new CommandDefinition(
            $"select {OperationColumns} from sandbox_operations where idempotency_key = @idempotencyKey", new { idempotencyKey }, transaction, cancellationToken: ct));

    static string NewReference() => "ch_" + Base64Url.Encode(RandomNumberGenerator.GetBytes(18));

    static class Kinds
    {
        public const string Capture = "capture";
        public const string Void = "void";
        public const string Refund = "refund";
    }

    static class Outcomes
    {
        public const string Succeeded = "succeeded";
        public const string Declined = "declined";
        public const string Failed = "failed";
    }

    sealed record CardRow(string Scenario, int ExpMonth, int ExpYear, string Brand, string Last4, string Fingerprint, string Bin, string Country);

    sealed record OperationRow(string IdempotencyKey, string Kind, string? Token, string? Reference, long Amount, string Outcome, string? DeclineCode, DateTime? CompletesAt);
}
