using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Bazaar.Ordering.Checkout;
using Bazaar.Ordering.Clients;
using Bazaar.ServiceDefaults.Email;
using Bazaar.ServiceDefaults.Money;
using Bazaar.ServiceDefaults.Problems;
using Dapper;
using Npgsql;

namespace Bazaar.Ordering.Orders;

/// <summary>What people do to orders after checkout: cancel, approve or reject a held order, ship, deliver, refund.</summary>
public sealed class OrderActions(NpgsqlDataSource db, OrderSaga saga, CatalogClient catalog, PaymentsClient payments, TimeProvider clock)
{
    public static ProblemHttpResult Unavailable(string what) =>
        Problem.Status(StatusCodes.Status503ServiceUnavailable, "Try again", $"The {what} did not answer; nothing was changed. Try again in a moment.");

    /// <summary>Before shipping: void the authorization, give the stock back, and end the order as cancelled.</summary>
    public async Task<ProblemHttpResult?> CancelAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        switch (order.Status)
        {
            case OrderStatus.OnHold:
                if ((await catalog.ReleaseAsync(order.Id, ct)).Unknown)
                    return Unavailable("catalog");
                break;
            case OrderStatus.Confirmed:
                var payment = await payments.FindByOrderAsync(order.Id, ct);
                if (payment.Unknown)
                    return Unavailable("payment service");
                if (payment.Ok && (await payments.VoidAsync(payment.Body!.Id, order.Id, ct)).Unknown)
                    return Unavailable("payment service");
                if ((await catalog.ReturnAsync(order.Id, ct)).Unknown)
                    return Unavailable("catalog");
                break;
            default:
                return Problem.Conflict(order.Status is OrderStatus.Shipped or OrderStatus.Delivered
                    ? "This order has shipped and can no longer be cancelled; ask for a refund instead."
                    : $"An order that is {order.Status.Replace('_', ' ')} cannot be cancelled.");
        }
        return await MoveWithEmailAsync(order, order.Status, OrderStatus.Cancelled, "cancelled", "", actor,
            $"Your Bazaar order {order.Number} is cancelled", "Your order has been cancelled. Any amount reserved on your card is released.", ct)
            ? null : Changed();
    }

    static ProblemHttpResult Changed() => Problem.Conflict("The order changed while this was being done; reload it and try again.");

    public async Task<ProblemHttpResult?> ApproveAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        if (!await saga.TransitionAsync(order.Id, OrderStatus.OnHold, OrderStatus.Approved, "review_approved", "", ct, actor))
            return Problem.Conflict("Only an order on hold can be approved.");
        await saga.AdvanceAsync(order.Id, ct); // continue the checkout: authorize, confirm
        return null;
    }

    public async Task<ProblemHttpResult?> RejectAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        if (order.Status != OrderStatus.OnHold)
            return Problem.Conflict("Only an order on hold can be rejected.");
        if ((await catalog.ReleaseAsync(order.Id, ct)).Unknown)
            return Unavailable("catalog");
        return await saga.TransitionAsync(order.Id, OrderStatus.OnHold, OrderStatus.Rejected, "review_rejected", "", ct, actor) ? null : Changed();
    }

    /// <summary>Shipping captures the payment; the tracking number goes to the customer by e-mail.</summary>
    public async Task<ProblemHttpResult?> ShipAsync(SagaOrder order, ShipRequest request, string actor, CancellationToken ct)
    {
        if (order.Status != OrderStatus.Confirmed)
            return Problem.Conflict("Only a confirmed order can be shipped.");
        var payment = await payments.FindByOrderAsync(order.Id, ct);
        if (!payment.Ok)
            return Unavailable("payment service");
        var captured = await payments.CaptureAsync(payment.Body!.Id, order.Id, ct);
        if (!captured.Ok)
            return captured.Unknown ? Unavailable("payment service") : Problem.Conflict("The payment could not be captured: " + captured.Problem?.ToString());
        // The tracking details are written with the move: a concurrent second shipment of the order changes nothing.
        return await MoveWithEmailAsync(order, OrderStatus.Confirmed, OrderStatus.Shipped, "shipped", $"{request.Carrier} {request.TrackingNumber}", actor,
            $"Your Bazaar order {order.Number} is on its way", $"Your order has shipped with {request.Carrier}. Tracking number: {request.TrackingNumber}.", ct,
            new OrderSaga.Changes("carrier = @carrier, tracking_number = @trackingNumber", new { carrier = request.Carrier, trackingNumber = request.TrackingNumber }))
            ? null : Changed();
    }

    /// <summary>Delivered: the catalog hears about each product, so the customer's reviews show as verified purchases.</summary>
    public async Task<ProblemHttpResult?> DeliverAsync(SagaOrder order, string actor, CancellationToken ct)
    {
        if (order.Status != OrderStatus.Shipped)
            return Problem.Conflict("Only a shipped order can be delivered.");
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var products = await connection.QueryAsync<Guid>(new CommandDefinition("select distinct product_id from order_lines where order_id = @id", new { id = order.Id }, cancellationToken: ct));
        foreach (var productId in products)
            if ((await catalog.ReportDeliveryAsync(order.UserId, productId, order.Id, now, ct)).Unknown)
                return Unavailable("catalog");
        return await saga.TransitionAsync(order.Id, OrderStatus.Shipped, OrderStatus.Delivered, "delivered", "", ct, actor) ? null : Changed();
    }

    /// <summary>
    /// Full or partial refund of what was captured. Refunds of one order are taken one at a time (the row stays locked
    /// while payments answers: refunds are rare and the call has a timeout), keyed by what was refunded and declined
    /// before and the amount: the same refund sent again after an unknown outcome is the same refund, a declined one is
    /// tried anew. The order records what the payment's ledger says was refunded.
    /// </summary>
    public async Task<ProblemHttpResult?> RefundAsync(SagaOrder order, long? amount, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (status, refunded) = await connection.QuerySingleAsync<(string, long)>(new CommandDefinition(
            "select status, refunded from orders where id = @id for no key update", new { id = order.Id }, transaction, cancellationToken: ct));
        if (status is not (OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.PartiallyRefunded))
            return Problem.Conflict(status == OrderStatus.Refunded ? "This order is refunded in full." : "Only a shipped or delivered order can be refunded; cancel it instead.");
        var remaining = order.Total - refunded;
        var value = amount ?? remaining;
        if (value <= 0 || value > remaining)
            return Problem.Status(StatusCodes.Status400BadRequest, "The request has invalid fields", $"Refund between 1 and {remaining} (minor units).");
        var payment = await payments.FindByOrderAsync(order.Id, ct);
        if (!payment.Ok)
            return Unavailable("payment service");
        var declined = payment.Body!.Refunds.Count(r => r.Status == "failed");
        var key = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"refund:{order.Id}:{refunded}:{declined}:{value}")).AsSpan(0, 16));
        var result = await payments.RefundAsync(payment.Body.Id, value, key, ct);
        if (!result.Ok)
            return result.Unknown ? Unavailable("payment service") : Problem.Conflict("The payment service refused the refund.");
        // What the ledger shows refunded beyond what the order has recorded is what this refund did.
        var total = result.Body!.Refunds.Where(r => r.Status == "succeeded").Sum(r => r.Amount);
        if (total <= refunded)
            return result.Body.Refunds.Any(r => r.Status == "unknown")
                ? Problem.Status(StatusCodes.Status503ServiceUnavailable, "Refund not settled yet",
                    "The card network has not answered yet. Send the same refund again in a few minutes to record its outcome; it will not be refunded twice.")
                : Problem.Conflict("The card network declined the refund; nothing was refunded. Try again, or refund the customer another way.");
        var target = total >= order.Total ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        var formatted = Currencies.Format(total - refunded, order.Currency);
        var now = clock.GetUtcNow();
        await OrderSaga.TransitionAsync(connection, transaction, order.Id, status, target, target, formatted, actor, now, ct,
            new OrderSaga.Changes("refunded = @total", new { total }),
            OutboxEmail.Create(order.Email, $"Refund for your Bazaar order {order.Number}", $"We have refunded {formatted} to your card.", now));
        await transaction.CommitAsync(ct);
        return null;
    }

    public async Task NoteAsync(Guid orderId, string text, string actor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into order_events (id, order_id, type, detail, actor, created_at) values (@id, @orderId, 'note', @text, @actor, @now)",
            new { id = Guid.CreateVersion7(now), orderId, text, actor, now }, cancellationToken: ct));
    }

    async Task<bool> MoveWithEmailAsync(SagaOrder order, string from, string to, string eventType, string detail, string actor, string subject, string body,
        CancellationToken ct, OrderSaga.Changes? changes = null)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        return await OrderSaga.TransitionAsync(connection, null, order.Id, from, to, eventType, detail, actor, now, ct, changes, OutboxEmail.Create(order.Email, subject, body, now));
    }

}
