using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Bazaar.Catalog.Caching;
using Bazaar.ServiceDefaults;
using Dapper;
using Npgsql;

namespace Bazaar.Catalog.Inventory;

public sealed record ReservationLine([Required, MaxLength(64)] string Sku, [Range(1, 10_000)] int Quantity);

public sealed record ReserveRequest(Guid OrderId, [Required, MinLength(1), MaxLength(100)] IReadOnlyList<ReservationLine> Lines, int? TtlSeconds);

public sealed record ReservationDto(Guid OrderId, string Status, DateTimeOffset ExpiresAt, IReadOnlyList<ReservationLine> Lines);

public abstract record ReserveOutcome
{
    public sealed record Held(ReservationDto Reservation) : ReserveOutcome;
    /// <summary>Nothing was held: these SKUs lack stock (or do not exist).</summary>
    public sealed record Unavailable(IReadOnlyList<string> Skus) : ReserveOutcome;
    /// <summary>The order id was used before with other lines.</summary>
    public sealed record Mismatch : ReserveOutcome;
    /// <summary>This order's reservation was already committed or released (for instance, it expired).</summary>
    public sealed record Finished(ReservationDto Reservation) : ReserveOutcome;
}

public enum TransitionOutcome { Done, AlreadyDone, NotFound, Conflict }

/// <summary>How a commit, release or return went; <see cref="Reservation"/> is the reservation as it now is when this call moved it.</summary>
public sealed record Transitioned(TransitionOutcome Outcome, ReservationDto? Reservation = null);

/// <summary>
/// Stock held for orders in checkout. Reserving is all or nothing in one transaction, one conditional update per line
/// (<c>on_hand - reserved &gt;= quantity</c>) in SKU order so concurrent reservations never deadlock; the table's checks
/// make a negative availability impossible. Every operation is idempotent by order id: the reservation row's status
/// moves held → committed or held → released exactly once.
/// </summary>
public sealed class Reservations(NpgsqlDataSource db, CatalogCache cache, TimeProvider clock)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(2);

    public async Task<ReserveOutcome> ReserveAsync(Guid orderId, IReadOnlyList<ReservationLine> requested, TimeSpan ttl, CancellationToken ct)
    {
        var lines = requested.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => new ReservationLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // A concurrent first attempt with this order id makes us wait here until it commits or rolls back. The lines
        // are written with the reservation.
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            with reservation as (
                insert into reservations (order_id, status, expires_at, created_at, updated_at) values (@orderId, 'held', @expires, @now, @now)
                on conflict (order_id) do nothing
                returning order_id)
            insert into reservation_lines (order_id, sku, quantity)
            select r.order_id, l.sku, l.quantity from reservation r, unnest(@skus, @quantities) as l(sku, quantity)
            """, new { orderId, expires = now + ttl, now, skus = lines.Select(l => l.Sku).ToArray(), quantities = lines.Select(l => l.Quantity).ToArray() },
            transaction, cancellationToken: ct));
        if (inserted == 0)
        {
            await transaction.RollbackAsync(ct);
            await connection.CloseAsync(); // back to the pool before the look-up takes one: no request holds two
            var existing = await FindAsync(orderId, ct);
            // A release that overtook the reservation left the order id released with no lines: finished, not a mismatch.
            return existing is { Status: not "held", Lines.Count: 0 } ? new ReserveOutcome.Finished(existing)
                : existing is null || !SameLines(existing.Lines, lines) ? new ReserveOutcome.Mismatch()
                : existing.Status == "held" ? new ReserveOutcome.Held(existing)
                : new ReserveOutcome.Finished(existing);
        }

        var missing = new List<string>();
        var productIds = new List<Guid>();
        var held = new List<ReservationLine>();
        foreach (var line in lines)
        {
            // Only a product on sale: one archived since the shopper's cart was priced is not sold.
            var productId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("""
                update stock set reserved = reserved + @quantity, updated_at = @now
                where sku = @sku and on_hand - reserved >= @quantity
                    and exists (select 1 from products p where p.id = stock.product_id and p.status = 'active')
                returning product_id
                """, new { line.Sku, line.Quantity, now }, transaction, cancellationToken: ct));
            if (productId is null)
                missing.Add(line.Sku);
            else
            {
                productIds.Add(productId.Value);
                held.Add(line);
            }
        }
        if (missing.Count > 0)
        {
            // All or nothing: whatever was held above is given back. The reservation stays, released, in the same
            // transaction (its row never unlocked in between): an attempt of the same order arriving late (a retry
            // that waited for a connection) finds it finished instead of holding stock for an order that was refused.
            await connection.ExecuteAsync(new CommandDefinition("""
                with given_back as (
                    update stock s set reserved = s.reserved - l.quantity, updated_at = @now
                    from unnest(@skus, @quantities) as l(sku, quantity) where s.sku = l.sku)
                update reservations set status = 'released', expires_at = @now, updated_at = @now where order_id = @orderId
                """, new { orderId, now, skus = held.Select(l => l.Sku).ToArray(), quantities = held.Select(l => l.Quantity).ToArray() },
                transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
            return new ReserveOutcome.Unavailable(missing);
        }
        await transaction.CommitAsync(ct);
        await cache.StockChangedAsync(productIds, ct);
        return new ReserveOutcome.Held(new ReservationDto(orderId, "held", now + ttl, lines));
    }

    /// <summary>Keeps held stock longer (an order waiting for a risk review); only while it is still held.</summary>
    public async Task<TransitionOutcome> ExtendAsync(Guid orderId, TimeSpan ttl, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var now = clock.GetUtcNow();
        var extended = await connection.ExecuteAsync(new CommandDefinition(
            "update reservations set expires_at = greatest(expires_at, @until), updated_at = @now where order_id = @orderId and status = 'held'",
            new { orderId, until = now + ttl, now }, cancellationToken: ct));
        if (extended > 0)
            return TransitionOutcome.Done;
        var status = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "select status from reservations where order_id = @orderId", new { orderId }, cancellationToken: ct));
        return status is null ? TransitionOutcome.NotFound : TransitionOutcome.Conflict;
    }

    public static readonly TimeSpan MaxHoldTtl = TimeSpan.FromDays(7);

    /// <summary>
    /// Held stock becomes sold: on hand and reserved both go down. Each line notes the product it was sold from, for
    /// <see cref="ReturnAsync"/>.
    /// </summary>
    public Task<Transitioned> CommitAsync(Guid orderId, CancellationToken ct) =>
        TransitionAsync(orderId, "held", "committed", """
            with moved as (
                update stock s set on_hand = s.on_hand - l.quantity, reserved = s.reserved - l.quantity, updated_at = @now
                from reservation_lines l where l.order_id = @orderId and s.sku = l.sku
                returning s.product_id, l.sku, l.quantity),
            noted as (
                update reservation_lines l set product_id = m.product_id from moved m where l.order_id = @orderId and l.sku = m.sku)
            select product_id, sku, quantity from moved
            """, ct);

    /// <summary>
    /// Sold stock comes back (an order cancelled before it shipped): on hand goes up, once, for the product it was sold
    /// from. A line whose variant was deleted since (its SKU perhaps reused by another product) has nowhere to go back to.
    /// </summary>
    public Task<Transitioned> ReturnAsync(Guid orderId, CancellationToken ct) =>
        TransitionAsync(orderId, "committed", "returned", """
            update stock s set on_hand = s.on_hand + l.quantity, updated_at = @now
            from reservation_lines l where l.order_id = @orderId and s.sku = l.sku and (l.product_id is null or l.product_id = s.product_id)
            returning s.product_id, l.sku, l.quantity
            """, ct);

    const string ReleaseStock = """
        update stock s set reserved = s.reserved - l.quantity, updated_at = @now
        from reservation_lines l where l.order_id = @orderId and s.sku = l.sku
        returning s.product_id, l.sku, l.quantity
        """;

    /// <summary>
    /// Held stock goes back on sale. A release of an order nothing is held for yet (it overtook its own reservation)
    /// leaves the order id released, so the reservation arriving after it holds nothing.
    /// </summary>
    public async Task<Transitioned> ReleaseAsync(Guid orderId, CancellationToken ct)
    {
        var released = await TransitionAsync(orderId, "held", "released", ReleaseStock, ct);
        if (released.Outcome != TransitionOutcome.NotFound)
            return released;
        bool written;
        await using (var connection = await db.OpenConnectionAsync(ct))
            written = await WriteReleasedAsync(connection, orderId, clock.GetUtcNow(), ct);
        if (written)
            return released;
        return await TransitionAsync(orderId, "held", "released", ReleaseStock, ct); // the reservation committed meanwhile
    }

    /// <summary>Records the order id as released with nothing held; false when a reservation of it exists.</summary>
    static Task<bool> WriteReleasedAsync(NpgsqlConnection connection, Guid orderId, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            with reservation as (
                insert into reservations (order_id, status, expires_at, created_at, updated_at) values (@orderId, 'released', @now, @now, @now)
                on conflict (order_id) do nothing
                returning order_id)
            select exists (select 1 from reservation)
            """, new { orderId, now }, cancellationToken: ct));

    /// <summary>
    /// Moves the reservation and its stock in two statements: the move, which also locks the stock rows (in the same
    /// order as <see cref="ReserveAsync"/>, byte order of the SKU, so a commit and a reservation never deadlock), then the
    /// stock update <paramref name="moveStock"/>, which answers each line it moved: product id, SKU and quantity.
    /// </summary>
    /// <param name="expiredBy">When set, only a reservation that expired before it moves.</param>
    async Task<Transitioned> TransitionAsync(Guid orderId, string from, string target, string moveStock, CancellationToken ct, DateTimeOffset? expiredBy = null)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Read to the end (one row per locked stock row), so every lock is taken before the stock update.
        var expiresAt = (await connection.QueryAsync<DateTime>(new CommandDefinition("""
            with moved as (
                update reservations set status = @target, updated_at = @now
                where order_id = @orderId and status = @from and (cast(@expiredBy as timestamptz) is null or expires_at < @expiredBy)
                returning expires_at)
            select m.expires_at from moved m
            left join lateral (
                select sku from stock where sku in (select sku from reservation_lines where order_id = @orderId)
                order by sku collate "C" for update) locked on true
            """, new { orderId, from, target, now, expiredBy }, transaction, cancellationToken: ct))).Select(e => (DateTime?)e).FirstOrDefault();
        if (expiresAt is null)
        {
            await transaction.RollbackAsync(ct);
            var status = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "select status from reservations where order_id = @orderId", new { orderId }, cancellationToken: ct));
            return new(status is null ? TransitionOutcome.NotFound : status == target ? TransitionOutcome.AlreadyDone : TransitionOutcome.Conflict);
        }
        var moved = (await connection.QueryAsync<(Guid ProductId, string Sku, int Quantity)>(new CommandDefinition(
            moveStock, new { orderId, now }, transaction, cancellationToken: ct))).ToList();
        await transaction.CommitAsync(ct);
        await cache.StockChangedAsync(moved.Select(m => m.ProductId), ct);
        var lines = moved.Select(m => new ReservationLine(m.Sku, m.Quantity)).OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
        return new(TransitionOutcome.Done, new ReservationDto(orderId, target, new DateTimeOffset(expiresAt.Value, TimeSpan.Zero), lines));
    }

    public async Task<ReservationDto?> FindAsync(Guid orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var h = await connection.QuerySingleOrDefaultAsync<ReservationHeader>(new CommandDefinition(
            "select status, expires_at as expiresat from reservations where order_id = @orderId", new { orderId }, cancellationToken: ct));
        if (h is null)
            return null;
        var lines = await connection.QueryAsync<ReservationLine>(new CommandDefinition(
            "select sku, quantity from reservation_lines where order_id = @orderId order by sku", new { orderId }, cancellationToken: ct));
        return new ReservationDto(orderId, h.Status, new DateTimeOffset(h.ExpiresAt, TimeSpan.Zero), [.. lines]);
    }

    /// <summary>Releases held reservations past their expiry; returns how many. Safe to run on every replica at once.</summary>
    public async Task<int> ReleaseExpiredAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var expired = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "select order_id from reservations where status = 'held' and expires_at < @now order by expires_at limit 500",
            new { now = clock.GetUtcNow() }, cancellationToken: ct))).ToList();
        var released = 0;
        foreach (var orderId in expired)
            // Still expired when it is moved: a hold extended since the list was read stays held.
            if ((await TransitionAsync(orderId, "held", "released", ReleaseStock, ct, expiredBy: clock.GetUtcNow())).Outcome == TransitionOutcome.Done)
                released++;
        return released;
    }

    sealed record ReservationHeader(string Status, DateTime ExpiresAt);

    static bool SameLines(IReadOnlyList<ReservationLine> a, IReadOnlyList<ReservationLine> b) =>
        a.Count == b.Count && a.OrderBy(l => l.Sku, StringComparer.Ordinal).SequenceEqual(b.OrderBy(l => l.Sku, StringComparer.Ordinal));
}

/// <summary>Gives expired reservations back every few seconds, so an abandoned checkout never holds stock for long.</summary>
public sealed class ReservationSweeper(Reservations reservations, TimeProvider clock, ILogger<ReservationSweeper> logger, IMeterFactory meters)
    : PeriodicWork(clock, logger)
{
    readonly Counter<long> _expired = meters.Create("Bazaar.Catalog")
        .CreateCounter<long>("bazaar.catalog.reservations_expired", description: "Reservations released because they expired");

    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override string Name => "Reservation sweep";

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var released = await reservations.ReleaseExpiredAsync(ct);
        if (released > 0)
        {
            _expired.Add(released);
            Logger.LogInformation("Released {Count} expired reservations", released);
        }
    }
}
