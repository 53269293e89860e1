using System.Security.Claims;
using Bazaar.Ordering.Checkout;
using Bazaar.Ordering.Clients;
using Bazaar.ServiceDefaults.Email;
using Bazaar.ServiceDefaults.Money;
using Bazaar.ServiceDefaults.Problems;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Ordering.Orders;

/// <summary>What people do to orders after checkout: cancel, approve or reject a held order, ship, deliver, refund.</summary>
public sealed class OrderActions(NpgsqlDataSource db, OrderSaga saga, CatalogClient catalog, PaymentsClient payments, RiskClient risk, IOptions<SagaOptions> sagaOptions,
    DueOrders due, TimeProvider clock, ILogger<OrderActions> logger)
{
    /// <summary>Another service did not answer: a 503 that says what is known now (by default, that nothing changed).</summary>
    public static ProblemHttpResult Unavailable(string what, string state = "nothing was changed. Try again in a moment.") =>
        Problem.Unavailable($"The {what} did not answer; {state}");

    /// <summary>
    /// Before shipping: void the authorization, give the stock back, and end the order as cancelled. The order row stays
    /// locked meanwhile (as for shipping and refunds), so a cancellation and a shipment of one order cannot both act on
    /// payments and catalog: the second sees what the first left. A payment already captured (a shipment whose answer
    /// was lost) cannot be voided: the customer's cancellation is refused, as the parcel may be on its way; staff, who
    /// know it did not leave, cancel it with a refund of what was captured.
    /// </summary>
    public async Task<ProblemHttpResult?> CancelAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Written down first, on its own: a cancellation that stops half way is finished by the sweeper.
        await connection.ExecuteAsync(new CommandDefinition("""
            update orders set cancel_requested_by = case when cancel_requested_at is null then @actor else cancel_requested_by end,
                              cancel_requested_at = coalesce(cancel_requested_at, @now)
            where id = @id and status = any(@cancellable)
            """, new { id = order.Id, actor, now = clock.GetUtcNow(), cancellable = Cancellable }, cancellationToken: ct));
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var status = (await LockAsync(connection, transaction, order.Id, ct))!.Status;
        return await CancelLockedAsync(connection, transaction, order, status, actor, resumed: false, ct);
    }

    static readonly string[] Cancellable = [OrderStatus.OnHold, OrderStatus.Confirmed];

    /// <summary>
    /// The sweeper's turn at a cancellation left half way: only while it is still asked for and nobody else holds the
    /// order (a customer's cancel or another replica's sweeper is at it: skipped, not waited for).
    /// </summary>
    /// <returns>Null when there was nothing to do now; true when the order is cancelled; false when it could not be yet.</returns>
    async Task<bool?> ResumeCancelAsync(SagaOrder order, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(connection, transaction, order.Id, ct, skipLocked: true) is not { CancelRequestedBy: { } requestedBy } locked)
            return null;
        // Finished in the name of whoever asked.
        return await CancelLockedAsync(connection, transaction, order, locked.Status, requestedBy, resumed: true, ct) is null;
    }

    /// <param name="resumed">the sweeper finishing a cancellation whose requester was told it would be completed</param>
    async Task<ProblemHttpResult?> CancelLockedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order, string status, string actor,
        bool resumed, CancellationToken ct)
    {
        long refunded = 0;
        switch (status)
        {
            case OrderStatus.OnHold:
                // It leaves risk's review queue undecided (replacing an approval that stopped half way; risk keeps a
                // rejection that did, which says who turned the order down).
                if ((await risk.RecordVerdictAsync(order.Id, "withdrawn", actor, ct)).Unknown)
                    return Unavailable("risk service", CancellationRecorded);
                if ((await catalog.ReleaseAsync(order.Id, ct)).Unknown)
                    return Unavailable("catalog", CancellationRecorded);
                break;
            case OrderStatus.Confirmed:
                var payment = await saga.PaymentIdAsync(order, ct);
                if (!payment.Known)
                    return Unavailable("payment service", CancellationRecorded);
                if (payment.Id is { } paymentId)
                {
                    var voided = await payments.VoidAsync(paymentId, order.Id, ct);
                    if (voided.Unknown || voided.Body?.Pending == true)
                        return Unavailable("payment service", CancellationRecorded);
                    if (voided.Status == System.Net.HttpStatusCode.Conflict)
                    {
                        // Refused because money was captured: a shipment whose answer was lost got that far, and the
                        // parcel may be on its way. Only staff, who know whether it left, cancel it with a refund.
                        var (refundedNow, stop) = await RefundCapturedAsync(connection, transaction, order, paymentId, actor, resumed, voided.Reason, ct);
                        if (stop is not null)
                            return stop;
                        refunded = refundedNow;
                    }
                    else if (!voided.Ok)
                        return await NotCancelledAsync(connection, transaction, order, resumed, "The payment could not be voided, so the order is not cancelled: " + voided.Reason, ct);
                    else if (!voided.Body!.Voided)
                        return await NotCancelledAsync(connection, transaction, order, resumed,
                            $"The payment could not be voided ({voided.Body.Refusal}), so the order is not cancelled.", ct);
                }
                if ((await catalog.ReturnAsync(order.Id, ct)).Unknown)
                    return Unavailable("catalog", CancellationRecorded);
                break;
            default:
                // (A cancellation finished, or the order shipped, since it was requested: nothing is left to do.)
                return await NotCancelledAsync(connection, transaction, order, false, status is OrderStatus.Shipped or OrderStatus.Delivered
                    ? "This order has shipped and can no longer be cancelled; ask for a refund instead."
                    : $"An order that is {status.Replace('_', ' ')} cannot be cancelled.", ct);
        }
        var now = clock.GetUtcNow();
        var moved = await OrderSaga.TransitionAsync(connection, transaction, order.Id, status, OrderStatus.Cancelled, "cancelled",
            refunded > 0 ? $"refunded {Currencies.Format(refunded, order.Currency)}" : "", actor, now, ct,
            new OrderSaga.Changes("cancel_requested_at = null, cancel_requested_by = null, refunded = @refunded", new { refunded }),
            email: OutboxEmail.Create(order.Email, $"Your Bazaar order {order.Number} is cancelled", refunded > 0
                ? $"Your order has been cancelled. The {Currencies.Format(refunded, order.Currency)} charged to your card is refunded."
                : "Your order has been cancelled. Any amount reserved on your card is released.", now));
        await transaction.CommitAsync(ct);
        return moved ? null : Changed();
    }

    /// <summary>
    /// Refunds what a lost shipment answer captured, for a staff cancellation: everything captured and not refunded yet, under
    /// one key per order and earlier declined refund, so the sweeper finishing the cancellation asks again instead of
    /// refunding twice. Payments not knowing yet (the capture's or the refund's outcome) leaves the cancellation to the
    /// sweeper; a declined refund ends it, as a refused void does.
    /// </summary>
    async Task<(long Refunded, ProblemHttpResult? Stop)> RefundCapturedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order,
        Guid paymentId, string actor, bool resumed, string voidRefusal, CancellationToken ct)
    {
        var current = await payments.GetAsync(paymentId, ct);
        if (current.Unknown || current.Body?.Pending == true || current.Body?.RefundPending == true)
            return (0, Unavailable("payment service", CancellationRecorded));
        if (!current.Ok)
            return (0, await NotCancelledAsync(connection, transaction, order, resumed, "The payment could not be voided, so the order is not cancelled: " + voidRefusal, ct));
        if (current.Body!.CapturedAmount == 0) // the capture that stood in the way has failed since: void again
            return (0, Unavailable("payment service", CancellationRecorded));
        if (actor == CustomerActor)
            return (0, await NotCancelledAsync(connection, transaction, order, resumed,
                "This order is being shipped and can no longer be cancelled; once it arrives, you can ask for a refund.", ct));
        var captured = current.Body;
        if (captured.RefundedInLedger < captured.CapturedAmount)
        {
            var declined = captured.Refunds.Count(r => r.Status == "failed");
            var key = CallKeys.For($"cancel-refund:{order.Id}:{declined}");
            var result = await payments.RefundAsync(paymentId, captured.CapturedAmount - captured.RefundedInLedger, key, ct);
            if (result.Unknown || result.Body?.RefundPending == true)
                return (0, Unavailable("payment service", CancellationRecorded));
            if (!result.Ok || result.Body!.RefundedInLedger < result.Body.CapturedAmount)
                return (0, await NotCancelledAsync(connection, transaction, order, resumed,
                    "The payment was captured and its refund was declined, so the order is not cancelled" + (result.Ok ? "." : ": " + result.Reason), ct));
            captured = result.Body;
        }
        return (captured.RefundedInLedger, null);
    }

    /// <summary>Who a customer's own cancellation is recorded as (staff are recorded by their id).</summary>
    public const string CustomerActor = "customer";

    /// <summary>The order's row as <see cref="LockAsync"/> read it under its lock.</summary>
    /// <param name="CancelRequestedBy">who asked for a cancellation still under way; null when none is</param>
    sealed record Locked(string Status, long Refunded, string? CancelRequestedBy)
    {
        public bool CancellationPending => CancelRequestedBy is not null;
    }

    /// <summary>
    /// Locks the order's row until the caller's transaction ends and returns it as it is now. Cancel, ship and refund
    /// call other services while they hold it, so actions on one order run one at a time. With
    /// <paramref name="skipLocked"/>, an order locked by someone else is null instead of waited for.
    /// </summary>
    static Task<Locked?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId, CancellationToken ct, bool skipLocked = false) =>
        connection.QuerySingleOrDefaultAsync<Locked?>(new CommandDefinition($"""
            select status, refunded, case when cancel_requested_at is null then null else coalesce(cancel_requested_by, 'system') end as cancelrequestedby
            from orders where id = @id for no key update{(skipLocked ? " skip locked" : "")}
            """, new { id = orderId }, transaction, cancellationToken: ct));

    /// <summary>What a cancellation that could not finish now says: it is written down, and the sweeper finishes it.</summary>
    const string CancellationRecorded = "the cancellation is recorded and will be completed shortly (an e-mail confirms it). There is no need to send it again.";

    static ProblemHttpResult Changed() => Problem.Conflict("The order changed while this was being done; reload it and try again.");

    /// <summary>
    /// A cancellation that cannot be done: the order stays as it is, and the sweeper does not try it again. When the
    /// sweeper was finishing it (the customer was told it would be), the customer hears by e-mail.
    /// </summary>
    /// <param name="tell">the requester was told the cancellation would be completed: they hear by e-mail that it was not</param>
    async Task<ProblemHttpResult> NotCancelledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order, bool tell, string detail,
        CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "update orders set cancel_requested_at = null, cancel_requested_by = null where id = @orderId", new { orderId = order.Id },
            transaction, cancellationToken: ct));
        if (tell)
            await OrderSaga.QueueEmailAsync(connection, transaction, OutboxEmail.Create(order.Email, $"Your Bazaar order {order.Number} could not be cancelled",
                "The cancellation of your order could not be completed: the card network did not release or refund the payment. The order stays confirmed; reply to this e-mail with any question.",
                clock.GetUtcNow()), ct);
        await transaction.CommitAsync(ct);
        return Problem.Conflict(detail);
    }

    /// <summary>
    /// Finishes the cancellations that stopped half way and were requested before <paramref name="before"/>; one that
    /// still cannot finish waits like a stuck order (<c>sweep_after</c>) and goes behind the others.
    /// </summary>
    /// <returns>How many it finished.</returns>
    /// <param name="spent">whether the sweep's time is up (checked before each cancellation after the first)</param>
    public async Task<int> FinishCancellationsAsync(DateTimeOffset before, Func<bool> spent, CancellationToken ct)
    {
        List<DueOrder> pending;
        await using (var connection = await db.OpenConnectionAsync(ct))
            pending = [.. (await connection.QueryAsync<(Guid Id, string Status, int Attempts)>(new CommandDefinition("""
                select id, status, sweep_attempts from orders where cancel_requested_at < @before and (sweep_after is null or sweep_after <= @now)
                order by coalesce(sweep_after, cancel_requested_at) limit @batch
                """, new { before, now = clock.GetUtcNow(), batch = sagaOptions.Value.SweepBatch }, cancellationToken: ct)))
                .Select(r => new DueOrder(r.Id, r.Status, r.Attempts))];
        return await due.WorkOffAsync(pending, async pendingOrder =>
        {
            if (await saga.LoadAsync(pendingOrder.Id, ct) is not { } order)
                return null;
            if (order.Status is not (OrderStatus.OnHold or OrderStatus.Confirmed))
            {
                await ClearCancellationAsync(order.Id, ct); // cancelled (or shipped) meanwhile
                return null;
            }
            return await ResumeCancelAsync(order, ct); // null: someone else is at it, or it was settled meanwhile
        }, "finish the cancellation of", spent, ct);
    }

    /// <summary>Clears a cancellation request of an order that can no longer be cancelled (checked in the statement itself).</summary>
    async Task ClearCancellationAsync(Guid orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update orders set cancel_requested_at = null, cancel_requested_by = null where id = @orderId and status <> all(@open)",
            new { orderId, open = (string[])[OrderStatus.OnHold, OrderStatus.Confirmed, .. OrderStatus.InFlight] }, cancellationToken: ct));
    }

    /// <summary>
    /// Held orders nobody decided on within <see cref="SagaOptions.ReviewHoldTtl"/> (catalog gives their stock back
    /// then): each is withdrawn from risk's review queue, its reservation released, and the order rejected with
    /// <c>review_expired</c>; the customer hears that nothing was charged. One that cannot be finished now (risk or
    /// catalog did not answer) waits like a stuck order. An order whose cancellation is under way is left to it.
    /// </summary>
    /// <returns>How many it withdrew.</returns>
    /// <param name="spent">whether the sweep's time is up (checked before each order after the first)</param>
    public async Task<int> WithdrawUnreviewedAsync(Func<bool> spent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<DueOrder> expired;
        await using (var connection = await db.OpenConnectionAsync(ct))
            expired = [.. (await connection.QueryAsync<(Guid Id, int Attempts)>(new CommandDefinition("""
                select id, sweep_attempts from orders
                where status = @onHold and updated_at < @heldBefore and cancel_requested_at is null and (sweep_after is null or sweep_after <= @now)
                order by coalesce(sweep_after, updated_at) limit @batch
                """, new { onHold = OrderStatus.OnHold, heldBefore = now - sagaOptions.Value.ReviewHoldTtl, now, batch = sagaOptions.Value.SweepBatch },
                cancellationToken: ct))).Select(r => new DueOrder(r.Id, OrderStatus.OnHold, r.Attempts))];
        return await due.WorkOffAsync(expired, order => WithdrawAsync(order.Id, ct), "withdraw (held past its review time)", spent, ct);
    }

    /// <returns>True when withdrawn; null when there is nothing to do now (decided, cancelling, or taken by another
    /// replica meanwhile); false when risk or catalog did not answer.</returns>
    async Task<bool?> WithdrawAsync(Guid orderId, CancellationToken ct)
    {
        if (await saga.LoadAsync(orderId, ct) is not { } order)
            return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Another replica's sweeper, or a person deciding right now, holds it: theirs to finish. Still on hold means
        // still held since before the cut-off (an order never comes back to on hold).
        if (await LockAsync(connection, transaction, orderId, ct, skipLocked: true) is not { Status: OrderStatus.OnHold, CancellationPending: false })
            return null;
        if ((await catalog.ReleaseAsync(orderId, ct)).Unknown || !await RejectUndecidedAsync(connection, transaction, order, "review_expired", "system", ct))
            return false;
        logger.LogInformation("Order {OrderId} was held for review past {ReviewHoldTtl} and is withdrawn", orderId, sagaOptions.Value.ReviewHoldTtl);
        return true;
    }

    /// <summary>
    /// Ends a held order nobody decided on (its review outlasted its time, or its stock hold): risk's record says the
    /// review was withdrawn (unless it holds a person's rejection that stopped half way: that stays, naming who turned
    /// the order down, while the order's timeline shows it ended by <paramref name="actor"/> for <paramref name="reason"/>),
    /// the order is rejected with <paramref name="reason"/>, and the customer hears that nothing was charged. The caller
    /// holds the order's lock; this commits the caller's transaction.
    /// </summary>
    /// <returns>false when risk did not answer: nothing was moved.</returns>
    async Task<bool> RejectUndecidedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order, string reason, string actor, CancellationToken ct)
    {
        if ((await risk.RecordVerdictAsync(order.Id, "withdrawn", actor, ct)).Unknown)
            return false;
        var now = clock.GetUtcNow();
        await OrderSaga.TransitionAsync(connection, transaction, order.Id, OrderStatus.OnHold, OrderStatus.Rejected, "rejected", reason, actor, now, ct,
            new OrderSaga.Changes("failure_reason = @reason", new { reason }), OrderSaga.NotAccepted(order, now));
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// A held order a person accepts: the checkout goes on (authorize, confirm). Not while the customer's cancellation is
    /// under way. The stock must still be held for the rest of the checkout (it is kept at least
    /// <see cref="SagaOptions.ReservationTtl"/> longer): a review that outlasted the hold (<see cref="SagaOptions.ReviewHoldTtl"/>,
    /// after which catalog gives the stock back) rejects the order instead, before any card is charged.
    /// </summary>
    public async Task<ProblemHttpResult?> ApproveAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (await LockHeldAsync(connection, transaction, order, "approved", ct) is { } refused)
                return refused;
            // First the stock (an extension never shortens a hold, so one that is not followed by the approval harms nothing).
            var held = await catalog.ExtendAsync(order.Id, sagaOptions.Value.ReservationTtl, ct);
            if (held.Unknown)
                return Unavailable("catalog");
            if (held.Status is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
            {
                // Risk's record says what happened: the review came too late (or an earlier rejection stands), not
                // that the order was approved.
                if (!await RejectUndecidedAsync(connection, transaction, order, "reservation_expired", actor, ct))
                    return Unavailable("risk service");
                return Problem.Conflict("The stock held for this order ran out before the review ended, so the order is rejected instead; the card was not charged.");
            }
            if (!held.Ok)
                return Problem.Conflict("Catalog did not keep the order's stock held, so the order is still on hold: " + held.Reason);
            if (await RecordVerdictAsync(order, "approved", actor, ct) is { } notRecorded)
                return notRecorded;
            await OrderSaga.TransitionAsync(connection, transaction, order.Id, OrderStatus.OnHold, OrderStatus.Approved, "review_approved", "", actor, clock.GetUtcNow(), ct);
            await transaction.CommitAsync(ct);
        }
        await saga.AdvanceAsync(order.Id, ct); // continue the checkout: authorize, confirm
        return null;
    }

    /// <summary>
    /// Locks a held order for a person's decision and records the verdict (<c>approved</c> or <c>rejected</c>). The
    /// verdict goes to risk's review record before the order moves (the order row is locked meanwhile, so decisions
    /// reach risk in order and the latest stands there). A decision that stops after this leaves the order on hold with
    /// its verdict recorded; the decision sent again, or another one, brings the two together. An order risk never
    /// assessed (held because risk refused its input) has no record to keep.
    /// </summary>
    async Task<ProblemHttpResult?> DecideHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order, string outcome, string actor,
        CancellationToken ct) =>
        await LockHeldAsync(connection, transaction, order, outcome, ct) ?? await RecordVerdictAsync(order, outcome, actor, ct);

    /// <summary>Locks the order for a person's decision: only while it is on hold, and not while the customer's cancellation is under way.</summary>
    async Task<ProblemHttpResult?> LockHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order, string outcome, CancellationToken ct)
    {
        var locked = (await LockAsync(connection, transaction, order.Id, ct))!;
        if (locked.Status != OrderStatus.OnHold)
            return Problem.Conflict($"Only an order on hold can be {outcome}.");
        if (locked.CancellationPending)
            return Problem.Conflict($"The customer's cancellation of this order is under way; it will be cancelled, not {outcome}.");
        return null;
    }

    /// <summary>The verdict on risk's review record (see <see cref="DecideHeldAsync"/>).</summary>
    async Task<ProblemHttpResult?> RecordVerdictAsync(SagaOrder order, string outcome, string actor, CancellationToken ct)
    {
        var recorded = await risk.RecordVerdictAsync(order.Id, outcome, actor, ct);
        if (recorded.Unknown)
            return Unavailable("risk service");
        if (recorded.Ok || recorded.Status == System.Net.HttpStatusCode.NotFound)
            return null;
        return Problem.Conflict("The risk service did not record the verdict, so the order is still on hold: " + recorded.Reason);
    }

    const string VerdictRecorded = "the verdict is recorded, but the order is still on hold. Send it again in a moment.";

    /// <summary>
    /// A held order a person turned down: its stock goes back. The row stays locked meanwhile, so a concurrent approval
    /// waits and then finds the order rejected, rather than authorizing a card for stock this has just released.
    /// </summary>
    public async Task<ProblemHttpResult?> RejectAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await DecideHeldAsync(connection, transaction, order, "rejected", actor, ct) is { } refused)
            return refused;
        if ((await catalog.ReleaseAsync(order.Id, ct)).Unknown)
            return Unavailable("catalog", VerdictRecorded);
        var now = clock.GetUtcNow();
        var moved = await OrderSaga.TransitionAsync(connection, transaction, order.Id, OrderStatus.OnHold, OrderStatus.Rejected, "review_rejected", "", actor,
            now, ct, email: OrderSaga.NotAccepted(order, now));
        await transaction.CommitAsync(ct);
        return moved ? null : Changed();
    }

    /// <summary>
    /// Shipping captures the payment; the tracking number goes to the customer by e-mail. The order row stays locked
    /// meanwhile, so a concurrent cancellation or second shipment waits and then finds the order shipped.
    /// </summary>
    public async Task<ProblemHttpResult?> ShipAsync(SagaOrder order, ShipRequest request, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var locked = (await LockAsync(connection, transaction, order.Id, ct))!;
        if (locked.Status != OrderStatus.Confirmed)
            return Problem.Conflict("Only a confirmed order can be shipped.");
        if (locked.CancellationPending)
            return Problem.Conflict("A cancellation of this order is under way; it cannot be shipped.");
        var payment = await saga.PaymentIdAsync(order, ct);
        if (!payment.Known)
            return Unavailable("payment service");
        if (payment.Id is not { } paymentId)
            return Problem.Conflict("This order has no authorized payment to capture.");
        // The capture's key: the order's own, so a shipment sent again after a lost answer never captures twice; after
        // captures the card network refused, a new one per refusal, so shipping again tries anew instead of replaying it.
        var before = await payments.GetAsync(paymentId, ct);
        if (!before.Ok)
            return Unavailable("payment service");
        var refused = (before.Body!.Transactions ?? []).Count(t => t.Kind == "capture" && t.Status == "failed");
        var key = refused == 0 ? order.Id : CallKeys.For($"capture:{order.Id}:{refused}");
        var captured = await payments.CaptureAsync(paymentId, key, ct);
        if (captured.Unknown || captured.Body?.Pending == true)
            return Unavailable("payment service",
                "it is not known whether the payment was captured, and the order is still confirmed. Send the shipment again: the payment is not captured twice.");
        if (!captured.Ok)
            return Problem.Conflict("The payment could not be captured: " + captured.Reason);
        if (!captured.Body!.Captured)
            return Problem.Conflict($"The payment could not be captured ({captured.Body.Refusal}); the order is still confirmed and has not shipped.");
        var now = clock.GetUtcNow();
        await OrderSaga.TransitionAsync(connection, transaction, order.Id, OrderStatus.Confirmed, OrderStatus.Shipped, "shipped", $"{request.Carrier} {request.TrackingNumber}",
            actor, now, ct, new OrderSaga.Changes("carrier = @carrier, tracking_number = @trackingNumber", new { carrier = request.Carrier, trackingNumber = request.TrackingNumber }),
            OutboxEmail.Create(order.Email, $"Your Bazaar order {order.Number} is on its way",
                $"Your order has shipped with {request.Carrier}. Tracking number: {request.TrackingNumber}.", now));
        await transaction.CommitAsync(ct);
        return null;
    }

    /// <summary>Delivered: the catalog hears about each product, so the customer's reviews show as verified purchases.</summary>
    public async Task<ProblemHttpResult?> DeliverAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var locked = (await LockAsync(connection, transaction, order.Id, ct))!;
        // By the timeline too: a replica from before delivered_at marked orders delivered without it, during the
        // rollout that brought it.
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            select exists (select 1 from orders where id = @id and delivered_at is not null)
                or exists (select 1 from order_events where order_id = @id and type = 'delivered')
            """, new { id = order.Id }, transaction, cancellationToken: ct)))
            return Problem.Conflict("This order is already marked delivered.");
        // Shipped, or partially refunded while in transit; a refund in full leaves nothing to deliver for.
        if (locked.Status is not (OrderStatus.Shipped or OrderStatus.PartiallyRefunded))
            return Problem.Conflict("Only a shipped order can be delivered.");
        var now = clock.GetUtcNow();
        var products = await connection.QueryAsync<Guid>(new CommandDefinition("select distinct product_id from order_lines where order_id = @id",
            new { id = order.Id }, transaction, cancellationToken: ct));
        foreach (var productId in products)
            if ((await catalog.ReportDeliveryAsync(order.UserId, productId, order.Id, now, ct)).Unknown)
                return Unavailable("catalog");
        var to = locked.Status == OrderStatus.Shipped ? OrderStatus.Delivered : locked.Status;
        var moved = await OrderSaga.TransitionAsync(connection, transaction, order.Id, locked.Status, to, "delivered", "", actor, now, ct,
            new OrderSaga.Changes("delivered_at = @deliveredAt", new { deliveredAt = now }));
        await transaction.CommitAsync(ct);
        return moved ? null : Changed();
    }

    /// <summary>
    /// Full or partial refund of what was captured. Refunds of one order are taken one at a time (the row stays locked
    /// while payments answers: refunds are rare and the call has a timeout), keyed by what was refunded and declined
    /// before and the amount: the same refund sent again after an unknown outcome is the same refund, a declined one is
    /// tried anew. A refund of an order whose refunds changed since the caller saw <paramref name="expectedRefunded"/> is
    /// refused, so a refund sent twice (two admins, a double click, a retry after the sweeper has recorded the first
    /// one) is made once. The order records what the payment's ledger says was refunded. The
    /// attempt is written down before payments is asked, so a refund whose answer never comes is settled by
    /// <see cref="SettleRefundsAsync"/>.
    /// </summary>
    public async Task<ProblemHttpResult?> RefundAsync(SagaOrder order, long? amount, long expectedRefunded, string actor, CancellationToken ct)
    {
        // Both connections are taken before the order is locked: the lock holder never waits for the pool.
        await using var attempts = await db.OpenConnectionAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (status, refunded, _) = (await LockAsync(connection, transaction, order.Id, ct))!;
        if (!OrderStatus.Refundable.Contains(status))
            return Problem.Conflict(status == OrderStatus.Refunded ? "This order is refunded in full." : "Only a shipped or delivered order can be refunded; cancel it instead.");
        ProblemHttpResult RefundsChanged(long refundedNow) =>
            Problem.Conflict($"The order's refunds changed since it was loaded: {Currencies.Format(refundedNow, order.Currency)} is refunded now. Reload the order and check before refunding again.");
        if (expectedRefunded != refunded)
            return RefundsChanged(refunded);
        var remaining = order.Total - refunded;
        var value = amount ?? remaining;
        if (value <= 0 || value > remaining)
            return Problem.FieldProblem("amount", $"Refund between 1 and {remaining} (minor units): {Currencies.Format(remaining, order.Currency)} is left.");
        var payment = await payments.FindByOrderAsync(order.Id, ct);
        if (!payment.Ok)
            return Unavailable("payment service");
        // The key below is made of what was refunded and declined before, so it must be what the ledger says. A refund the
        // ledger shows and the order does not (its answer was lost) is recorded first, and the person looks again.
        if (payment.Body!.RefundedInLedger > refunded)
        {
            await RecordFromLedgerAsync(connection, transaction, order, status, refunded, payment.Body, actor, ct);
            await transaction.CommitAsync(ct);
            return RefundsChanged(payment.Body.RefundedInLedger);
        }
        // A refund whose outcome payments does not know yet may still be made. Sending it again is safe (same amount, and
        // nothing else refunded or declined since, so the same key); any other refund now would be keyed anew, and the
        // first one sent again after it would then be made a second time.
        if (payment.Body.PendingRefunds.ToList() is [_, ..] pending && !pending.Any(r => r.Amount == value))
            return Problem.Conflict($"A refund of {Currencies.Format(pending[0].Amount, order.Currency)} is still waiting for the card network's answer, " +
                "which can take days. Until it comes, only that refund can be sent again; refund more once the order shows it settled, or refund the customer another way.");
        var declined = payment.Body.Refunds.Count(r => r.Status == "failed");
        var key = CallKeys.For($"refund:{order.Id}:{refunded}:{declined}:{value}");
        var attempt = await RecordAttemptAsync(attempts, order.Id, value, actor, ct);
        var result = await payments.RefundAsync(payment.Body.Id, value, key, ct);
        if (result.Unknown) // the attempt stays written down: sent again, or settled by the sweeper from the ledger
            return NotSettledYet("The payment service did not answer, so it is not known yet whether the refund was made.");
        if (!result.Ok)
        {
            await ForgetAttemptsAsync(connection, transaction, order.Id, [attempt], ct); // refused: nothing happened
            await transaction.CommitAsync(ct);
            return Problem.Conflict("The payment service refused the refund: " + result.Reason);
        }
        // What the ledger shows refunded beyond what the order has recorded is what this refund did (and any earlier
        // one whose answer was lost). While this refund's outcome is still unknown there, its attempt stays.
        var (recorded, unsettled) = await RecordFromLedgerAsync(connection, transaction, order, status, refunded, result.Body!, actor, ct);
        if (!unsettled)
            await ForgetAttemptsAsync(connection, transaction, order.Id, [attempt], ct);
        else if (!recorded)
            return NotSettledYet("The card network has not answered yet.");
        await transaction.CommitAsync(ct);
        return recorded ? null : Problem.Conflict("The card network declined the refund; nothing was refunded. Try again, or refund the customer another way.");
    }

    static ProblemHttpResult NotSettledYet(string why) => Problem.Unavailable(title: "Refund not settled yet", detail: why + " The order records it within a few minutes, when it is known; sending the same refund again before then does not refund twice.");

    /// <summary>
    /// Settles refund attempts whose outcome was never recorded (the answer was lost, the process stopped while payments
    /// was asked, or the card network has not answered) once they are older than <paramref name="before"/>: the
    /// payment's ledger says what was really refunded, and the order records it (with its timeline entry and e-mail),
    /// and an internal note says what was settled. Orders are taken as the other sweeps take theirs (<see cref="DueOrders"/>):
    /// one whose ledger still holds an unknown outcome, or that payments could not be asked about, waits longer before
    /// each next try and goes behind the others, so refunds pending at the network for days do not keep a newer lost
    /// one from being recorded. An order whose refund is being made right now (its row locked) is left to that request.
    /// Attempts newer than <paramref name="before"/> are left to the requests that made them.
    /// </summary>
    /// <returns>How many orders' attempts were settled.</returns>
    /// <param name="spent">whether the sweep's time is up (checked before each order after the first)</param>
    public async Task<int> SettleRefundsAsync(DateTimeOffset before, Func<bool> spent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<DueOrder> orders;
        await using (var connection = await db.OpenConnectionAsync(ct))
            orders = [.. (await connection.QueryAsync<(Guid Id, string Status, int Attempts)>(new CommandDefinition("""
                select o.id, o.status, o.sweep_attempts from orders o
                where exists (select 1 from refund_attempts a where a.order_id = o.id and a.created_at < @before)
                  and (o.sweep_after is null or o.sweep_after <= @now)
                order by coalesce(o.sweep_after, (select min(a.created_at) from refund_attempts a where a.order_id = o.id)) limit @batch
                """, new { before, now, batch = sagaOptions.Value.SweepBatch }, cancellationToken: ct)))
                .Select(r => new DueOrder(r.Id, r.Status, r.Attempts))];
        return await due.WorkOffAsync(orders, order => SettleRefundAttemptsAsync(order.Id, before, ct), "settle the refund attempts of", spent, ct);
    }

    /// <returns>True when settled; null when there is nothing to do now (settled meanwhile, or a refund is being made
    /// right now); false when payments could not be asked or its ledger still holds an unknown outcome.</returns>
    async Task<bool?> SettleRefundAttemptsAsync(Guid orderId, DateTimeOffset before, CancellationToken ct)
    {
        if (await saga.LoadAsync(orderId, ct) is not { } order)
            return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(connection, transaction, orderId, ct, skipLocked: true) is not { } row)
            return null; // a refund of this order is being made right now; the next sweep comes back
        var attempts = (await connection.QueryAsync<(Guid Id, long Amount, string Actor)>(new CommandDefinition(
            "select id, amount, actor from refund_attempts where order_id = @orderId and created_at < @before order by created_at",
            new { orderId, before }, transaction, cancellationToken: ct))).ToList();
        if (attempts.Count == 0)
            return null;
        var payment = await payments.FindByOrderAsync(orderId, ct);
        if (!payment.Ok)
            return false;
        var (recorded, unsettled) = await RecordFromLedgerAsync(connection, transaction, order, row.Status, row.Refunded, payment.Body!, attempts[^1].Actor, ct);
        if (!unsettled)
        {
            await ForgetAttemptsAsync(connection, transaction, orderId, [.. attempts.Select(a => a.Id)], ct);
            var total = payment.Body!.RefundedInLedger;
            await NoteAsync(connection, transaction, orderId,
                $"Settled from the payment's ledger: refund attempts whose answer was lost ({string.Join(", ", attempts.Select(a => Currencies.Format(a.Amount, order.Currency)))}); "
                + (recorded ? "the missing refund is now recorded. " : "nothing beyond what the order already shows was refunded (declined, never received, or recorded when it was sent again). ")
                + $"{Currencies.Format(total, order.Currency)} is refunded in all.", "system", ct);
        }
        await transaction.CommitAsync(ct);
        return !unsettled;
    }

    /// <summary>
    /// Records what the payment's ledger shows refunded beyond <paramref name="refunded"/>: moves the order, with the
    /// timeline entry and the e-mail, in the caller's transaction.
    /// </summary>
    /// <returns>Whether something was recorded, and whether a refund's outcome is still unknown in the ledger.</returns>
    async Task<(bool Recorded, bool Unsettled)> RecordFromLedgerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaOrder order, string status,
        long refunded, PaymentInfo payment, string actor, CancellationToken ct)
    {
        var total = payment.RefundedInLedger;
        var unsettled = payment.RefundPending;
        if (total <= refunded || !OrderStatus.Refundable.Contains(status))
            return (false, unsettled);
        var target = total >= order.Total ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        var formatted = Currencies.Format(total - refunded, order.Currency);
        var now = clock.GetUtcNow();
        await OrderSaga.TransitionAsync(connection, transaction, order.Id, status, target, target, formatted, actor, now, ct,
            new OrderSaga.Changes("refunded = @total", new { total }),
            OutboxEmail.Create(order.Email, $"Refund for your Bazaar order {order.Number}", $"We have refunded {formatted} to your card.", now));
        return (true, unsettled);
    }

    /// <summary>Written on a connection of its own, so it is kept even when the refund's own transaction is not.</summary>
    async Task<Guid> RecordAttemptAsync(NpgsqlConnection connection, Guid orderId, long amount, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into refund_attempts (id, order_id, amount, actor, created_at) values (@id, @orderId, @amount, @actor, @now)",
            new { id, orderId, amount, actor, now }, cancellationToken: ct));
        return id;
    }

    static Task ForgetAttemptsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId, Guid[] ids, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("delete from refund_attempts where order_id = @orderId and id = any(@ids)",
            new { orderId, ids }, transaction, cancellationToken: ct));

    public async Task NoteAsync(Guid orderId, string text, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await NoteAsync(connection, null, orderId, text, actor, ct);
    }

    Task NoteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid orderId, string text, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return connection.ExecuteAsync(new CommandDefinition(
            "insert into order_events (id, order_id, type, detail, actor, created_at) values (@id, @orderId, 'note', @text, @actor, @now)",
            new { id = Guid.CreateVersion7(now), orderId, text, actor, now }, transaction, cancellationToken: ct));
    }

}
