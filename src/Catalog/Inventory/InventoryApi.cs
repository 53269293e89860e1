using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Bazaar.Catalog.Caching;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Http;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.Products;
using Dapper;
using Npgsql;

namespace Bazaar.Catalog.Inventory;

public sealed record VariantAvailability(string Sku, string Availability, int? OnHand, int? Reserved, int? Available, int? LowStockThreshold);

public sealed record StockRow(string Sku, Guid ProductId, string ProductName, int OnHand, int Reserved, int Available, int LowStockThreshold, DateTimeOffset UpdatedAt);

public sealed record StockPage(IReadOnlyList<StockRow> Items, string? NextCursor);

public sealed record AdjustStockRequest([Range(-1_000_000, 1_000_000)] int Delta, [Required, MinLength(3), MaxLength(200)] string Reason);

public sealed record SetThresholdRequest([Range(0, 1_000_000)] int LowStockThreshold);

public sealed record AdjustmentDto(Guid Id, string Sku, int Delta, int OnHandAfter, string Reason, string Actor, DateTimeOffset CreatedAt);

public sealed record ExtendRequest(int TtlSeconds);

public sealed record PricingRequest([Required, MinLength(1), MaxLength(200)] IReadOnlyList<string> Skus);

public sealed record PricedSku(string Sku, Guid ProductId, string ProductName, string ProductSlug, IReadOnlyDictionary<string, string> Options,
    long Price, string Currency, int WeightGrams, int Available, string Availability, bool Purchasable);

public sealed record PricingResponse(IReadOnlyList<PricedSku> Items, IReadOnlyList<string> Unknown);

public static class InventoryApi
{
    const int MaxPage = 200;
    const int MaxReservedPerSku = 10_000;

    /// <summary>The most a SKU may have on hand: far above any shop's stock, and far below what its column can count.</summary>
    public const int MaxOnHand = 100_000_000;

    public static void MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/inventory/{productId:guid}", GetAvailability).WithTags("Inventory").AllowAnonymous();

        var admin = routes.MapGroup("/api/v1/admin/inventory").WithTags("Admin: inventory").RequireAuthorization(Policies.Support);
        admin.MapGet("/", ListStock);
        admin.MapGet("/{sku}/adjustments", History);
        admin.MapPost("/{sku}/adjustments", Adjust).RequireAuthorization(Policies.Admin).RequiresIdempotencyKey();
        admin.MapPut("/{sku}/threshold", SetThreshold).RequireAuthorization(Policies.Admin);

        var internalApi = routes.MapGroup("/internal").WithTags("Internal").RequireAuthorization(Policies.Internal).ExcludeFromDescription();
        internalApi.MapPost("/reservations", Reserve);
        internalApi.MapGet("/reservations/{orderId:guid}", GetReservation);
        internalApi.MapPost("/reservations/{orderId:guid}/commit", Commit);
        internalApi.MapPost("/reservations/{orderId:guid}/release", Release);
        internalApi.MapPost("/reservations/{orderId:guid}/extend", Extend);
        internalApi.MapPost("/reservations/{orderId:guid}/return", async (Guid orderId, Reservations reservations, CancellationToken ct) =>
            await Transition(await reservations.ReturnAsync(orderId, ct), orderId, reservations, "returned", ct));
        internalApi.MapPost("/pricing", Price);
    }

    /// <summary>Shoppers learn in stock / low / out; staff also see the counts.</summary>
    static async Task<Results<Ok<IReadOnlyList<VariantAvailability>>, ProblemHttpResult>> GetAvailability(
        Guid productId, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var status = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("select status from products where id = @productId", new { productId }, cancellationToken: ct));
        var staff = Policies.IsStaff(user);
        if (status is null || (status != Products.ProductStatus.Active && !staff))
            return Problem.NotFound("There is no such product.");
        var rows = await connection.QueryAsync<(string Sku, int OnHand, int Reserved, int Threshold)>(new CommandDefinition("""
            select v.sku, coalesce(s.on_hand, 0), coalesce(s.reserved, 0), coalesce(s.low_stock_threshold, 0)
            from variants v left join stock s on s.sku = v.sku where v.product_id = @productId order by v.position, v.sku
            """, new { productId }, cancellationToken: ct));
        return TypedResults.Ok<IReadOnlyList<VariantAvailability>>([.. rows.Select(r => new VariantAvailability(
            r.Sku, Availability.Of(r.OnHand - r.Reserved, r.Threshold),
            staff ? r.OnHand : null, staff ? r.Reserved : null, staff ? r.OnHand - r.Reserved : null, staff ? r.Threshold : null))]);
    }

    /// <summary>Stock by SKU; <paramref name="q"/> finds SKUs starting with it or products whose name contains it.</summary>
    static async Task<Results<Ok<StockPage>, ValidationProblem>> ListStock(NpgsqlDataSource db, CancellationToken ct,
        bool lowStock = false, string? q = null, string? cursor = null, int limit = 50)
    {
        if (limit is < 1 or > MaxPage)
            return Problem.Field("limit", $"limit must be between 1 and {MaxPage}.");
        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (text is { Length: > 100 })
            return Problem.Field("q", "Search for at most 100 characters.");
        if (cursor is { Length: > 64 })
            return Problem.Field("cursor", "The cursor is not valid; use nextCursor from the previous page.");
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<StockRowData>(new CommandDefinition($"""
            select s.sku, s.product_id as productid, p.name as productname, s.on_hand as onhand, s.reserved, s.on_hand - s.reserved as available,
                   s.low_stock_threshold as lowstockthreshold, s.updated_at as updatedat
            from stock s join products p on p.id = s.product_id
            where (@cursor::text is null or s.sku > @cursor) {(lowStock ? "and s.on_hand - s.reserved <= s.low_stock_threshold" : "")}
              and (@text::text is null or s.sku ilike @prefix escape '\' or p.name ilike @contains escape '\')
            order by s.sku limit @take
            """, new { cursor, text, prefix = SqlLike.Escape(text ?? "") + "%", contains = SqlLike.Contains(text ?? ""), take = limit + 1 },
            cancellationToken: ct))).ToList();
        var page = rows.Take(limit).Select(r => new StockRow(r.Sku, r.ProductId, r.ProductName, r.OnHand, r.Reserved, r.Available, r.LowStockThreshold,
            new DateTimeOffset(r.UpdatedAt, TimeSpan.Zero))).ToList();
        return TypedResults.Ok(new StockPage(page, rows.Count > limit ? page[^1].Sku : null));
    }

    /// <summary>
    /// One statement moves the count and refuses to go below what is reserved; the history row commits with it and
    /// records the request's Idempotency-Key under a unique constraint. A key seen before answers with the adjustment it
    /// made (the same body) and moves nothing; of twins sent at once, the one whose history row commits second is rolled
    /// back, count and all, and answers the same.
    /// </summary>
    static async Task<Results<Ok<AdjustmentDto>, ValidationProblem, ProblemHttpResult>> Adjust(string sku, AdjustStockRequest request,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey, ClaimsPrincipal admin, NpgsqlDataSource db, CatalogCache cache,
        TimeProvider clock, CancellationToken ct)
    {
        if (IdempotencyKey.Refuses(idempotencyKey, "an adjustment is made once per key", out var invalidKey))
            return invalidKey;
        if (request.Delta == 0)
            return Problem.Field("delta", "An adjustment changes the count: use a positive or negative number.");
        var reason = request.Reason.Trim(); // [MinLength(3)] counts the spaces too; the rule is 3 characters of reason
        if (reason.Length < 3)
            return Problem.Field("reason", "Say why the count changes, in at least 3 characters.");
        var now = clock.GetUtcNow().AsStored();
        var adjustment = new AdjustmentDto(Guid.CreateVersion7(now), sku, request.Delta, 0, reason, admin.ActorId(), now);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await AdjustmentByKeyAsync(connection, sku, idempotencyKey, ct) is { } earlier)
            return Repeat(earlier, adjustment);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var updated = await connection.QuerySingleOrDefaultAsync<AdjustedRow>(new CommandDefinition("""
                update stock set on_hand = on_hand + @delta, updated_at = @now
                where sku = @sku and on_hand + @delta >= reserved and (on_hand + @delta <= @maxOnHand or @delta < 0)
                returning on_hand as onhand, product_id as productid
                """, new { sku, delta = request.Delta, now, maxOnHand = MaxOnHand }, transaction, cancellationToken: ct));
            if (updated is null)
            {
                // A twin that waited for this row's lock may have made the adjustment meanwhile, leaving no room for it again.
                if (await AdjustmentByKeyAsync(connection, sku, idempotencyKey, ct, transaction) is { } twin)
                    return Repeat(twin, adjustment);
                return await StockExistsAsync(connection, sku, ct, transaction)
                    ? Problem.Conflict($"On hand must stay between the units reserved by orders in checkout (and zero) and {MaxOnHand:N0}.")
                    : NoStock();
            }
            adjustment = adjustment with { OnHandAfter = updated.OnHand };
            var recorded = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("""
                insert into stock_adjustments (id, sku, delta, on_hand_after, reason, actor, created_at, idempotency_key)
                values (@Id, @Sku, @Delta, @OnHandAfter, @Reason, @Actor, @CreatedAt, @idempotencyKey)
                on conflict (sku, idempotency_key) do nothing
                returning id
                """, new { adjustment.Id, adjustment.Sku, adjustment.Delta, adjustment.OnHandAfter, adjustment.Reason, adjustment.Actor, adjustment.CreatedAt, idempotencyKey },
                transaction, cancellationToken: ct));
            if (recorded is not null)
            {
                await transaction.CommitAsync(ct);
                await cache.StockChangedAsync([updated.ProductId], ct);
                return TypedResults.Ok(adjustment);
            }
            await transaction.RollbackAsync(ct); // a twin with the same key committed first: this count change goes
        }
        return await AdjustmentByKeyAsync(connection, sku, idempotencyKey, ct) is { } first
            ? Repeat(first, adjustment)
            : NoStock(); // deleted with its history since the twin committed
    }

    static ProblemHttpResult NoStock() => Problem.NotFound("There is no stock record for this SKU.");

    static Task<bool> StockExistsAsync(NpgsqlConnection connection, string sku, CancellationToken ct, NpgsqlTransaction? transaction = null) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from stock where sku = @sku)", new { sku }, transaction, cancellationToken: ct));

    static async Task<AdjustmentDto?> AdjustmentByKeyAsync(NpgsqlConnection connection, string sku, string key, CancellationToken ct,
        NpgsqlTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<AdjustmentRow>(new CommandDefinition("""
            select id, sku, delta, on_hand_after as onhandafter, reason, actor, created_at as createdat
            from stock_adjustments where sku = @sku and idempotency_key = @key
            """, new { sku, key }, transaction, cancellationToken: ct));
        return row?.ToDto();
    }

    /// <summary>The first answer for a key sent again with the same adjustment; a different adjustment under a used key is a mistake.</summary>
    static Results<Ok<AdjustmentDto>, ValidationProblem, ProblemHttpResult> Repeat(AdjustmentDto earlier, AdjustmentDto asked) =>
        earlier.Delta == asked.Delta && earlier.Reason == asked.Reason && earlier.Actor == asked.Actor
            ? TypedResults.Ok(earlier)
            : IdempotencyKey.Reused("a different adjustment of this SKU");

    static async Task<Results<NoContent, ProblemHttpResult>> SetThreshold(string sku, SetThresholdRequest request, NpgsqlDataSource db,
        CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var productId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "update stock set low_stock_threshold = @threshold, updated_at = @now where sku = @sku returning product_id",
            new { sku, threshold = request.LowStockThreshold, now = clock.GetUtcNow() }, cancellationToken: ct));
        if (productId is null)
            return NoStock();
        await cache.StockChangedAsync([productId.Value], ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<IReadOnlyList<AdjustmentDto>>, ProblemHttpResult>> History(string sku, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<AdjustmentRow>(new CommandDefinition("""
            select id, sku, delta, on_hand_after as onhandafter, reason, actor, created_at as createdat
            from stock_adjustments where sku = @sku order by created_at desc, id desc limit 200
            """, new { sku }, cancellationToken: ct))).AsList();
        if (rows.Count == 0 && !await StockExistsAsync(connection, sku, ct))
            return NoStock();
        return TypedResults.Ok<IReadOnlyList<AdjustmentDto>>([.. rows.Select(r => r.ToDto())]);
    }

    static async Task<Results<Ok<ReservationDto>, ValidationProblem, ProblemHttpResult>> Reserve(ReserveRequest request, Reservations reservations, CancellationToken ct)
    {
        if (request.OrderId == Guid.Empty)
            return Problem.Field("orderId", "Give the order's id.");
        for (var i = 0; i < request.Lines.Count; i++)
            if (request.Lines[i] is not { } line || !Skus.IsValid(line.Sku) || line.Quantity < 1)
                return Problem.Field($"lines[{i}]", "Each line needs a valid SKU and a quantity of at least 1.");
        if (request.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Any(g => g.Sum(l => (long)l.Quantity) > MaxReservedPerSku))
            return Problem.Field("lines", $"At most {MaxReservedPerSku} of one SKU per reservation, its lines together.");
        var ttl = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : Reservations.DefaultTtl;
        if (ttl < TimeSpan.FromSeconds(1) || ttl > Reservations.MaxTtl)
            return Problem.Field("ttlSeconds", $"ttlSeconds must be between 1 and {(int)Reservations.MaxTtl.TotalSeconds}.");
        return await reservations.ReserveAsync(request.OrderId, request.Lines, ttl, ct) switch
        {
            ReserveOutcome.Held held => TypedResults.Ok(held.Reservation),
            ReserveOutcome.Finished finished => Problem.Conflict($"This order's reservation is already {finished.Reservation.Status}; make a new order."),
            ReserveOutcome.Unavailable out_ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Out of stock",
                detail: "Not enough stock for: " + string.Join(", ", out_.Skus), extensions: new Dictionary<string, object?> { ["skus"] = out_.Skus }),
            _ => Problem.Status(StatusCodes.Status422UnprocessableEntity, "Reservation mismatch", "This order id already holds a reservation with other lines."),
        };
    }

    static async Task<Results<Ok<ReservationDto>, ProblemHttpResult>> GetReservation(Guid orderId, Reservations reservations, CancellationToken ct) =>
        await reservations.FindAsync(orderId, ct) is { } found ? TypedResults.Ok(found) : Problem.NotFound("There is no reservation for this order.");

    static async Task<Results<Ok<ReservationDto>, ProblemHttpResult>> Commit(Guid orderId, Reservations reservations, CancellationToken ct) =>
        await Transition(await reservations.CommitAsync(orderId, ct), orderId, reservations, "committed", ct);

    static async Task<Results<Ok<ReservationDto>, ProblemHttpResult>> Release(Guid orderId, Reservations reservations, CancellationToken ct) =>
        await Transition(await reservations.ReleaseAsync(orderId, ct), orderId, reservations, "released", ct);

    static async Task<Results<Ok<ReservationDto>, ValidationProblem, ProblemHttpResult>> Extend(Guid orderId, ExtendRequest request, Reservations reservations, CancellationToken ct)
    {
        var ttl = TimeSpan.FromSeconds(request.TtlSeconds);
        if (ttl < TimeSpan.FromSeconds(1) || ttl > Reservations.MaxHoldTtl)
            return Problem.Field("ttlSeconds", $"ttlSeconds must be between 1 and {(int)Reservations.MaxHoldTtl.TotalSeconds}.");
        return await reservations.ExtendAsync(orderId, ttl, ct) switch
        {
            TransitionOutcome.Done => TypedResults.Ok((await reservations.FindAsync(orderId, ct))!),
            TransitionOutcome.NotFound => Problem.NotFound("There is no reservation for this order."),
            _ => Problem.Conflict("Only a held reservation can be extended."),
        };
    }

    static async Task<Results<Ok<ReservationDto>, ProblemHttpResult>> Transition(Transitioned result, Guid orderId, Reservations reservations, string target, CancellationToken ct) =>
        result.Outcome switch
        {
            TransitionOutcome.Done or TransitionOutcome.AlreadyDone => TypedResults.Ok(result.Reservation ?? (await reservations.FindAsync(orderId, ct))!),
            TransitionOutcome.NotFound => Problem.NotFound("There is no reservation for this order."),
            _ => Problem.Conflict($"The reservation can no longer be {target}."),
        };

    /// <summary>Current price and availability per SKU, for cart and ordering; never trust a price from a client.</summary>
    static async Task<Results<Ok<PricingResponse>, ValidationProblem>> Price(PricingRequest request, NpgsqlDataSource db, CancellationToken ct)
    {
        var skus = request.Skus.Distinct(StringComparer.Ordinal).ToArray();
        if (skus.Any(s => !Skus.IsValid(s)))
            return Problem.Field("skus", "Every SKU must be 1–64 upper-case letters, digits, dashes or dots.");
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<PricedRow>(new CommandDefinition("""
            select v.sku, p.id as productid, p.name as productname, p.slug as productslug, v.options::text as options, v.price, p.currency,
                   v.weight_grams as weightgrams, coalesce(s.on_hand - s.reserved, 0) as available, coalesce(s.low_stock_threshold, 0) as threshold,
                   p.status = 'active' as purchasable
            from variants v join products p on p.id = v.product_id left join stock s on s.sku = v.sku
            where v.sku = any(@skus)
            """, new { skus }, cancellationToken: ct))).ToList();
        var items = rows.Select(r => new PricedSku(r.Sku, r.ProductId, r.ProductName, r.ProductSlug, Products.ProductReader.ParseMap(r.Options), r.Price,
            r.Currency, r.WeightGrams, r.Available, Availability.Of(r.Available, r.Threshold), r.Purchasable)).ToList();
        return TypedResults.Ok(new PricingResponse(items, [.. skus.Except(items.Select(i => i.Sku), StringComparer.Ordinal)]));
    }

    sealed record AdjustedRow(int OnHand, Guid ProductId);
    sealed record StockRowData(string Sku, Guid ProductId, string ProductName, int OnHand, int Reserved, int Available, int LowStockThreshold, DateTime UpdatedAt);
    sealed record AdjustmentRow(Guid Id, string Sku, int Delta, int OnHandAfter, string Reason, string Actor, DateTime CreatedAt)
    {
        public AdjustmentDto ToDto() => new(Id, Sku, Delta, OnHandAfter, Reason, Actor, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
    }
    sealed record PricedRow(string Sku, Guid ProductId, string ProductName, string ProductSlug, string Options, long Price, string Currency, int WeightGrams,
        int Available, int Threshold, bool Purchasable);
}
