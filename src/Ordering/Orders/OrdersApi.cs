using System.Security.Claims;
using Bazaar.Ordering.Checkout;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Ordering.Orders;

public static class OrdersApi
{
    public static void MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var mine = routes.MapGroup("/api/v1/orders").WithTags("Orders").RequireAuthorization(Policies.Customer);
        mine.MapGet("/", ListMine);
        mine.MapGet("/{id:guid}", GetMine);
        mine.MapGet("/attempts/{key}", GetMineByAttempt);
        mine.MapPost("/{id:guid}/cancel", CancelMine);

        var admin = routes.MapGroup("/api/v1/admin/orders").WithTags("Admin: orders").RequireAuthorization(Policies.Support);
        admin.MapGet("/", ListAll);
        admin.MapGet("/summary", Summary);
        admin.MapGet("/{id:guid}", (Guid id, OrderingDb db, CancellationToken ct) => Get(db, id, null, ct));
        admin.MapPost("/{id:guid}/approve", (Guid id, ClaimsPrincipal user, OrderSaga saga, OrderActions actions, OrderingDb db, CancellationToken ct) =>
            Act(id, saga, db, ct, order => actions.ApproveAsync(order, user.ActorId(), ct))).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/reject", (Guid id, ClaimsPrincipal user, OrderSaga saga, OrderActions actions, OrderingDb db, CancellationToken ct) =>
            Act(id, saga, db, ct, order => actions.RejectAsync(order, user.ActorId(), ct))).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/ship", Ship).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/deliver", (Guid id, ClaimsPrincipal user, OrderSaga saga, OrderActions actions, OrderingDb db, CancellationToken ct) =>
            Act(id, saga, db, ct, order => actions.DeliverAsync(order, user.ActorId(), ct))).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/refund", Refund).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/cancel", (Guid id, ClaimsPrincipal user, OrderSaga saga, OrderActions actions, OrderingDb db, CancellationToken ct) =>
            Act(id, saga, db, ct, order => actions.CancelAsync(order, user.ActorId(), ct))).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/notes", async (Guid id, NoteRequest request, ClaimsPrincipal user, OrderingDb db, OrderActions actions, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Text))
                return (IResult)Problem.Field("text", "Write the note.");
            if (!await db.Orders.AnyAsync(o => o.Id == id, ct))
                return Problem.NotFound("There is no such order.");
            await actions.NoteAsync(id, request.Text.Trim(), user.ActorId(), ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Admin);
        admin.MapGet("/{id:guid}/notes", async Task<Results<Ok<List<OrderEventDto>>, ProblemHttpResult>> (Guid id, OrderingDb db, CancellationToken ct) =>
        {
            var notes = await db.Events.AsNoTracking().Where(e => e.OrderId == id && e.Type == "note").OrderBy(e => e.Seq)
                .Select(e => new OrderEventDto(e.Type, e.Detail, e.Actor, e.CreatedAt)).ToListAsync(ct);
            return notes.Count > 0 || await db.Orders.AnyAsync(o => o.Id == id, ct) ? TypedResults.Ok(notes) : Problem.NotFound("There is no such order.");
        });
    }

    static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> GetMine(Guid id, ClaimsPrincipal user, OrderingDb db, CancellationToken ct) =>
        await Get(db, id, user.UserId(), ct);

    /// <summary>
    /// The order a checkout attempt placed, found by its Idempotency-Key. After an answer that never came (a lost
    /// connection, a reload), the storefront asks this before it starts a new attempt with another card or address, so
    /// the shopper does not order twice. 404 when the key placed no order: it never arrived, or checkout refused it.
    /// </summary>
    static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> GetMineByAttempt(string key, ClaimsPrincipal user, OrderingDb db, CancellationToken ct)
    {
        var userId = user.UserId();
        var orderId = await db.IdempotencyKeys.AsNoTracking().Where(r => r.UserId == userId && r.Key == key).Select(r => r.OrderId).FirstOrDefaultAsync(ct);
        return orderId is { } id ? await Get(db, id, userId, ct) : Problem.NotFound("No order was placed with this checkout attempt.");
    }

    static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> Get(OrderingDb db, Guid id, Guid? owner, CancellationToken ct) =>
        await OrderReader.FindAsync(db, id, owner, ct) is { } order ? TypedResults.Ok(order) : Problem.NotFound("There is no such order.");

    static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListMine(ClaimsPrincipal user, OrderingDb db, CancellationToken ct, string? cursor = null, int limit = 20) =>
        await ListAsync(db.Orders.Where(o => o.UserId == user.UserId()), cursor, limit, ct);

    static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAll(OrderingDb db, CancellationToken ct, string? status = null, Guid? customer = null,
        string? email = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? cursor = null, int limit = 50)
    {
        if (status is not null && !OrderStatus.All.Contains(status))
            return Problem.Field("status", $"status must be one of: {string.Join(", ", OrderStatus.All)}.");
        var query = db.Orders.AsQueryable();
        if (status is not null)
            query = query.Where(o => o.Status == status);
        if (customer is { } c)
            query = query.Where(o => o.UserId == c);
        if (!string.IsNullOrWhiteSpace(email))
            query = query.Where(o => o.Email == email.Trim());
        if (from > to)
            return Problem.Field("from", "from must not be after to.");
        if (from is { } f)
            query = query.Where(o => o.CreatedAt >= f.ToUniversalTime());
        if (to is { } t)
            query = query.Where(o => o.CreatedAt < t.ToUniversalTime());
        return await ListAsync(query, cursor, limit, ct);
    }

    /// <summary>
    /// The back office dashboard's figures: orders and revenue since <paramref name="since"/> (the caller's local
    /// midnight, typically), counting confirmed sales (net of refunds) only; and how many orders are in each status now.
    /// </summary>
    static async Task<Results<Ok<OrderSummaryDto>, ValidationProblem>> Summary(OrderingDb db, DateTimeOffset? since, TimeProvider clock, CancellationToken ct)
    {
        var from = (since ?? new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero)).ToUniversalTime(); // midnight UTC by default, whatever the server's zone
        if (from > clock.GetUtcNow())
            return Problem.Field("since", "since must not be in the future.");
        var sales = db.Orders.AsNoTracking().Where(o => o.CreatedAt >= from && OrderStatus.Sales.Contains(o.Status));
        var revenue = await sales.GroupBy(o => o.Currency).OrderBy(g => g.Key)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(o => o.Total - o.Refunded))).ToListAsync(ct);
        var count = await sales.CountAsync(ct);
        var byStatus = await db.Orders.AsNoTracking().GroupBy(o => o.Status).OrderBy(g => g.Key)
            .Select(g => new StatusCount(g.Key, g.Count())).ToListAsync(ct);
        return TypedResults.Ok(new OrderSummaryDto(from, count, revenue, byStatus));
    }

    static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAsync(IQueryable<Order> query, string? cursor, int limit, CancellationToken ct)
    {
        if (NewestFirst.Read(cursor, limit, 100, out var paging) is { } badPage)
            return badPage;
        var rows = await paging.Apply(query.AsNoTracking(), o => o.Id)
            .Select(o => new OrderSummary(o.Id, o.Number, o.Status, o.Currency, o.Total, o.Lines.Sum(l => l.Quantity), o.CreatedAt)).ToListAsync(ct);
        var (page, next) = paging.Cut(rows, o => o.Id, o => o);
        return TypedResults.Ok(new OrderPage(page, next));
    }

    static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> CancelMine(Guid id, ClaimsPrincipal user, OrderSaga saga, OrderActions actions, OrderingDb db, CancellationToken ct)
    {
        var order = await saga.LoadAsync(id, ct);
        if (order is null || order.UserId != user.UserId())
            return Problem.NotFound("There is no such order.");
        if (await actions.CancelAsync(order, OrderActions.CustomerActor, ct) is { } refused)
            return refused;
        return TypedResults.Ok((await OrderReader.FindAsync(db, id, null, ct))!);
    }

    static async Task<Results<Ok<OrderDto>, ValidationProblem, ProblemHttpResult>> Ship(Guid id, ShipRequest request, ClaimsPrincipal user, OrderSaga saga,
        OrderActions actions, OrderingDb db, CancellationToken ct)
    {
        var trimmed = request with { Carrier = request.Carrier.Trim(), TrackingNumber = request.TrackingNumber.Trim() };
        if (trimmed.Carrier.Length == 0)
            return Problem.Field("carrier", "Name the carrier.");
        if (trimmed.TrackingNumber.Length < 3)
            return Problem.Field("trackingNumber", "Give the carrier's tracking number.");
        return Checked(await Act(id, saga, db, ct, order => actions.ShipAsync(order, trimmed, user.ActorId(), ct)));
    }

    /// <summary>A refund names what the admin saw refunded: sent again later, it is refused rather than made twice.</summary>
    static async Task<Results<Ok<OrderDto>, ValidationProblem, ProblemHttpResult>> Refund(Guid id, RefundRequest request, ClaimsPrincipal user, OrderSaga saga,
        OrderActions actions, OrderingDb db, CancellationToken ct)
    {
        if (request.ExpectedRefunded is not { } expected || expected < 0)
            return Problem.Field("expectedRefunded", "Send what the order showed refunded when you decided (0 for nothing): the refund is made only if that is still so.");
        if (request.Amount is <= 0)
            return Problem.Field("amount", "Refund a positive amount (minor units), or leave it out to refund everything left.");
        return Checked(await Act(id, saga, db, ct, order => actions.RefundAsync(order, request.Amount, expected, user.ActorId(), ct)));
    }

    /// <summary>An action's answer, for a route that checks its request first.</summary>
    static Results<Ok<OrderDto>, ValidationProblem, ProblemHttpResult> Checked(Results<Ok<OrderDto>, ProblemHttpResult> result) =>
        result.Result is Ok<OrderDto> ok ? ok : (ProblemHttpResult)result.Result;

    static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> Act(Guid id, OrderSaga saga, OrderingDb db, CancellationToken ct, Func<SagaOrder, Task<ProblemHttpResult?>> action)
    {
        var order = await saga.LoadAsync(id, ct);
        if (order is null)
            return Problem.NotFound("There is no such order.");
        if (await action(order) is { } refused)
            return refused;
        return TypedResults.Ok((await OrderReader.FindAsync(db, id, null, ct))!);
    }
}
