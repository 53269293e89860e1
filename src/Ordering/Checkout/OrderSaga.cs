using Bazaar.ServiceDefaults.Telemetry;
using System.Diagnostics.Metrics;
using Bazaar.Ordering.Clients;
using Bazaar.Ordering.Orders;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Email;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Ordering.Checkout;

public sealed class SagaOptions
{
    /// <summary>How long stock is held while checkout runs.</summary>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long stock is held for an order waiting for a risk review; an order nobody decided on by then is withdrawn by the sweeper.</summary>
    public TimeSpan ReviewHoldTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An in-flight order untouched this long is picked up by the sweeper.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many stuck orders one sweep takes up.</summary>
    public int SweepBatch { get; set; } = 100;

    /// <summary>
    /// How long one sweep may spend on stuck orders, half-done cancellations and unrecorded refunds before it leaves the
    /// rest to the next (it finishes the one in hand, and takes at least one of each).
    /// </summary>
    public TimeSpan SweepBudget { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest the sweeper waits before trying an order it could not move again (the wait starts at
    /// <see cref="StuckAfter"/> and doubles up to it). Well below <see cref="ReservationTtl"/>: after an outage the
    /// orders waiting for it are tried again while their stock is still held.
    /// </summary>
    public TimeSpan SweepBackoffLimit { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A refund attempt whose outcome is unrecorded this long is settled from the payment's ledger by the sweeper
    /// (longer than a refund call may take, so the request that made it has given up).</summary>
    public TimeSpan RefundStuckAfter { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Fault injection for tests: makes the saga stop dead right after a step, as if the process had been killed.</summary>
public sealed class SagaFaults
{
    public string? CrashAfter { get; set; }

    public void After(string step)
    {
        if (CrashAfter == step)
            throw new SimulatedCrashException(step);
    }
}

public sealed class SimulatedCrashException(string step) : Exception($"Simulated crash after {step}.");

/// <summary>
/// The checkout saga (ARCHITECTURE.md §2): pending → reserved → approved (or on_hold) → authorized → confirmed, with
/// compensation on every failure. Each step calls another service idempotently by order id, then moves the order with a
/// conditional update (<c>where status = @from</c>), so the request, a retry and the sweeper can all run it at once and
/// exactly one of them advances each step. An unknown outcome (a timeout, a 5xx) leaves the order where it is for the
/// sweeper to ask again; a compensation is completed before the order is marked failed, so every reservation ends
/// committed or released and every authorization belongs to a confirmed order or is voided.
/// </summary>
public sealed class OrderSaga(
    NpgsqlDataSource db,
    CatalogClient catalog,
    PaymentsClient payments,
    RiskClient risk,
    CartClient cart,
    SagaFaults faults,
    IOptions<SagaOptions> options,
    TimeProvider clock,
    IMeterFactory meters,
    ILogger<OrderSaga> logger)
{
    readonly Counter<long> _outcomes = meters.Create("Bazaar.Ordering").CreateCounter<long>("bazaar.ordering.checkouts", description: "Checkouts by outcome");
    readonly Counter<long> _revenue = meters.Create("Bazaar.Ordering").CreateCounter<long>("bazaar.ordering.revenue", unit: "{minor_unit}",
        description: "Totals of confirmed orders in minor units, by currency");

    /// <summary>Runs the saga from wherever the order is until it is final, on hold, or waiting on an unknown outcome.</summary>
    public async Task<string> AdvanceAsync(Guid orderId, CancellationToken ct) =>
        await AdvanceAsync(await LoadAsync(orderId, ct) ?? throw new InvalidOperationException($"Order {orderId} does not exist."), ct);

    /// <param name="order">The order as it stands; checkout passes the one it has just written (with its lines), so nothing is read back.
    /// Each step that moves the order moves this copy too; a step that loses a race re-reads it.</param>
    public async Task<string> AdvanceAsync(SagaOrder order, CancellationToken ct)
    {
        for (var step = 0; step < 8; step++)
        {
            var before = order.Status;
            var next = order.Status switch
            {
                OrderStatus.Pending => ReserveAsync(order, ct),
                OrderStatus.Reserved => AssessAsync(order, ct),
                OrderStatus.Approved => AuthorizeAsync(order, ct),
                OrderStatus.Authorized => ConfirmAsync(order, ct),
                _ => null, // final, or waiting for an admin
            };
            if (next is null)
                return order.Status;
            if (!await next)
                return order.Status != before ? order.Status : (await LoadAsync(order.Id, ct))!.Status;
        }
        return order.Status;
    }

    async Task<bool> ReserveAsync(SagaOrder order, CancellationToken ct)
    {
        order.Lines ??= await LinesAsync(order.Id, ct);
        var reserved = await catalog.ReserveAsync(order.Id, order.Lines, options.Value.ReservationTtl, ct);
        if (reserved.Unknown)
            return false;
        if (!reserved.Ok)
        {
            // Nothing is held after a refusal: the reservation is all or nothing.
            var reason = reserved.Problem?.TryGetProperty("skus", out var skus) == true ? "out_of_stock: " + string.Join(", ", skus.EnumerateArray().Select(s => s.GetString())) : "out_of_stock";
            return await FinishAsync(order, OrderStatus.Pending, OrderStatus.Rejected, "rejected", reason, ct);
        }
        var done = await MoveAsync(order, OrderStatus.Reserved, "stock_reserved", "", null, ct);
        faults.After("reserved");
        return done;
    }

    async Task<bool> AssessAsync(SagaOrder order, CancellationToken ct)
    {
        // The card was described at checkout (stored on the order), so payments is not asked again.
        var assessment = await risk.AssessAsync(new
        {
            orderId = order.Id, customerId = order.UserId, accountCreatedAt = order.AccountCreatedAt, amount = order.Total, currency = order.Currency,
            cardFingerprint = Known(order.CardFingerprint), cardBin = Known(order.CardBin), cardCountry = Known(order.CardCountry), billingCountry = order.BillingCountry,
            ipAddress = order.ClientIp ?? "0.0.0.0", shippingCountry = order.ShippingCountry,
        }, order.Id, ct);
        if (assessment.Unknown)
            return false;
        if (!assessment.Ok)
            logger.LogWarning("Risk refused to assess order {OrderId} ({Reason}); it goes to a person's review without an assessment", order.Id, assessment.Reason);
        var decision = assessment.Ok ? assessment.Body!.Decision : "review"; // a refusal of our own input goes to a human
        var riskFields = new Changes("risk_decision = @decision, risk_assessment_id = @assessmentId", new { decision, assessmentId = assessment.Body?.AssessmentId });
        bool done;
        switch (decision)
        {
            case "approve":
                done = await MoveAsync(order, OrderStatus.Approved, "risk_approved", $"score {assessment.Body?.Score}", riskFields, ct);
                break;
            case "decline":
                return await CompensateAsync(order, OrderStatus.Reserved, OrderStatus.Rejected, "risk_declined", voidPayment: false, ct);
            default:
                // A person decides: keep the stock for as long as a review may take. A hold that is gone (it expired
                // while the saga was stopped) leaves nothing to review.
                var extended = await catalog.ExtendAsync(order.Id, options.Value.ReviewHoldTtl, ct);
                if (extended.Unknown)
                    return false;
                if (!extended.Ok)
                {
                    // Best effort: an entry left in risk's queue is only noise, and names an order that shows rejected.
                    if ((await risk.RecordVerdictAsync(order.Id, "withdrawn", "system", ct)).Unknown)
                        logger.LogWarning("Order {OrderId} is rejected before its review, but risk's review queue may still list it", order.Id);
                    return await CompensateAsync(order, OrderStatus.Reserved, OrderStatus.Rejected, "reservation_expired", voidPayment: false, ct);
                }
                done = await MoveAsync(order, OrderStatus.OnHold, "on_hold", "waiting for a risk review", riskFields, ct);
                if (done)
                    _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "on_hold"));
                faults.After("assessed");
                return false; // the saga waits for an admin
        }
        faults.After("assessed");
        return done;
    }

    async Task<bool> AuthorizeAsync(SagaOrder order, CancellationToken ct)
    {
        var payment = await payments.AuthorizeAsync(order.Id, order.Total, order.Currency, order.PaymentToken, ct);
        if (payment.Unknown || payment.Body?.Status == "unknown")
            return false; // the provider's answer is not known yet: ask again later, never guess
        if (!payment.Ok || payment.Body!.Status == "declined")
            return await CompensateAsync(order, OrderStatus.Approved, OrderStatus.PaymentFailed, "payment_declined: " + (payment.Body?.DeclineCode ?? "refused"), voidPayment: false, ct);
        var done = await MoveAsync(order, OrderStatus.Authorized, "payment_authorized", "", new Changes("payment_id = @paymentId", new { paymentId = payment.Body.Id }), ct);
        if (done)
            order.PaymentId = payment.Body.Id;
        faults.After("authorized");
        return done;
    }

    async Task<bool> ConfirmAsync(SagaOrder order, CancellationToken ct)
    {
        var committed = await catalog.CommitAsync(order.Id, ct);
        if (committed.Unknown)
            return false;
        if (!committed.Ok)
            return await CompensateAsync(order, OrderStatus.Authorized, OrderStatus.Rejected, "reservation_expired", voidPayment: true, ct);

        var now = clock.GetUtcNow();
        var email = OutboxEmail.Create(order.Email, $"Your Bazaar order {order.Number} is confirmed",
            $"""
            Thank you for your order {order.Number}.

            Total: {Bazaar.ServiceDefaults.Money.Currencies.Format(order.Total, order.Currency)}. We will e-mail you again when it ships.
            """, now);
        await using (var connection = await db.OpenConnectionAsync(ct))
            if (!await TransitionAsync(connection, null, order.Id, OrderStatus.Authorized, OrderStatus.Confirmed, "confirmed", "", "system", now, ct, email: email))
                return false;
        order.Status = OrderStatus.Confirmed;
        _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "confirmed"));
        _revenue.Add(order.Total, new KeyValuePair<string, object?>("currency", order.Currency));
        // Best effort: what was ordered leaves the cart, and what the shopper added since (an order approved days
        // after a risk review, say) stays. A line left behind is harmless; the order is confirmed either way.
        try
        {
            order.Lines ??= await LinesAsync(order.Id, ct);
            await cart.RemoveOrderedAsync(order.UserId, order.Id, order.Lines, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Order {OrderId} is confirmed, but its lines could not be taken out of the cart", order.Id);
        }
        faults.After("confirmed");
        return true;
    }

    /// <summary>
    /// A card detail the provider may leave out (Stripe gives no BIN, and not every card a fingerprint or country) as
    /// null, not empty: risk takes an empty value for a malformed one, and a blank country comes back from its
    /// <c>char(2)</c> column as two spaces.
    /// </summary>
    public static string? Known(string? detail) => string.IsNullOrWhiteSpace(detail) ? null : detail.Trim();

    /// <summary>
    /// The payment the order authorized: the id the order recorded, or else (an order that stopped between the
    /// authorization and recording it) what payments knows. Not known when payments could not be asked.
    /// </summary>
    public async Task<(bool Known, Guid? Id)> PaymentIdAsync(SagaOrder order, CancellationToken ct)
    {
        if (order.PaymentId is { } recorded)
            return (true, recorded);
        var found = await payments.FindByOrderAsync(order.Id, ct);
        return found.Unknown ? (false, null) : (true, found.Ok ? found.Body!.Id : null);
    }

    /// <summary>Gives back what the order holds (its reservation; its authorization when asked), then marks it failed.</summary>
    public async Task<bool> CompensateAsync(SagaOrder order, string from, string to, string reason, bool voidPayment, CancellationToken ct)
    {
        if (voidPayment)
        {
            // A payment that may exist but could not be looked up stops the compensation until the sweeper tries again.
            var payment = await PaymentIdAsync(order, ct);
            if (!payment.Known)
                return false;
            if (payment.Id is { } id)
            {
                // Only a void the card network made counts: anything else (no answer, not known yet, refused) leaves
                // the order where it is, and the sweeper voids again (a refused void is tried anew under a new key).
                var voided = await payments.VoidAsync(id, order.Id, ct);
                if (voided.Body?.Voided != true)
                {
                    if (!voided.Unknown)
                        logger.LogWarning("The authorization of order {OrderId} could not be voided ({Reason}); will retry", order.Id,
                            voided.Body?.Refusal ?? voided.Reason);
                    return false;
                }
            }
        }
        var released = await catalog.ReleaseAsync(order.Id, ct);
        if (released.Unknown)
            return false;
        return await FinishAsync(order, from, to, to == OrderStatus.PaymentFailed ? "payment_failed" : "rejected", reason, ct);
    }

    /// <summary>
    /// Marks the order failed. The checkout request that placed it answers the shopper with the outcome; a failure that
    /// comes later (the sweeper finishing a checkout whose answer said it was still being processed, an approval after
    /// a review) is e-mailed, as the shopper is no longer on the page.
    /// </summary>
    async Task<bool> FinishAsync(SagaOrder order, string from, string to, string eventType, string reason, CancellationToken ct)
    {
        var email = order.ShopperWaiting ? null : NotAccepted(order, clock.GetUtcNow(), paymentFailed: to == OrderStatus.PaymentFailed);
        var done = from == order.Status && await MoveAsync(order, to, eventType, reason, new Changes("failure_reason = @reason", new { reason }), ct, email);
        if (done)
            _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", to));
        logger.LogInformation("Order {OrderId} ended {Status}: {Reason}", order.Id, to, reason);
        return false;
    }

    /// <summary>What the customer hears when an order they are not waiting for ends rejected or its payment fails.</summary>
    public static OutboxEmail NotAccepted(SagaOrder order, DateTimeOffset now, bool paymentFailed = false) =>
        OutboxEmail.Create(order.Email, $"Your Bazaar order {order.Number} could not be accepted", paymentFailed
            ? $"We could not accept your order {order.Number}: the payment did not go through. Nothing was charged; you are welcome to order again, with another card if need be. Reply to this e-mail with any question."
            : $"We could not accept your order {order.Number}. Your card was not charged and nothing is owed; any amount reserved on it is released. Reply to this e-mail with any question.",
            now);

    /// <summary>Fields a step sets along with the move (fixed SQL fragments, values as parameters).</summary>
    public sealed record Changes(string Assignments, object Values);

    /// <summary>A saga step's move of <paramref name="order"/>, with its extra fields (and e-mail), in one statement.</summary>
    async Task<bool> MoveAsync(SagaOrder order, string to, string eventType, string detail, Changes? changes, CancellationToken ct, OutboxEmail? email = null)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var moved = await TransitionAsync(connection, null, order.Id, order.Status, to, eventType, detail, "system", clock.GetUtcNow(), ct, changes, email);
        if (moved)
            order.Status = to;
        return moved;
    }

    /// <summary>
    /// Moves the order only if it is still where the caller saw it, and writes the timeline entry (and the e-mail that
    /// goes with the move, if any, to the outbox) in the same statement: one round trip, and the event and e-mail exist
    /// exactly when the move happened.
    /// </summary>
    public static async Task<bool> TransitionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid orderId, string from, string to,
        string eventType, string detail, string actor, DateTimeOffset now, CancellationToken ct, Changes? changes = null, OutboxEmail? email = null)
    {
        if (!OrderStatus.CanMove(from, to))
            throw new IllegalTransitionException(from, to);
        var parameters = new DynamicParameters(changes?.Values);
        parameters.AddDynamicParams(new { orderId, from, to, now, eventId = Guid.CreateVersion7(now), eventType, detail, actor });
        var extra = changes is null ? "" : ", " + changes.Assignments;
        var mail = "";
        if (email is { Recipient.Length: > 0 })
        {
            parameters.AddDynamicParams(OutboxValues(email));
            mail = $"""
                , mailed as (
                    {OutboxInsert} select {OutboxColumns} from moved)
                """;
        }
        var moved = await connection.ExecuteAsync(new CommandDefinition($"""
            with moved as (
                update orders set status = @to, updated_at = @now, version = version + 1, sweep_attempts = 0, sweep_after = null{extra}
                where id = @orderId and status = @from
                returning id){mail}
            insert into order_events (id, order_id, type, detail, actor, created_at)
            select @eventId, id, @eventType, @detail, @actor, @now from moved
            """, parameters, transaction, cancellationToken: ct));
        return moved == 1;
    }

    const string OutboxInsert = "insert into email_outbox (id, recipient, subject, text_body, created_at, next_attempt_at, sensitive)";
    const string OutboxColumns = "@mailId, @mailTo, @mailSubject, @mailBody, @mailAt, @mailAt, @mailSensitive";

    static object OutboxValues(OutboxEmail email) => new
    {
        mailId = email.Id, mailTo = email.Recipient, mailSubject = email.Subject, mailBody = email.TextBody, mailAt = email.CreatedAt, mailSensitive = email.Sensitive,
    };

    /// <summary>Puts an e-mail in the outbox in the caller's transaction (an e-mail that goes with no move of the order; none without a recipient).</summary>
    public static Task QueueEmailAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, OutboxEmail email, CancellationToken ct) =>
        email.Recipient.Length == 0 ? Task.CompletedTask
            : connection.ExecuteAsync(new CommandDefinition($"{OutboxInsert} values ({OutboxColumns})", OutboxValues(email), transaction, cancellationToken: ct));

    async Task<IReadOnlyList<ReservationLine>> LinesAsync(Guid orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<ReservationLine>(new CommandDefinition(
            "select sku, quantity from order_lines where order_id = @orderId order by sku", new { orderId }, cancellationToken: ct))];
    }

    public async Task<SagaOrder?> LoadAsync(Guid orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SagaOrder>(new CommandDefinition("""
            select id, number, user_id as userid, email, status, currency, total, payment_token as paymenttoken, billing_country as billingcountry,
                   shipping_address->>'country' as shippingcountry, client_ip as clientip, account_created_at as accountcreatedat,
                   card_fingerprint as cardfingerprint, card_bin as cardbin, card_country as cardcountry, payment_id as paymentid
            from orders where id = @orderId
            """, new { orderId }, cancellationToken: ct));
    }

}

public sealed class SagaOrder
{
    public Guid Id { get; init; }
    public long Number { get; init; }
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string Status { get; set; } = "";
    public string Currency { get; init; } = "";
    public long Total { get; init; }
    public string PaymentToken { get; init; } = "";
    public string BillingCountry { get; init; } = "";
    public string ShippingCountry { get; init; } = "";
    public string? ClientIp { get; init; }
    public DateTime? AccountCreatedAt { get; init; }

    /// <summary>The order's lines when the caller has them at hand (checkout); null until the saga first needs and reads them.</summary>
    public IReadOnlyList<ReservationLine>? Lines { get; set; }
    public string? CardFingerprint { get; init; }
    public string? CardBin { get; init; }
    public string? CardCountry { get; init; }

    /// <summary>The authorized payment, once the order has one.</summary>
    public Guid? PaymentId { get; set; }

    /// <summary>Whether this run is the checkout request's own, whose answer tells the shopper how it ended.</summary>
    public bool ShopperWaiting { get; init; }
}

/// <summary>
/// Finishes or compensates every order a crash or a timeout left in the middle of checkout, finishes cancellations left
/// half way, withdraws orders held for review past <see cref="SagaOptions.ReviewHoldTtl"/>, and settles refunds whose
/// outcome was never recorded.
/// </summary>
public sealed class SagaSweeper : PeriodicWork
{
    readonly OrderSaga saga;
    readonly OrderActions actions;
    readonly DueOrders due;
    readonly NpgsqlDataSource db;
    readonly IOptions<SagaOptions> options;

    /// <summary>
    /// What the last sweep found stuck, by status, "cancelling" for cancellations left half way, and "review_expired"
    /// for held orders past their review time not withdrawn yet: the backlog the on-call sees (alert OrdersStuckInCheckout).
    /// </summary>
    readonly LastCountGauge _stuck;

    /// <summary>Refund attempts older than RefundStuckAfter that the last sweep could not settle (alert RefundsUnsettled).</summary>
    volatile int _unsettledRefunds;

    public SagaSweeper(OrderSaga saga, OrderActions actions, DueOrders due, NpgsqlDataSource db, IOptions<SagaOptions> options, TimeProvider clock,
        IMeterFactory meters, ILogger<SagaSweeper> logger) : base(clock, logger)
    {
        (this.saga, this.actions, this.due, this.db, this.options) = (saga, actions, due, db, options);
        _stuck = new LastCountGauge(meters.Create("Bazaar.Ordering"), "bazaar.ordering.saga_stuck_orders", "status",
            [.. OrderStatus.InFlight, "cancelling", "review_expired"], "{order}",
            "Orders the last sweep found stuck in an intermediate checkout step, by status (cancelling: cancellations left half way; review_expired: held past their review time, not withdrawn yet)");
        meters.Create("Bazaar.Ordering").CreateObservableGauge("bazaar.ordering.unsettled_refunds", () => _unsettledRefunds,
            unit: "{attempt}", description: "Refund attempts older than Ordering:Saga:RefundStuckAfter whose outcome the last sweep could not record");
    }

    protected override TimeSpan Interval => options.Value.SweepEvery;

    protected override string Name => "Saga sweep";

    protected override Task RunOnceAsync(CancellationToken ct) => SweepAsync(ct);

    public async Task SweepAsync(CancellationToken ct)
    {
        var before = Clock.GetUtcNow() - options.Value.StuckAfter;
        var stuck = await SelectStuckAsync(before, ct);
        var started = Clock.GetTimestamp();
        bool Spent() => Clock.GetElapsedTime(started) >= options.Value.SweepBudget;
        await due.WorkOffAsync(stuck, async order => await saga.AdvanceAsync(order.Id, ct) != order.Status, "advance", Spent, ct);
        try
        {
            await actions.FinishCancellationsAsync(before, Spent, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Could not finish the cancellations left half way; will retry");
        }
        try
        {
            await actions.WithdrawUnreviewedAsync(Spent, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Could not withdraw the orders held past their review time; will retry");
        }
        try
        {
            var refundsBefore = Clock.GetUtcNow() - options.Value.RefundStuckAfter;
            await actions.SettleRefundsAsync(refundsBefore, Spent, ct);
            await using var connection = await db.OpenConnectionAsync(ct);
            _unsettledRefunds = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "select count(*)::int from refund_attempts where created_at < @refundsBefore", new { refundsBefore }, cancellationToken: ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Could not settle unrecorded refunds; will retry");
        }
    }

    /// <summary>
    /// Updates the stuck-order gauges and picks the next batch. Its connection goes back to the pool before the batch is
    /// worked off: each order opens its own while it calls other services.
    /// </summary>
    async Task<List<DueOrder>> SelectStuckAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var parameters = new { inFlight = OrderStatus.InFlight.ToArray(), before };
        var backlog = (await connection.QueryAsync<(string Status, int Count)>(new CommandDefinition("""
            select status, count(*)::int from orders where status = any(@inFlight) and updated_at < @before group by status
            """, parameters, cancellationToken: ct))).ToDictionary(r => r.Status, r => r.Count);
        // Held orders are counted StuckAfter past their review time, as stuck ones are past their last move: only those a
        // sweep could not withdraw count. One whose cancellation is under way counts as cancelling.
        var (cancelling, reviewExpired) = await connection.QuerySingleAsync<(int, int)>(new CommandDefinition("""
            select count(*) filter (where cancel_requested_at < @before)::int,
                   count(*) filter (where status = @onHold and updated_at < @heldBefore and cancel_requested_at is null)::int
            from orders where cancel_requested_at < @before or (status = @onHold and updated_at < @heldBefore)
            """, new { parameters.before, onHold = OrderStatus.OnHold, heldBefore = Clock.GetUtcNow() - options.Value.ReviewHoldTtl - options.Value.StuckAfter },
            cancellationToken: ct));
        backlog["cancelling"] = cancelling;
        backlog["review_expired"] = reviewExpired;
        _stuck.Set(backlog);
        // Orders not tried yet first, oldest first; the ones tried and left where they were wait their turn behind them.
        var now = Clock.GetUtcNow();
        return (await connection.QueryAsync<(Guid Id, string Status, int Attempts)>(new CommandDefinition("""
            select id, status, sweep_attempts from orders
            where status = any(@inFlight) and updated_at < @before and (sweep_after is null or sweep_after <= @now)
            order by coalesce(sweep_after, updated_at) limit @batch
            """, new { parameters.inFlight, parameters.before, now, batch = options.Value.SweepBatch }, cancellationToken: ct)))
            .Select(r => new DueOrder(r.Id, r.Status, r.Attempts)).ToList();
    }
}
