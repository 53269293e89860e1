using Bazaar.Payments.Providers;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Http;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Payments.Payments;

public abstract record PaymentOutcome
{
    public sealed record Done(PaymentDto Payment) : PaymentOutcome;
    public sealed record NotFound : PaymentOutcome;

    /// <summary>The payment's state forbids it (captured too much, voided, declined, not known yet): a 409.</summary>
    public sealed record Conflict(string Detail) : PaymentOutcome;

    /// <summary>Well-formed but unusable (unknown card token, a reused idempotency key with other data): a 422.</summary>
    public sealed record Unprocessable(string Title, string Detail) : PaymentOutcome;

    /// <summary>The provider could not be asked at all, so nothing was done: a 503, safe to retry.</summary>
    public sealed record Unavailable(string Detail) : PaymentOutcome;
}

/// <summary>
/// Authorize, capture, void and refund, each exactly once however often it is asked and whatever the provider does.
/// <list type="bullet">
/// <item>One payment per order: the row is inserted first (<c>on conflict (order_id) do nothing</c>); a repeat gets it back.</item>
/// <item>Write-ahead ledger: each provider call is recorded as <c>unknown</c> (with the idempotency key it is sent with)
/// before it is made and settled after, in one transaction with the payment's amounts and status.</item>
/// <item>A timeout or error is never guessed at: the row stays unknown and the payment says unknown until
/// <see cref="ResolveUnknownAsync"/> (or the provider's webhook) learns what really happened.</item>
/// <item>Amount limits hold under concurrency: captures are checked under the payment's row lock, counting captures in
/// flight; refunds reserve their amount with one conditional update (<c>amount &lt;= captured_amount - refunded_amount</c>, which cannot overflow).</item>
/// </list>
/// </summary>
public sealed class PaymentService(NpgsqlDataSource db, PaymentsDb reader, PaymentProviders providers, IOptions<PaymentsOptions> options,
    TimeProvider clock, PaymentsMetrics metrics, ILogger<PaymentService> logger)
{
    /// <summary>An unknown call the provider has no record of is taken as never made only after this long, so one still on its way is not misread.</summary>
    public static readonly TimeSpan NotSubmittedAfter = TimeSpan.FromMinutes(1);

    const string PaymentColumns = """
        id, order_id as orderid, status, amount, currency, captured_amount as capturedamount, refunded_amount as refundedamount,
        card_token as cardtoken, provider_reference as providerreference, decline_code as declinecode, card_brand as cardbrand,
        card_last4 as cardlast4, card_fingerprint as cardfingerprint, card_bin as cardbin, card_country as cardcountry,
        created_at as createdat, updated_at as updatedat, provider
        """;

    const string LedgerColumns = "id, payment_id as paymentid, kind, amount, status, idempotency_key as idempotencykey, created_at as createdat, sent_at as sentat";

    public static string AuthorizationKey(Guid orderId) => $"auth:{orderId}";

    /// <summary>The ledger key of a capture asked for with the caller's <paramref name="idempotencyKey"/>.</summary>
    public static string CaptureKey(Guid paymentId, string idempotencyKey) => $"capture:{paymentId}:key:{idempotencyKey}";

    /// <summary>The ledger key of a refund asked for with the caller's <paramref name="idempotencyKey"/>.</summary>
    public static string RefundKey(Guid paymentId, string idempotencyKey) => $"refund:{paymentId}:{idempotencyKey}";

    /// <summary>The longest ledger key, sent to the provider as its idempotency key: Stripe takes up to 255 characters.</summary>
    public const int MaxLedgerKey = 255;

    public async Task<PaymentDto?> FindAsync(Guid paymentId, CancellationToken ct)
    {
        var payment = await reader.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, ct);
        return payment is null ? null : await ToDtoAsync(payment, ct);
    }

    public async Task<PaymentDto?> FindByOrderAsync(Guid orderId, CancellationToken ct)
    {
        var payment = await reader.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.OrderId == orderId, ct);
        return payment is null ? null : await ToDtoAsync(payment, ct);
    }

    async Task<PaymentDto> ToDtoAsync(Payment payment, CancellationToken ct)
    {
        var transactions = await reader.Transactions.AsNoTracking().Where(t => t.PaymentId == payment.Id).ToListAsync(ct);
        return PaymentDto.From(payment, transactions);
    }

    /// <summary>
    /// Authorizes the order's amount on the card, once per order. A repeat returns the same payment; if its outcome is
    /// still unknown the provider is asked again with the same idempotency key, which cannot charge twice.
    /// A decline is a normal outcome (status declined), not an error.
    /// </summary>
    public async Task<PaymentOutcome> AuthorizeAsync(Guid orderId, long amount, string currency, string token, CancellationToken ct)
    {
        // The usual case, a first attempt: the payment and its authorization row are written in one statement and
        // submitted; the settled payment is the answer, so nothing is read back.
        CardDetails? card = null;
        var providerDown = false;
        var provider = providers.Current;
        try
        {
            card = await WithTimeoutAsync(c => provider.DescribeCardAsync(token, c), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not describe the card for order {OrderId}", orderId);
            metrics.ProviderError("describe_card", e is OperationCanceledException ? "timeout" : "error");
            providerDown = true;
        }
        if (card is not null && await InsertAsync(orderId, amount, currency, token, card, provider.Name, ct) is (var created, var authorization))
            return new PaymentOutcome.Done(await SubmitAsync(authorization, created, ct) ?? (await FindAsync(created.Id, ct))!);

        // A repeat (or a concurrent first attempt won the insert): the order's payment exists already.
        var payment = await LoadByOrderAsync(orderId, ct);
        if (payment is null)
            return providerDown
                ? new PaymentOutcome.Unavailable("The payment provider did not answer; nothing was charged. Try again.")
                : new PaymentOutcome.Unprocessable("Unknown card token", "unknown card token");
        if (payment.Amount != amount || payment.Currency != currency || payment.CardToken != token)
            return new PaymentOutcome.Unprocessable("Payment mismatch",
                "This order already has a payment for another amount, currency or card; an order is charged once.");

        if (await EntryAsync(AuthorizationKey(orderId), ct) is { Status: LedgerStatus.Unknown } unknown && await ResubmitAsync(unknown, payment, ct) is { } settled)
            return new PaymentOutcome.Done(settled);
        return new PaymentOutcome.Done((await FindAsync(payment.Id, ct))!);
    }

    /// <summary>Writes the order's payment and its authorization row in one statement, unless the order has a payment already.</summary>
    /// <returns>Both rows when this call created them; null when a payment for the order existed (or a concurrent first attempt won).</returns>
    async Task<(PaymentRow Payment, LedgerRow Authorization)?> InsertAsync(Guid orderId, long amount, string currency, string token, CardDetails card, string provider, CancellationToken ct)
    {
        var now = clock.GetUtcNow().AsStored();
        var paymentId = Guid.CreateVersion7(now);
        var entryId = Guid.CreateVersion7(now);
        var key = AuthorizationKey(orderId);
        await using var connection = await db.OpenConnectionAsync(ct);
        // A concurrent first attempt for this order makes the insert wait until it commits; then nothing is inserted.
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            with payment as (
                insert into payments (id, order_id, status, amount, currency, captured_amount, refunded_amount, card_token, card_brand, card_last4,
                                      card_fingerprint, card_bin, card_country, provider, provider_reference, decline_code, created_at, updated_at, version)
                values (@paymentId, @orderId, 'unknown', @amount, @currency, 0, 0, @token, @Brand, @Last4, @Fingerprint, @Bin, @Country, @provider, null, null, @now, @now, 1)
                on conflict (order_id) do nothing
                returning id)
            insert into payment_transactions (id, payment_id, kind, amount, status, idempotency_key, provider_reference, failure_code, reason, created_at)
            select @entryId, id, 'authorization', @amount, 'unknown', @key, null, null, null, @now from payment
            """, new { paymentId, orderId, amount, currency, token, card.Brand, card.Last4, card.Fingerprint, card.Bin, card.Country, provider, now, entryId, key },
            cancellationToken: ct));
        if (inserted != 1)
            return null;
        var created = new PaymentRow(paymentId, orderId, PaymentStatus.Unknown, amount, currency, 0, 0, token, null, null,
            card.Brand, card.Last4, card.Fingerprint, card.Bin, card.Country, now.UtcDateTime, now.UtcDateTime, provider);
        return (created, new LedgerRow(entryId, paymentId, LedgerKind.Authorization, amount, LedgerStatus.Unknown, key, now.UtcDateTime));
    }

    /// <summary>
    /// Captures <paramref name="amount"/> (null: all that is left) of the authorization, once per idempotency key: a
    /// repeat returns the first capture's result. Refused (409) once nothing is left to capture, and after a first
    /// capture when the payment's provider takes only one (<see cref="IPaymentProvider.CapturesOnce"/>).
    /// </summary>
    public async Task<PaymentOutcome> CaptureAsync(Guid paymentId, long? amount, string idempotencyKey, CancellationToken ct)
    {
        LedgerRow entry;
        bool repeat; // the key's call was made before: answered (or asked again) once this connection is back in the pool
        PaymentRow? payment; // read under its lock; what the provider call needs does not change after authorization
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            payment = await LockAsync(connection, transaction, paymentId, ct);
            if (payment is null)
                return new PaymentOutcome.NotFound();
            var key = CaptureKey(paymentId, idempotencyKey);
            if (await EntryAsync(connection, transaction, key, ct) is { } earlier)
                (entry, repeat) = (earlier, true);
            else
            {
                var entries = await EntriesAsync(connection, transaction, paymentId, ct);
                if (Refusal(entries, "captured") is { } refusal)
                    return new PaymentOutcome.Conflict(refusal);
                // A provider this replica is not configured for counts as one that takes one capture: the row would
                // wait unsent for a replica that is, whose look-up could not tell it from the first.
                if (providers.For(payment.Provider)?.CapturesOnce != false && entries.Any(e => e.Kind == LedgerKind.Capture && e.Status != LedgerStatus.Failed))
                    return new PaymentOutcome.Conflict("This payment has been captured once, and its provider takes one capture per authorization (it released the rest).");
                var inFlight = entries.Where(e => e.Kind == LedgerKind.Capture && e.Status == LedgerStatus.Unknown).Sum(e => e.Amount);
                var remaining = payment.Amount - payment.CapturedAmount - inFlight;
                var toCapture = amount ?? remaining;
                if (remaining <= 0)
                    return new PaymentOutcome.Conflict("Everything authorized has already been captured.");
                if (toCapture > remaining)
                    return new PaymentOutcome.Conflict($"Only {remaining} of the authorized amount is left to capture.");
                entry = await InsertEntryAsync(connection, transaction, paymentId, LedgerKind.Capture, toCapture, key, null, clock.GetUtcNow(), ct);
                repeat = false;
            }
            await transaction.CommitAsync(ct);
        }
        if (repeat)
            return await ReplayAsync(entry, LedgerKind.Capture, amount, ct);
        return new PaymentOutcome.Done(await SubmitAsync(entry, payment, ct) ?? (await FindAsync(paymentId, ct))!);
    }

    /// <summary>Releases an authorization nothing was captured from. Voiding a voided payment is fine.</summary>
    public async Task<PaymentOutcome> VoidAsync(Guid paymentId, CancellationToken ct)
    {
        LedgerRow? entry; // null: voided already, answered as it is once this connection is back in the pool
        PaymentRow? payment; // read under its lock; what the provider call needs does not change after authorization
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            payment = await LockAsync(connection, transaction, paymentId, ct);
            if (payment is null)
                return new PaymentOutcome.NotFound();
            var entries = await EntriesAsync(connection, transaction, paymentId, ct);
            var voids = entries.Where(e => e.Kind == LedgerKind.Void).ToList();
            if (voids.Any(v => v.Status == LedgerStatus.Succeeded))
                entry = null;
            else if (voids.FirstOrDefault(v => v.Status == LedgerStatus.Unknown) is { } unfinished)
            {
                entry = unfinished; // ask again with the same key: the provider answers what it did
                await MarkResentAsync(connection, transaction, entry, ct); // under the payment's lock, read unknown: it stays so
            }
            else
            {
                if (Refusal(entries, "voided") is { } refusal)
                    return new PaymentOutcome.Conflict(refusal);
                if (payment.CapturedAmount > 0 || entries.Any(e => e.Kind == LedgerKind.Capture && e.Status == LedgerStatus.Unknown))
                    return new PaymentOutcome.Conflict("Money was captured from this payment; refund it instead.");
                entry = await InsertEntryAsync(connection, transaction, paymentId, LedgerKind.Void, payment.Amount,
                    $"void:{paymentId}:{voids.Count + 1}", null, clock.GetUtcNow(), ct);
            }
            await transaction.CommitAsync(ct);
        }
        if (entry is null)
            return new PaymentOutcome.Done((await FindAsync(paymentId, ct))!);
        return new PaymentOutcome.Done(await SubmitAsync(entry, payment, ct) ?? (await FindAsync(paymentId, ct))!);
    }

    /// <summary>
    /// Refunds part or all of what was captured, once per idempotency key. The amount is reserved by one conditional
    /// update before the provider is asked, so concurrent refunds can never add up to more than was captured; a refund
    /// the provider refuses gives its reservation back.
    /// </summary>
    public async Task<PaymentOutcome> RefundAsync(Guid paymentId, long amount, string idempotencyKey, string? reason, CancellationToken ct)
    {
        var key = RefundKey(paymentId, idempotencyKey);
        LedgerRow? entry = null;
        LedgerRow? repeat; // the key's call was made before: answered (or asked again) once this connection is back in the pool
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            repeat = await EntryAsync(connection, null, key, ct);
            if (repeat is null)
            {
                var now = clock.GetUtcNow();
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var reserved = await connection.ExecuteAsync(new CommandDefinition("""
                    update payments set refunded_amount = refunded_amount + @amount, updated_at = @now, version = version + 1
                    where id = @paymentId and @amount <= captured_amount - refunded_amount
                    """, new { paymentId, amount, now }, transaction, cancellationToken: ct));
                entry = reserved == 1 ? await InsertEntryIfNewAsync(connection, transaction, paymentId, LedgerKind.Refund, amount, key, reason, now, ct) : null;
                if (entry is not null)
                    await transaction.CommitAsync(ct);
                else
                {
                    await transaction.RollbackAsync(ct);
                    // A concurrent call with the same key got there first: answer what it did.
                    repeat = await EntryAsync(connection, null, key, ct);
                    if (repeat is null)
                    {
                        var limits = await connection.QuerySingleOrDefaultAsync<RefundLimits>(new CommandDefinition(
                            "select captured_amount as capturedamount, refunded_amount as refundedamount from payments where id = @paymentId",
                            new { paymentId }, cancellationToken: ct));
                        return limits is null
                            ? new PaymentOutcome.NotFound()
                            : new PaymentOutcome.Conflict($"A refund cannot exceed what was captured: {limits.CapturedAmount - limits.RefundedAmount} is left to refund.");
                    }
                }
            }
        }
        if (repeat is not null)
            return await ReplayAsync(repeat, LedgerKind.Refund, amount, ct);
        return new PaymentOutcome.Done(await SubmitAsync(entry!, ct) ?? (await FindAsync(paymentId, ct))!);
    }

    /// <summary>
    /// Asks the provider what happened to every call whose outcome is unknown (older than the provider timeout, so
    /// calls still in flight are left alone) and settles the ones it knows. Returns how many were settled. First it
    /// counts the calls unknown for longer than Payments:UnknownStuckAfter, every provider's, for the on-call.
    /// Safe to run on every replica at once: settling is conditional on the row still being unknown.
    /// </summary>
    public async Task<int> ResolveUnknownAsync(CancellationToken ct)
    {
        List<LedgerRow> unknown;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            // Counted before the look-ups, which may take minutes (one provider timeout each) or stop half way.
            metrics.StuckUnknown((await connection.QueryAsync<(string Kind, int Count)>(new CommandDefinition(
                "select kind, count(*)::int from payment_transactions where status = 'unknown' and created_at < @before group by kind",
                new { before = clock.GetUtcNow() - options.Value.UnknownStuckAfter }, cancellationToken: ct))).ToDictionary(r => r.Kind, r => r.Count));
            unknown = [.. await connection.QueryAsync<LedgerRow>(new CommandDefinition(
                $"""
                select {LedgerColumns} from payment_transactions
                where status = 'unknown' and created_at < @cutoff and payment_id in (select id from payments where provider = any(@configured))
                order by checked_at nulls first, created_at limit 200
                """,
                new { cutoff = clock.GetUtcNow() - options.Value.ProviderTimeout, configured = providers.Names }, cancellationToken: ct))];
        }
        var settled = 0;
        var open = new List<Guid>();
        foreach (var entry in unknown)
            if (await ResolveEntryAsync(entry, ct))
                settled++;
            else
                open.Add(entry.Id);
        // Asked about and still open: to the back of the queue, so calls that never settle do not crowd out newer ones.
        if (open.Count > 0)
            await using (var connection = await db.OpenConnectionAsync(ct))
                await connection.ExecuteAsync(new CommandDefinition(
                    "update payment_transactions set checked_at = @now where id = any(@open) and status = 'unknown'",
                    new { now = clock.GetUtcNow(), open }, cancellationToken: ct));
        return settled;
    }

    /// <summary>
    /// For a provider's webhooks: settles, if the provider knows their outcome, the unknown call of that provider's
    /// payments with this idempotency key, and the unknown calls of its payment whose authorization has this provider
    /// reference. Calls younger than the provider timeout may still be on their way and are left to their caller and
    /// the resolver.
    /// </summary>
    /// <returns>
    /// Whether a call the event is about (the one its key names, and with
    /// <paramref name="namesIntentCalls"/> the payment's captures and voids) was looked up and is still not settled (no
    /// answer, or not final yet). Other calls of the payment left unsettled do not count: the resolver keeps asking
    /// about them, and one slow refund must not make every later event of its payment be refused and redelivered.
    /// </returns>
    public async Task<bool> ResolveAsync(string provider, string? idempotencyKey, string? reference, bool namesIntentCalls,
        CancellationToken ct)
    {
        List<LedgerRow> unknown;
        await using (var connection = await db.OpenConnectionAsync(ct))
            unknown = [.. await connection.QueryAsync<LedgerRow>(new CommandDefinition($"""
                select {LedgerColumns} from payment_transactions
                where status = 'unknown' and created_at < @cutoff
                  and (idempotency_key = @idempotencyKey or payment_id in (select id from payments where provider = @provider and provider_reference = @reference))
                  and payment_id in (select id from payments where provider = @provider)
                order by created_at
                """, new { provider, idempotencyKey, reference, cutoff = clock.GetUtcNow() - options.Value.ProviderTimeout }, cancellationToken: ct))];
        var named = new List<Guid>();
        foreach (var entry in unknown)
            if (!await ResolveEntryAsync(entry, ct) && (entry.IdempotencyKey == idempotencyKey || (namesIntentCalls && entry.Kind is LedgerKind.Capture or LedgerKind.Void)))
                named.Add(entry.Id);
        // A named call that another caller (the resolver, a resend, an overlapping delivery) settled meanwhile is settled:
        // the event has nothing left to be delivered again for.
        if (named.Count == 0)
            return false;
        await using var recheck = await db.OpenConnectionAsync(ct);
        return await recheck.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from payment_transactions where id = any(@named) and status = 'unknown')", new { named }, cancellationToken: ct));
    }

    /// <summary>Whether a webhook event names a call or an authorization of this provider's payments.</summary>
    public async Task<bool> IsOursAsync(string provider, string? idempotencyKey, string? reference, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            select exists (select 1 from payment_transactions t join payments p on p.id = t.payment_id where t.idempotency_key = @idempotencyKey and p.provider = @provider)
                or exists (select 1 from payments where provider = @provider and provider_reference = @reference)
            """, new { provider, idempotencyKey, reference }, cancellationToken: ct));
    }

    /// <summary>How long a delivery may work on its event before a redelivery may take it over (its process stopped).</summary>
    public static readonly TimeSpan WebhookClaimTime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Claims a webhook event for the delivery at hand: recorded (committed at once) with a claim that lapses after
    /// <see cref="WebhookClaimTime"/>, or taken over when an earlier delivery gave it up or its claim lapsed. Then
    /// <see cref="WebhookProcessedAsync"/> or <see cref="GiveUpWebhookAsync"/>. (jsonb cannot hold <c>\u0000</c>: it is
    /// kept as U+FFFD.)
    /// </summary>
    public async Task<WebhookClaim> ClaimWebhookAsync(string eventId, string type, string payload, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
                insert into webhook_events (event_id, received_at, type, payload, claimed_until) values (@eventId, @now, @type, cast(@payload as jsonb), @until)
                on conflict (event_id) do update set claimed_until = excluded.claimed_until
                where webhook_events.processed_at is null and (webhook_events.claimed_until is null or webhook_events.claimed_until <= @now)
                returning true
                """, new { eventId, now, type, payload = payload.Replace("\\u0000", "\\ufffd", StringComparison.Ordinal), until = now + WebhookClaimTime },
                cancellationToken: ct)))
            return WebhookClaim.Claimed;
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from webhook_events where event_id = @eventId and processed_at is not null)", new { eventId }, cancellationToken: ct))
            ? WebhookClaim.Processed
            : WebhookClaim.InProgress;
    }

    public async Task WebhookProcessedAsync(string eventId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(new CommandDefinition("update webhook_events set processed_at = @now, claimed_until = null where event_id = @eventId",
            new { eventId, now = clock.GetUtcNow() }));
    }

    /// <summary>Gives up a claim whose processing failed, so the provider's redelivery takes the event over.</summary>
    public async Task GiveUpWebhookAsync(string eventId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(new CommandDefinition("update webhook_events set claimed_until = null where event_id = @eventId and processed_at is null",
            new { eventId }));
    }

    async Task<bool> ResolveEntryAsync(LedgerRow entry, CancellationToken ct)
    {
        if (await LoadAsync(entry.PaymentId, ct) is not { } payment)
            return false;
        var call = new ProviderLookup(entry.Kind, entry.IdempotencyKey, payment.ProviderReference, new DateTimeOffset(entry.CreatedAt, TimeSpan.Zero));
        var result = await CallProviderAsync(payment, "lookup", (provider, c) => provider.LookupAsync(call, c), ct);
        var notSubmitted = result is { Outcome: ProviderOutcome.Failed, DeclineCode: ProviderResult.NoSuchOperation };
        // "No such operation" about a call sent (again) within the last minute may be a send still on its way.
        if (result is null or { Outcome: ProviderOutcome.Pending } || (notSubmitted && entry.LastSent > clock.GetUtcNow() - NotSubmittedAfter))
            return false;
        if (notSubmitted)
            result = ProviderResult.Failed("not_submitted"); // the provider never got it: nothing moved
        // Taken as never made only if nobody sent it again since this row was read, before the look-up.
        var status = (await SettleAsync(entry.IdempotencyKey, result, notSubmitted ? entry : null, CancellationToken.None))?.Status;
        if (status is not null)
        {
            metrics.Resolved(entry.Kind, status);
            logger.LogInformation("Resolved the unknown {Kind} {Key} of payment {PaymentId} as {Status}", entry.Kind, entry.IdempotencyKey, entry.PaymentId, status);
        }
        return status is not null;
    }

    /// <summary>A repeat of a call with the same idempotency key: the same call (else 422), asked again if still unknown.</summary>
    async Task<PaymentOutcome> ReplayAsync(LedgerRow earlier, string kind, long? amount, CancellationToken ct)
    {
        if (earlier.Kind != kind || (amount is { } a && a != earlier.Amount))
            return new PaymentOutcome.Unprocessable(IdempotencyKey.ReusedTitle, IdempotencyKey.ReusedDetail("another request"));
        if (earlier.Status == LedgerStatus.Unknown && await ResubmitAsync(earlier, (await LoadAsync(earlier.PaymentId, ct))!, ct) is { } settled)
            return new PaymentOutcome.Done(settled);
        return new PaymentOutcome.Done((await FindAsync(earlier.PaymentId, ct))!);
    }

    /// <summary>Sends the ledger row's call to the provider and settles what it says.</summary>
    /// <returns>The payment as settled, or null when someone else settled the row first (read it again).</returns>
    async Task<PaymentDto?> SubmitAsync(LedgerRow entry, CancellationToken ct) => await SubmitAsync(entry, (await LoadAsync(entry.PaymentId, ct))!, ct);

    /// <summary>
    /// Sends an unknown call again (same key: the provider cannot do it twice), first noting when, so the resolver does
    /// not take this send for one that never reached the provider. Nothing is sent once the row is settled.
    /// </summary>
    /// <returns>The payment as settled, or null when the row was settled by someone else (read it again).</returns>
    async Task<PaymentDto?> ResubmitAsync(LedgerRow entry, PaymentRow payment, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
            if (!await MarkResentAsync(connection, null, entry, ct))
                return null;
        return await SubmitAsync(entry, payment, ct);
    }

    /// <returns>false when the row is settled already: there is nothing to send.</returns>
    async Task<bool> MarkResentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, LedgerRow entry, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "update payment_transactions set sent_at = @now where id = @Id and status = 'unknown'",
            new { now = clock.GetUtcNow(), entry.Id }, transaction, cancellationToken: ct)) == 1;

    /// <param name="payment">the entry's payment as the caller just read it (its card, currency and provider reference)</param>
    async Task<PaymentDto?> SubmitAsync(LedgerRow entry, PaymentRow payment, CancellationToken ct)
    {
        var reference = payment.ProviderReference ?? "";
        Func<IPaymentProvider, CancellationToken, Task<ProviderResult>> call = entry.Kind switch
        {
            LedgerKind.Authorization => (provider, c) => provider.AuthorizeAsync(new ProviderAuthorization(payment.CardToken, entry.Amount, payment.Currency, entry.IdempotencyKey), c),
            LedgerKind.Capture => (provider, c) => provider.CaptureAsync(reference, entry.Amount, payment.Currency, entry.IdempotencyKey, c),
            LedgerKind.Void => (provider, c) => provider.VoidAsync(reference, entry.IdempotencyKey, c),
            _ => (provider, c) => provider.RefundAsync(reference, entry.Amount, payment.Currency, entry.IdempotencyKey, c),
        };
        var result = await CallProviderAsync(payment, entry.Kind, call, ct);
        // What the provider did must be recorded even if our caller has gone away meanwhile.
        return (await SettleAsync(entry.IdempotencyKey, result, unlessResentSince: null, CancellationToken.None))?.Payment;
    }

    /// <summary>Sends a call to the provider that holds the payment's money.</summary>
    /// <returns>
    /// The provider's answer, or null when there was none in time (or the call failed in transport): unknown. Also null
    /// while the payment's provider is not configured here: the ledger keeps the call unknown until it is.
    /// </returns>
    async Task<ProviderResult?> CallProviderAsync(PaymentRow payment, string operation, Func<IPaymentProvider, CancellationToken, Task<ProviderResult>> call, CancellationToken ct)
    {
        if (providers.For(payment.Provider) is not { } provider)
        {
            logger.LogError("Payment {PaymentId} was made with the {Provider} provider, which is not configured here; its {Operation} waits until it is",
                payment.Id, payment.Provider, operation);
            metrics.ProviderError(operation, "not_configured");
            return null;
        }
        try
        {
            return await WithTimeoutAsync(c => call(provider, c), ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("The payment provider did not answer {Operation} within {Timeout}; its outcome is unknown", operation, options.Value.ProviderTimeout);
            metrics.ProviderError(operation, "timeout");
            return null;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The payment provider call {Operation} failed; its outcome is unknown", operation);
            metrics.ProviderError(operation, "error");
            return null;
        }
    }

    async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.ProviderTimeout); // wall-clock time: this is about the network, not the business clock
        return await call(timeout.Token);
    }

    /// <summary>
    /// Records the provider's answer on the ledger row and applies it to the payment (reference, decline code,
    /// captured amount, a failed refund's reservation) and its derived status, all in one transaction under the
    /// payment's row lock. Nothing happens if the row was settled already (by a concurrent caller, the resolver or a
    /// webhook). A missing answer keeps the row unknown and makes the payment's status unknown.
    /// Three round trips: lock the payment, read its ledger, write both.
    /// </summary>
    /// <param name="unlessResentSince">The row as read before the provider was asked: nothing is settled if it was sent
    /// again since (a resend does not take the payment's lock, so this is checked by the write itself).</param>
    /// <returns>The row's new status (null while still unknown) and the payment as it now is; null when the row was already settled.</returns>
    async Task<(string? Status, PaymentDto Payment)?> SettleAsync(string key, ProviderResult? result, LedgerRow? unlessResentSince, CancellationToken ct)
    {
        (string Status, string? Code) settlement = result switch
        {
            null => (LedgerStatus.Unknown, "no_answer"),
            { Outcome: ProviderOutcome.Succeeded } => (LedgerStatus.Succeeded, (string?)null),
            { Outcome: ProviderOutcome.Pending } => (LedgerStatus.Unknown, "pending"),
            _ => (LedgerStatus.Failed, result!.DeclineCode ?? "declined"),
        };
        var (status, code) = settlement;
        var now = clock.GetUtcNow().AsStored();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var payment = await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(
            $"select {PaymentColumns} from payments where id = (select payment_id from payment_transactions where idempotency_key = @key) for no key update",
            new { key }, transaction, cancellationToken: ct));
        // Read under the lock, so a concurrent settlement of this row is seen.
        IReadOnlyList<LedgerRow> entries = payment is null ? [] : await EntriesAsync(connection, transaction, payment.Id, ct);
        var entry = entries.FirstOrDefault(e => e.IdempotencyKey == key);
        if (payment is null || entry is null || entry.Status != LedgerStatus.Unknown)
        {
            await transaction.RollbackAsync(ct);
            return null;
        }

        var captured = payment.CapturedAmount;
        var refunded = payment.RefundedAmount;
        var reference = payment.ProviderReference;
        var declineCode = payment.DeclineCode;
        if (status == LedgerStatus.Succeeded && entry.Kind == LedgerKind.Authorization)
            reference = result!.Reference;
        if (status == LedgerStatus.Succeeded && entry.Kind == LedgerKind.Capture)
            captured += entry.Amount;
        if (status == LedgerStatus.Failed && entry.Kind == LedgerKind.Authorization)
            declineCode = code;
        if (status == LedgerStatus.Failed && entry.Kind == LedgerKind.Refund)
            refunded -= entry.Amount; // the reservation goes back: nothing was refunded

        var ledger = entries.Select(e => e == entry ? e with { Status = status } : e).ToList();
        var paymentStatus = PaymentStatus.Derive([.. ledger.Select(e => (e.Kind, e.Status))], payment.Amount, captured, refunded);
        // The payment changes only with its ledger row, and the row only while unknown (and, for the resolver's "never
        // made", not sent again since it was read: a concurrent resend's update is waited for and then seen here).
        var written = await connection.ExecuteAsync(new CommandDefinition("""
            with entry as (
                update payment_transactions
                set status = @status, failure_code = @code, provider_reference = case when @status = 'unknown' then provider_reference else @providerReference end
                where idempotency_key = @key and status = 'unknown' and (not @checkResend or sent_at is not distinct from @sentAt)
                returning 1)
            update payments set status = @paymentStatus, captured_amount = @captured, refunded_amount = @refunded, provider_reference = @reference,
                                decline_code = @declineCode, updated_at = @now, version = version + 1
            where id = @Id and exists (select 1 from entry)
            """, new
            {
                status, code, providerReference = result?.Reference, key, checkResend = unlessResentSince is not null,
                sentAt = unlessResentSince?.SentAt is { } sent ? new DateTimeOffset(sent, TimeSpan.Zero) : (DateTimeOffset?)null,
                paymentStatus, captured, refunded, reference, declineCode, now, payment.Id,
            },
            transaction, cancellationToken: ct));
        if (written == 0)
        {
            await transaction.RollbackAsync(ct);
            return null;
        }
        await transaction.CommitAsync(ct);
        metrics.Operation(entry.Kind, status);
        if (status == LedgerStatus.Unknown)
            logger.LogWarning("The outcome of {Kind} {Key} for payment {PaymentId} is unknown ({Code}); it will be resolved later", entry.Kind, key, payment.Id, code);
        var settled = payment with
        {
            Status = paymentStatus, CapturedAmount = captured, RefundedAmount = refunded, ProviderReference = reference, DeclineCode = declineCode,
            UpdatedAt = now.UtcDateTime,
        };
        return (status == LedgerStatus.Unknown ? null : status, settled.ToDto(ledger));
    }

    /// <summary>
    /// Why this payment cannot be <paramref name="verb"/> now, or null. Judged from the ledger rather than the status,
    /// so captures in flight on the same payment (which make its status unknown for a moment) do not block each other.
    /// </summary>
    static string? Refusal(IReadOnlyList<LedgerRow> entries, string verb)
    {
        var authorization = entries.FirstOrDefault(e => e.Kind == LedgerKind.Authorization)?.Status;
        if (authorization is null or LedgerStatus.Unknown)
            return $"The authorization's outcome is not known yet; the payment cannot be {verb} until it is. Try again later.";
        if (authorization == LedgerStatus.Failed)
            return $"The payment was declined; it cannot be {verb}.";
        if (entries.Any(e => e.Kind == LedgerKind.Void && e.Status != LedgerStatus.Failed))
            return $"The payment is voided; it cannot be {verb}.";
        return null;
    }

    async Task<PaymentRow?> LoadByOrderAsync(Guid orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(
            $"select {PaymentColumns} from payments where order_id = @orderId", new { orderId }, cancellationToken: ct));
    }

    async Task<PaymentRow?> LoadAsync(Guid paymentId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(
            $"select {PaymentColumns} from payments where id = @paymentId", new { paymentId }, cancellationToken: ct));
    }

    /// <summary>Takes the payment's row lock: every change to one payment queues here. (No key update: ledger inserts referencing it are not blocked.)</summary>
    static async Task<PaymentRow?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(
            $"select {PaymentColumns} from payments where id = @paymentId for no key update", new { paymentId }, transaction, cancellationToken: ct));

    async Task<LedgerRow?> EntryAsync(string key, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await EntryAsync(connection, null, key, ct);
    }

    static async Task<LedgerRow?> EntryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string key, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<LedgerRow>(new CommandDefinition(
            $"select {LedgerColumns} from payment_transactions where idempotency_key = @key", new { key }, transaction, cancellationToken: ct));

    static async Task<IReadOnlyList<LedgerRow>> EntriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, CancellationToken ct) =>
        [.. await connection.QueryAsync<LedgerRow>(new CommandDefinition(
            $"select {LedgerColumns} from payment_transactions where payment_id = @paymentId order by created_at", new { paymentId }, transaction, cancellationToken: ct))];

    static async Task<LedgerRow> InsertEntryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, string kind, long amount,
        string key, string? reason, DateTimeOffset now, CancellationToken ct) =>
        await InsertEntryIfNewAsync(connection, transaction, paymentId, kind, amount, key, reason, now, ct)
        ?? throw new InvalidOperationException($"Ledger key {key} exists already."); // callers hold the payment's lock and checked the key

    /// <returns>The new ledger row, or null when a row with this idempotency key exists already.</returns>
    static async Task<LedgerRow?> InsertEntryIfNewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, string kind, long amount,
        string key, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            insert into payment_transactions (id, payment_id, kind, amount, status, idempotency_key, provider_reference, failure_code, reason, created_at)
            values (@id, @paymentId, @kind, @amount, 'unknown', @key, null, null, @reason, @now)
            on conflict (idempotency_key) do nothing
            """, new { id, paymentId, kind, amount, key, reason, now }, transaction, cancellationToken: ct));
        return inserted == 1 ? new LedgerRow(id, paymentId, kind, amount, LedgerStatus.Unknown, key, now.UtcDateTime) : null;
    }

    sealed record PaymentRow(Guid Id, Guid OrderId, string Status, long Amount, string Currency, long CapturedAmount, long RefundedAmount,
        string CardToken, string? ProviderReference, string? DeclineCode, string CardBrand, string CardLast4, string CardFingerprint, string CardBin,
        string CardCountry, DateTime CreatedAt, DateTime UpdatedAt, string Provider)
    {
        public PaymentDto ToDto(IEnumerable<LedgerRow> ledger) =>
            new(Id, OrderId, Status, Amount, CapturedAmount, RefundedAmount, Currency, new CardDetails(CardBrand, CardLast4, CardFingerprint, CardBin, CardCountry),
                DeclineCode, PaymentDto.Ledger(ledger.Select(e => (e.Id, e.Kind, e.Amount, e.Status, new DateTimeOffset(e.CreatedAt, TimeSpan.Zero)))),
                new DateTimeOffset(CreatedAt, TimeSpan.Zero), new DateTimeOffset(UpdatedAt, TimeSpan.Zero));
    }

    sealed record RefundLimits(long CapturedAmount, long RefundedAmount);

    /// <param name="SentAt">When the call was last sent again; null when it was sent once, at <paramref name="CreatedAt"/>.</param>
    sealed record LedgerRow(Guid Id, Guid PaymentId, string Kind, long Amount, string Status, string IdempotencyKey, DateTime CreatedAt, DateTime? SentAt = null)
    {
        public DateTimeOffset LastSent => new(SentAt ?? CreatedAt, TimeSpan.Zero);
    }
}

/// <summary>What a delivery finds when it claims its event.</summary>
public enum WebhookClaim
{
    /// <summary>This delivery processes it.</summary>
    Claimed,

    /// <summary>Processed by an earlier delivery.</summary>
    Processed,

    /// <summary>Another delivery is processing it right now.</summary>
    InProgress,
}
