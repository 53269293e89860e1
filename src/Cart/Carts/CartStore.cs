using System.Globalization;
using Bazaar.ServiceDefaults.Redis;

namespace Bazaar.Cart.Carts;

/// <summary>Whose cart: a signed-in customer's, or a guest's identified by an unguessable random id.</summary>
public readonly record struct CartOwner(Guid Id, bool IsGuest)
{
    public string Key => IsGuest ? $"cart:guest:{Id:N}" : $"cart:user:{Id:N}";
    public TimeSpan Lifetime => IsGuest ? TimeSpan.FromDays(7) : TimeSpan.FromDays(30);
}

public sealed record CartLine(string Sku, int Quantity);

public enum SetOutcome { Set, Full, NoSuchCart }

/// <param name="Lines">The cart after the write; empty unless <paramref name="Outcome"/> is <see cref="SetOutcome.Set"/>.</param>
public readonly record struct SetResult(IReadOnlyList<CartLine> Lines, SetOutcome Outcome);

/// <summary>
/// Carts live in Redis only: one hash per cart, a field per SKU holding its quantity. Every change is one atomic
/// command or script on its own field, so concurrent edits of a cart never lose one another. Each change renews the
/// cart's lifetime (30 days, 7 for guests).
/// </summary>
public sealed class CartStore(IRedisClient redis)
{
    public const int MaxQuantity = 99;
    public const int MaxLines = 100;

    // Sets one line unless that would make the cart longer than the limit; renews the expiry. Answers the whole cart
    // after the write (what another request changed meanwhile included), -1 at the limit, or -2 when ARGV[5] is '1'
    // (a guest cart named by the client) and no such cart exists.
    const string SetLineScript = """
        if ARGV[5] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return redis.call('HGETALL', KEYS[1])
        """;

    // Removes one line; what is left lives on from now.
    const string RemoveLineScript = """
        redis.call('HDEL', KEYS[1], ARGV[1])
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return redis.call('HGETALL', KEYS[1])
        """;

    // Folds a guest cart into the user's: quantities add, capped, and each line folded in leaves the guest cart. Answers
    // the guest lines that did not fit (SKU and quantity pairs): the user's cart was at its line limit. Those stay in
    // the guest cart (until it expires), so a merge sent again after its answer was lost names them again, and adds
    // nothing twice.
    const string MergeScript = """
        local guest = redis.call('HGETALL', KEYS[1])
        local left = {}
        for i = 1, #guest, 2 do
          local sku, quantity = guest[i], tonumber(guest[i + 1])
          local current = tonumber(redis.call('HGET', KEYS[2], sku) or '0')
          if current > 0 or redis.call('HLEN', KEYS[2]) < tonumber(ARGV[2]) then
            redis.call('HSET', KEYS[2], sku, math.min(current + quantity, tonumber(ARGV[1])))
            redis.call('HDEL', KEYS[1], sku)
          else
            table.insert(left, sku)
            table.insert(left, guest[i + 1])
          end
        end
        if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
        return left
        """;

    // Takes what was ordered out of the cart, once per order (KEYS[2] records that it was done, so a repeat changes
    // nothing): a line goes when no more than the ordered quantity is left, otherwise the quantity added since stays.
    // ARGV: the marker's lifetime ('0': no marker, from ordering before the order id was sent) and the cart's, then SKU
    // and quantity pairs.
    const string RemoveOrderedScript = """
        if ARGV[1] ~= '0' and redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) == false then return -1 end
        for i = 3, #ARGV, 2 do
          local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
          if current > 0 then
            if current <= tonumber(ARGV[i + 1]) then redis.call('HDEL', KEYS[1], ARGV[i])
            else redis.call('HSET', KEYS[1], ARGV[i], current - tonumber(ARGV[i + 1])) end
          end
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return redis.call('HLEN', KEYS[1])
        """;

    public async Task<IReadOnlyList<CartLine>> GetAsync(CartOwner owner, CancellationToken ct) =>
        Lines(await redis.ExecuteAsync(["HGETALL", owner.Key], ct));

    /// <summary>Sets one line's quantity.</summary>
    /// <param name="mustExist">The cart must exist already (a guest cart whose id the client sent): nothing is written to
    /// a cart nobody made, so a client cannot choose its cart's id.</param>
    public async Task<SetResult> SetAsync(CartOwner owner, string sku, int quantity, bool mustExist, CancellationToken ct)
    {
        var result = await redis.EvalAsync(SetLineScript, [owner.Key],
            [sku, quantity.ToString(CultureInfo.InvariantCulture), MaxLines.ToString(CultureInfo.InvariantCulture), Milliseconds(owner.Lifetime), mustExist ? "1" : "0"], ct);
        return result.Kind == RedisReplyKind.Array ? new SetResult(Lines(result), SetOutcome.Set)
            : new SetResult([], result.Integer == -2 ? SetOutcome.NoSuchCart : SetOutcome.Full);
    }

    /// <returns>The cart after the change.</returns>
    public async Task<IReadOnlyList<CartLine>> RemoveAsync(CartOwner owner, string sku, CancellationToken ct) =>
        Lines(await redis.EvalAsync(RemoveLineScript, [owner.Key], [sku, Milliseconds(owner.Lifetime)], ct));

    public Task ClearAsync(CartOwner owner, CancellationToken ct) => redis.ExecuteAsync(["DEL", owner.Key], ct);

    /// <summary>
    /// After an order: its lines leave the cart, and whatever the shopper added since stays. Once per order: a repeat
    /// (a retried call) changes nothing, for as long as a cart lives.
    /// </summary>
    public Task RemoveOrderedAsync(CartOwner owner, Guid? orderId, IReadOnlyList<CartLine> ordered, CancellationToken ct) =>
        ordered.Count == 0 ? Task.CompletedTask
            : redis.EvalAsync(RemoveOrderedScript, [owner.Key, $"cart:ordered:{orderId.GetValueOrDefault():N}"],
                [orderId is null ? "0" : Milliseconds(owner.Lifetime), Milliseconds(owner.Lifetime), .. ordered.SelectMany(l => new[] { l.Sku, l.Quantity.ToString(CultureInfo.InvariantCulture) })], ct);

    static List<CartLine> Lines(RedisReply hash)
    {
        var lines = new List<CartLine>(hash.Items.Count / 2);
        for (var i = 0; i + 1 < hash.Items.Count; i += 2)
            lines.Add(new CartLine(hash.Items[i].AsString()!, (int)hash.Items[i + 1].AsInt64()));
        lines.Sort((a, b) => string.CompareOrdinal(a.Sku, b.Sku));
        return lines;
    }

    /// <returns>The guest lines left out: the user's cart had no room for another line.</returns>
    public async Task<IReadOnlyList<CartLine>> MergeAsync(CartOwner guest, CartOwner user, CancellationToken ct) =>
        Lines(await redis.EvalAsync(MergeScript, [guest.Key, user.Key],
            [MaxQuantity.ToString(CultureInfo.InvariantCulture), MaxLines.ToString(CultureInfo.InvariantCulture), Milliseconds(user.Lifetime)], ct));

    static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
