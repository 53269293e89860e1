using System.Security.Claims;
using Bazaar.Ordering.Checkout;
using Bazaar.Ordering.Clients;
using Bazaar.ServiceDefaults.Email;
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
        await MoveWithEmailAsync(order, order.Status, OrderStatus.Cancelled, "cancelled", "", actor,
            $"Your Bazaar order {order.Number} is cancelled", "Your order has been cancelled. Any amount reserved on your card is released.", ct);
        return null;
    }

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
        await saga.TransitionAsync(order.Id, OrderStatus.OnHold, OrderStatus.Rejected, "review_rejected", "", ct, actor);
        return null;
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
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("update orders set carrier = @Carrier, tracking_number = @TrackingNumber where id = @id",
            new { request.Carrier, request.TrackingNumber, id = order.Id }, cancellationToken: ct));
        await MoveWithEmailAsync(order, OrderStatus.Confirmed, OrderStatus.Shipped, "shipped", $"{request.Carrier} {request.TrackingNumber}", actor,
            $"Your Bazaar order {order.Number} is on its way", $"Your order has shipped with {request.Carrier}. Tracking number: {request.TrackingNumber}.", ct);
        return null;
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
        await saga.TransitionAsync(order.Id, OrderStatus.Shipped, OrderStatus.Delivered, "delivered", "", ct, actor);
        return null;
    }

    /// <summary>Full or partial refund of what was captured; never more than the order total in all.</summary>
    public async Task<ProblemHttpResult?> RefundAsync(SagaOrder order, long? amount, string actor, CancellationToken ct)
    {
        if (order.Status is not (OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.PartiallyRefunded))
            return Problem.Conflict("Only a shipped or delivered order can be refunded; cancel it instead.");
        await using var connection = await db.OpenConnectionAsync(ct);
        var refunded = await connection.ExecuteScalarAsync<long>(new CommandDefinition("select refunded from orders where id = @id", new { id = order.Id }, cancellationToken: ct));
        var remaining = order.Total - refunded;
        var value = amount ?? remaining;
        if (value <= 0 || value > remaining)
            return Problem.Status(StatusCodes.Status400BadRequest, "The request has invalid fields", $"Refund between 1 and {remaining} (minor units).");
        var payment = await payments.FindByOrderAsync(order.Id, ct);
        if (!payment.Ok)
            return Unavailable("payment service");
        // The key names this refund: a retry of the same request cannot refund twice.
        var key = Guid.CreateVersion7(clock.GetUtcNow());
        var result = await payments.RefundAsync(payment.Body!.Id, value, key, ct);
        if (!result.Ok)
            return result.Unknown ? Unavailable("payment service") : Problem.Conflict("The payment service refused the refund.");
        var target = value == remaining ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        await connection.ExecuteAsync(new CommandDefinition("update orders set refunded = refunded + @value where id = @id", new { value, id = order.Id }, cancellationToken: ct));
        await MoveWithEmailAsync(order, order.Status, target, target, Bazaar.ServiceDefaults.Money.Currencies.Format(value, order.Currency), actor,
            $"Refund for your Bazaar order {order.Number}", $"We have refunded {Bazaar.ServiceDefaults.Money.Currencies.Format(value, order.Currency)} to your card.", ct);
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

    async Task MoveWithEmailAsync(SagaOrder order, string from, string to, string eventType, string detail, string actor, string subject, string body, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await OrderSaga.TransitionAsync(connection, null, order.Id, from, to, eventType, detail, actor, now, ct, email: OutboxEmail.Create(order.Email, subject, body, now));
    }

}
